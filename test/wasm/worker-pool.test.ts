// The worker threads of the wasm backend when things go wrong: a kernel that traps, a thread that
// dies in a call or on start, destroy() with calls in flight. Every call settles with a clear
// error, nothing hangs, and the next call gets working threads again.
import { afterEach, describe, expect, it } from 'vitest';
import { kernelBytes } from '../../src/wasm/binary.js';
import { createSharedMemory } from '../../src/wasm/support.js';
import { WorkerPool } from '../../src/wasm/worker-pool.js';

const module = await WebAssembly.compile(await kernelBytes(true));
const pools: WorkerPool[] = [];
afterEach(() => {
  for (const pool of pools.splice(0)) pool.destroy();
});

function pool(size: number, source?: string): WorkerPool {
  const created = new WorkerPool(size, module, createSharedMemory(), source);
  pools.push(created);
  return created;
}

/** Settles `promise` as a string: 'ok', the error message, or 'HUNG' after 10 s. */
function settle(promise: Promise<unknown>): Promise<string> {
  return Promise.race([
    promise.then(
      () => 'ok',
      (error: Error) => error.message,
    ),
    new Promise<string>((resolve) => setTimeout(() => resolve('HUNG'), 10_000)),
  ]);
}

// a pack with the Params block at byte 1024 of a fresh memory: all zeros, no packing to do (its
// chunk counter at 2048 is never reset here: later runs find no chunk left, which is as harmless)
const packJob = { fn: 'pack', args: [1024, 0, 4, 4, 2048] } as const;
// a sample whose Params block lies far past the end of the memory: the kernel traps
const trapJob = { fn: 'sample', args: [2 ** 31, 0, 4, 0, 4, 2112] } as const;

describe('WorkerPool', () => {
  it('runs kernel calls on every thread', async () => {
    const threads = pool(2);
    await threads.ready();
    expect(await settle(threads.run([packJob, packJob]))).toBe('ok');
  });

  it('rejects a call whose kernel traps, with the trap, and keeps working', async () => {
    const threads = pool(2);
    expect(await settle(threads.run([packJob, trapJob]))).toMatch(
      /^WasmSampler: kernel RuntimeError: memory access out of bounds/,
    );
    expect(await settle(threads.run([packJob, packJob]))).toBe('ok');
  });

  it('rejects the call of a thread that dies in it, then replaces the thread', async () => {
    // a worker that instantiates like the real one but exits in the middle of its second call
    const source = `
      const { parentPort } = process.getBuiltinModule('node:worker_threads');
      let calls = 0;
      parentPort.on('message', (m) => {
        if (m.type === 'init') return parentPort.postMessage({ type: 'ready' });
        if (++calls === 2) process.exit(3);
        parentPort.postMessage({ id: m.id });
      });`;
    const threads = pool(2, source);
    expect(await settle(threads.run([packJob, packJob]))).toBe('ok');
    expect(await settle(threads.run([packJob, packJob]))).toMatch(
      /^WasmSampler: worker thread [01] failed: the thread exited with code 3/,
    );
    expect(await settle(threads.run([packJob, packJob]))).toBe('ok'); // fresh threads, first call each
  });

  it('rejects when a thread throws outside a call', async () => {
    const source = `
      const { parentPort } = process.getBuiltinModule('node:worker_threads');
      parentPort.on('message', (m) => {
        if (m.type === 'init') return parentPort.postMessage({ type: 'ready' });
        setTimeout(() => { throw new Error('boom'); });
      });`;
    expect(await settle(pool(1, source).run([packJob]))).toMatch(/^WasmSampler: worker thread 0 failed: boom/);
  });

  it('rejects when a thread cannot start the kernels', async () => {
    const source = `
      const { parentPort } = process.getBuiltinModule('node:worker_threads');
      parentPort.on('message', () => parentPort.postMessage({ type: 'ready', error: 'LinkError: no memory' }));`;
    const threads = pool(2, source);
    expect(await settle(threads.ready())).toMatch(/could not instantiate the kernels: LinkError: no memory/);
    expect(await settle(threads.run([packJob]))).toMatch(/could not instantiate the kernels/);
  });

  it('rejects calls in flight on destroy(), and every later call', async () => {
    // a worker that never answers a call
    const source = `
      const { parentPort } = process.getBuiltinModule('node:worker_threads');
      parentPort.on('message', (m) => { if (m.type === 'init') parentPort.postMessage({ type: 'ready' }); });`;
    const threads = pool(2, source);
    await threads.ready();
    const inFlight = settle(threads.run([packJob, packJob]));
    await new Promise((resolve) => setTimeout(resolve, 50));
    threads.destroy();
    expect(await inFlight).toBe('WasmSampler: destroyed while a call was running');
    expect(await settle(threads.run([packJob]))).toBe('WasmSampler: destroyed');
  });
});
