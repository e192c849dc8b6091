// The `webgpu-grid-sample/tfjs` entry: grid_sample and affine_grid as differentiable TensorFlow.js ops,
// GPU-resident on the webgpu backend. Needs @tensorflow/tfjs-core (an optional peer dependency); the
// other entries never import it.

export { affineGrid, gridSample } from './tfjs/ops.js';
export type { AffineGridOptions, GridSampleOptions, Layout, Mode, PaddingMode, SamplingOptions } from './types.js';
