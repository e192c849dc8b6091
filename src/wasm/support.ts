// What the environment offers the wasm backend: SIMD, threads that share memory, and how many cores.
import { nodeWorkerThreads } from './thread.js';

/** Whether this engine can compile the kernels (WebAssembly with 128-bit SIMD). */
export function simdSupported(bytes: Uint8Array<ArrayBuffer>): boolean {
  try {
    return typeof WebAssembly === 'object' && WebAssembly.validate(bytes);
  } catch {
    return false;
  }
}

/**
 * Whether worker threads can share one wasm memory: always in Node; in a browser only on a
 * cross-origin isolated page (where SharedArrayBuffer exists) that can start Web Workers.
 */
export function sharedMemorySupported(): boolean {
  if (typeof SharedArrayBuffer !== 'function') return false;
  const scope = globalThis as { crossOriginIsolated?: boolean; Worker?: unknown };
  if (!nodeWorkerThreads() && (scope.crossOriginIsolated !== true || typeof scope.Worker !== 'function')) return false;
  try {
    return new WebAssembly.Memory({ initial: 1, maximum: 1, shared: true }).buffer instanceof SharedArrayBuffer;
  } catch {
    return false;
  }
}

/** The number of hardware threads (logical cores) this process may use. */
export function hardwareThreads(): number {
  const proc = (globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } }).process;
  const os = proc?.getBuiltinModule?.('node:os') as { availableParallelism(): number } | undefined;
  if (os) return os.availableParallelism();
  const count = (globalThis as { navigator?: { hardwareConcurrency?: number } }).navigator?.hardwareConcurrency;
  return typeof count === 'number' && count >= 1 ? count : 1;
}

/** Pages of the largest memory wasm32 addresses (4 GiB), then smaller ones where that is refused. */
const SHARED_MAXIMUM_PAGES = [65536, 16384, 4096];

/** A shared memory for the worker threads, with the largest maximum the engine grants. */
export function createSharedMemory(): WebAssembly.Memory {
  let lastError: unknown;
  for (const maximum of SHARED_MAXIMUM_PAGES) {
    try {
      return new WebAssembly.Memory({ initial: 1, maximum, shared: true });
    } catch (error) {
      lastError = error;
    }
  }
  throw lastError;
}
