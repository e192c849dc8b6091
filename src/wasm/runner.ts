// Runs a kernel of assembly/index.ts on the calling thread (one thread, own memory) or on every
// worker thread at once (one shared memory). The threads of a call share its work through a counter
// in memory from which each claims chunk after chunk (assembly/index.ts), reset here before each run.
import { type Job, WorkerPool } from './worker-pool.js';

type Kernels = Record<Job['fn'], (...args: number[]) => void>;

export interface Runner {
  readonly memory: WebAssembly.Memory;
  readonly threads: number;
  /**
   * Runs `fn` on every thread with `args(thread)`, after setting the chunk counter at byte `counter`
   * to 0.
   */
  run(fn: Job['fn'], counter: number, args: (thread: number) => number[]): Promise<void>;
  destroy(): void;
}

/** The kernels instantiated on this thread. */
export async function localRunner(module: WebAssembly.Module): Promise<Runner> {
  const memory = new WebAssembly.Memory({ initial: 1 });
  const instance = await WebAssembly.instantiate(module, { env: { memory } });
  const kernels = instance.exports as unknown as Kernels;
  return {
    memory,
    threads: 1,
    run: async (fn, counter, args) => {
      new Int32Array(memory.buffer, counter, 1)[0] = 0;
      kernels[fn](...args(0));
    },
    destroy: () => {},
  };
}

/** `threads` worker threads on one shared memory. */
export async function workerRunner(
  module: WebAssembly.Module,
  memory: WebAssembly.Memory,
  threads: number,
): Promise<Runner> {
  const pool = new WorkerPool(threads, module, memory);
  try {
    await pool.ready();
  } catch (error) {
    pool.destroy();
    throw error;
  }
  return {
    memory,
    threads,
    run: (fn, counter, args) => {
      Atomics.store(new Int32Array(memory.buffer, counter, 1), 0, 0);
      return pool.run(Array.from({ length: threads }, (_, thread) => ({ fn, args: args(thread) })));
    },
    destroy: () => pool.destroy(),
  };
}
