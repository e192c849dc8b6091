// The `webgpu-grid-sample/cpu` entry: the CPU reference alone, with no WebGPU code.
export type { AffineGridOptions, GridSampleOptions, ImageDataLike, Layout, Mode, PaddingMode, Tensor } from './types.js';
export { gridSampleCpu } from './cpu/grid-sample.js';
export { affineGridCpu } from './cpu/affine-grid.js';
export { gridSampleBackwardCpu, type GridSampleGradients } from './cpu/grid-sample-backward.js';
export { affineGridBackwardCpu } from './cpu/affine-grid-backward.js';
export { gridFromFlow } from './flow.js';
export { imageFromTensor, tensorFromImage } from './image-data.js';
