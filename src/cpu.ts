// The `webgpu-grid-sample/cpu` entry: the CPU reference and the wasm backend, with no WebGPU code.

export { affineGridCpu } from './cpu/affine-grid.js';
export { affineGridBackwardCpu } from './cpu/affine-grid-backward.js';
export { gridSampleCpu } from './cpu/grid-sample.js';
export { type GridSampleGradients, gridSampleBackwardCpu } from './cpu/grid-sample-backward.js';
export { msDeformAttnCpu } from './cpu/ms-deform-attn.js';
export { gridFromFlow } from './flow.js';
export { imageFromTensor, tensorFromImage } from './image-data.js';
export type {
  AffineGridOptions,
  GridSampleBackwardOptions,
  GridSampleOptions,
  ImageDataLike,
  Layout,
  Mode,
  PaddingMode,
  SamplingOptions,
  Tensor,
} from './types.js';
export { type WasmKernel, WasmSampler, type WasmSamplerOptions } from './wasm/sampler.js';
