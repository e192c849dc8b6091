export type { AffineGridOptions, GridSampleOptions, Mode, PaddingMode, Tensor } from './types.js';
export { gridSampleCpu } from './cpu/grid-sample.js';
export { affineGridCpu } from './cpu/affine-grid.js';
export { WebGPUUnavailableError, GPUExecutionError } from './errors.js';
