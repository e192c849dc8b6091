// The compiled kernels (assembly/, built by `npm run build:wasm`), inlined into the bundle as base64
// in a chunk of their own, loaded the first time a WasmSampler is created.

/** The kernels' module bytes: for one thread with its own memory, or for workers on a shared memory. */
export async function kernelBytes(shared: boolean): Promise<Uint8Array<ArrayBuffer>> {
  const { sharedMemoryKernels, singleThreadKernels } = await import('./generated/kernels.js');
  return Uint8Array.from(atob(shared ? sharedMemoryKernels : singleThreadKernels), (c) => c.charCodeAt(0));
}
