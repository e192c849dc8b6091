// The `webgpu-grid-sample/warps` entry: image warps as sampling grids, built on the CPU or encoded on
// the GPU, for gridSampleCpu, GridSampler or warpImage.

export {
  affineWarpGrid,
  lensGrid,
  perspectiveGrid,
  rippleGrid,
  swirlGrid,
  warpGrid,
} from './warps/cpu.js';
export { encodeWarpGrid } from './warps/gpu.js';
export { initialCorners, type WarpParameter, warpParameters } from './warps/parameters.js';
export type {
  AffineWarpOptions,
  EncodeWarpGridArgs,
  LensOptions,
  PerspectiveOptions,
  RippleOptions,
  SwirlOptions,
  WarpCenter,
  WarpGridSize,
  WarpName,
  WarpOptions,
} from './warps/types.js';
