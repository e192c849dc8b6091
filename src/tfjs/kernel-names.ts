// The TF.js kernels of webgpu-grid-sample/tfjs: their names (namespaced, so a future TF.js kernel of
// the same name cannot clash) and attributes. Inputs are float32 TensorInfos; attributes are plain data.
import type { Layout, Mode, PaddingMode } from '../types.js';

/** grid_sample: inputs `input`, `grid`; attributes {@link GridSampleAttrs}; output the sampled tensor. */
export const GRID_SAMPLE = 'webgpu-grid-sample:GridSample';
/** One gradient of grid_sample: inputs `dy`, `input`, `grid`; attributes {@link GridSampleGradAttrs}. */
export const GRID_SAMPLE_GRAD = 'webgpu-grid-sample:GridSampleGrad';
/** affine_grid: input `theta`; attributes {@link AffineGridAttrs}; output the grid. */
export const AFFINE_GRID = 'webgpu-grid-sample:AffineGrid';
/** The gradient of affine_grid with respect to theta: input `dy` (d loss / d grid). */
export const AFFINE_GRID_GRAD = 'webgpu-grid-sample:AffineGridGrad';

export interface GridSampleAttrs {
  mode: Mode;
  paddingMode: PaddingMode;
  alignCorners: boolean;
  layout: Layout;
}

export interface GridSampleGradAttrs extends GridSampleAttrs {
  /** The gradient computed: d loss / d input or d loss / d grid (the other is not computed). */
  wrt: 'input' | 'grid';
}

export interface AffineGridAttrs {
  /** The size as the core library takes it: [N, C, H, W] or [N, C, D, H, W]. */
  size: number[];
  alignCorners: boolean;
}
