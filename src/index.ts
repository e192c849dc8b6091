/// <reference types="@webgpu/types" />

export { affineGridCpu } from './cpu/affine-grid.js';
export { affineGridBackwardCpu } from './cpu/affine-grid-backward.js';
export { gridSampleCpu } from './cpu/grid-sample.js';
export { type GridSampleGradients, gridSampleBackwardCpu } from './cpu/grid-sample-backward.js';
export { msDeformAttnCpu } from './cpu/ms-deform-attn.js';
export { DeviceLostError, GPUExecutionError, WebGPUUnavailableError } from './errors.js';
export { gridFromFlow } from './flow.js';
export {
  type CanvasLike,
  type EncodeWarpImageArgs,
  encodeWarpImage,
  type ImageLike,
  readImage,
  textureFromImage,
  type WarpImageOptions,
  warpImage,
} from './gpu/ops/warp-image.js';
export {
  type EncodeAffineGridArgs,
  type EncodeAffineGridBackwardArgs,
  type EncodeGridSampleArgs,
  type EncodeGridSampleBackwardArgs,
  type EncodeMsDeformAttnArgs,
  GridSampler,
  type GridSamplerOptions,
} from './gpu/sampler.js';
export { type Backend, type GridSampleCallOptions, gridSample } from './grid-sample.js';
export { imageFromTensor, tensorFromImage } from './image-data.js';
export type {
  AffineGridOptions,
  Dtype,
  EncodeGridSampleOptions,
  EncodeMsDeformAttnOptions,
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
