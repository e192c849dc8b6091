import { allocateOutput, checkTensor, resolveOptions, sampleGeometry } from '../options.js';
import type { GridSampleOptions, Tensor } from '../types.js';
import { gridSample2d } from './grid-sample-2d.js';
import { gridSample3d } from './grid-sample-3d.js';

/**
 * `torch.nn.functional.grid_sample` on the CPU, in plain TypeScript: the reference the GPU path is
 * checked against, and the fallback where WebGPU is missing.
 *
 * @example
 * const out = gridSampleCpu(input, grid, { mode: 'bilinear', paddingMode: 'zeros', alignCorners: false });
 */
export function gridSampleCpu(input: Tensor, grid: Tensor, options?: GridSampleOptions): Tensor {
  checkTensor('input', input);
  checkTensor('grid', grid);
  const geo = sampleGeometry(input.shape, grid.shape);
  const opts = resolveOptions(options, geo.spatialDims);
  const data = allocateOutput('grid_sample', geo.outputShape);
  if (data.length > 0) {
    (geo.spatialDims === 2 ? gridSample2d : gridSample3d)(input.data, grid.data, data, geo, opts);
  }
  return { data, shape: geo.outputShape };
}
