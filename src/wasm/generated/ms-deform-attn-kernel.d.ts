// Types of ms-deform-attn-kernel.js, which scripts/build-wasm.ts generates from assembly/ms-deform-attn.ts.

/** The deformable attention kernel, importing a plain memory: a wasm module, base64. */
export declare const msDeformAttnKernel: string;
