import { allocateOutput, checkTensor, layoutOf, resolveOptions, sampleGeometry } from '../options.js';
import type { GridSampleOptions, Tensor } from '../types.js';
import { gridSample2d } from './grid-sample-2d.js';
import { gridSample3d } from './grid-sample-3d.js';

/**
 * `torch.nn.functional.grid_sample` on the CPU, in plain TypeScript: the reference the GPU path is
 * checked against, and the fallback where WebGPU is missing. With `layout: 'nhwc'` the input is
 * channels-last `[N, H, W, C]` and so is the output.
 *
 * @example
 * const out = gridSampleCpu(input, grid, { mode: 'bilinear', paddingMode: 'zeros', alignCorners: false });
 * const rgb = gridSampleCpu({ data: pixels, shape: [1, 480, 640, 3] }, grid, { layout: 'nhwc' }); // [1, H_out, W_out, 3]
 */
export function gridSampleCpu(input: Tensor, grid: Tensor, options?: GridSampleOptions): Tensor {
  checkTensor('input', input);
  checkTensor('grid', grid);
  const geo = sampleGeometry(input.shape, grid.shape, layoutOf(options));
  const opts = resolveOptions(options, geo.spatialDims);
  const data = allocateOutput('grid_sample', geo.outputShape);
  if (data.length > 0) {
    (geo.spatialDims === 2 ? gridSample2d : gridSample3d)(input.data, grid.data, data, geo, opts);
  }
  return { data, shape: geo.outputShape };
}
