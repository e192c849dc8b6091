/// <reference types="@webgpu/types" />
export type { AffineGridOptions, GridSampleOptions, ImageDataLike, Layout, Mode, PaddingMode, Tensor } from './types.js';
export { gridSampleCpu } from './cpu/grid-sample.js';
export { affineGridCpu } from './cpu/affine-grid.js';
export { gridFromFlow } from './flow.js';
export { imageFromTensor, tensorFromImage } from './image-data.js';
export {
  type CanvasLike,
  type EncodeWarpImageArgs,
  encodeWarpImage,
  type ImageLike,
  readImage,
  textureFromImage,
  warpImage,
} from './gpu/image.js';
export {
  GridSampler,
  type EncodeAffineGridArgs,
  type EncodeGridSampleArgs,
  type GridSamplerOptions,
} from './gpu/sampler.js';
export { gridSample, type Backend, type GridSampleCallOptions } from './grid-sample.js';
export { WebGPUUnavailableError, GPUExecutionError, DeviceLostError } from './errors.js';
export { gridSampleBackwardCpu, type GridSampleGradients } from './cpu/grid-sample-backward.js';
export { affineGridBackwardCpu } from './cpu/affine-grid-backward.js';
export type { EncodeAffineGridBackwardArgs, EncodeGridSampleBackwardArgs } from './gpu/backward.js';
