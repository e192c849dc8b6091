// The compiled kernels (assembly/, built by `npm run build:wasm`), inlined into the bundle as base64.
import { sharedMemoryKernels, singleThreadKernels } from './generated/kernels.js';

/** The kernels' module bytes: for one thread with its own memory, or for workers on a shared memory. */
export function kernelBytes(shared: boolean): Uint8Array<ArrayBuffer> {
  return Uint8Array.from(atob(shared ? sharedMemoryKernels : singleThreadKernels), (c) => c.charCodeAt(0));
}
