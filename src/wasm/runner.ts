// Runs a kernel of assembly/index.ts over a range of pixels or points: on the calling thread (one
// thread, own memory) or split over worker threads that share the memory.
import { splitRange } from './plan.js';
import { type Job, WorkerPool } from './worker-pool.js';

type Kernels = Record<Job['fn'], (...args: number[]) => void>;

export interface Runner {
  readonly memory: WebAssembly.Memory;
  readonly threads: number;
  /**
   * Runs `fn` over the units [start, end), each thread on its own part (cut `align` units apart);
   * `args(start, end, thread)` gives the arguments of one part.
   */
  run(
    fn: Job['fn'],
    range: [start: number, end: number],
    align: number,
    args: (start: number, end: number, thread: number) => number[],
  ): Promise<void>;
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
    run: async (fn, [start, end], _align, args) => kernels[fn](...args(start, end, 0)),
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
    run: (fn, [start, end], align, args) =>
      pool.run(
        splitRange(end - start, threads, align).map(([s, e], thread) => ({
          fn,
          args: args(start + s, start + e, thread),
        })),
      ),
    destroy: () => pool.destroy(),
  };
}
