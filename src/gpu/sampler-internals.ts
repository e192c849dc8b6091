import type { BufferPool } from './buffer-pool.js';
import type { Binding, PieceHost } from './piecewise.js';
import type { Variant } from './variants.js';

export type { Binding };

/**
 * What a GridSampler lends to the modules that add operations to it (src/gpu/backward.ts), so they
 * share its buffer pool, uniform and bind-group caches and error handling. Not public API.
 */
export interface SamplerInternals {
  readonly device: GPUDevice;
  readonly pool: BufferPool;
  checkAlive(): void;
  /** Checks a caller's buffer (GPUBuffer, STORAGE usage, large enough); returns the bytes to bind. */
  checkBuffer(name: string, buffer: GPUBuffer, elements: number): number;
  /** A pooled STORAGE | COPY_DST buffer holding `data`; release it to the pool after use. */
  upload(data: Float32Array, label: string): GPUBuffer;
  /** Encodes with `encode`, copies `output` back, and turns WebGPU errors into GPUExecutionError. */
  run(output: GPUBuffer, encode: (encoder: GPUCommandEncoder) => void): Promise<Float32Array>;
  /** One compute pass of WORKGROUP_SIZE-wide workgroups; params[8] receives the row pitch. */
  record: PieceHost['record'];
  /** A cached uniform buffer holding `params`. */
  uniformBuffer(params: Uint32Array): GPUBuffer;
  /** A cached bind group of `variant`'s kernel over `bindings`. */
  bindGroup(variant: Variant, bindings: Binding[]): GPUBindGroup;
}
