// Everything an op module needs from the GPU runtime, in one import: the context and its verbs, kernel
// records, WGSL parts, and the piece plans of large tensors. See docs/guide/design.md.
export type { BufferLease } from './buffer-pool.js';
export { type BufferBinding, contextFor, GpuContext, type Pass, type Resource } from './context.js';
export { BufferUsage } from './flags.js';
export {
  type BindingKind,
  defineKernel,
  type Kernel,
  type KernelSpec,
  type OverrideConstants,
  type UniformType,
  type Variant,
  WORKGROUP_SIZE,
} from './kernel.js';
export {
  type ChunkLimit,
  type ElementRange,
  type Run,
  runOf,
} from './runs.js';
export { type WgslPart, wgslPart } from './wgsl.js';
