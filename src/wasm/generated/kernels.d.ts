// Types of kernels.js, which scripts/build-wasm.ts generates from assembly/ (npm run build:wasm).

/** The kernels for one thread, importing a plain memory: a wasm module, base64. */
export declare const singleThreadKernels: string;
/** The kernels for worker threads, importing a shared memory: a wasm module, base64. */
export declare const sharedMemoryKernels: string;
