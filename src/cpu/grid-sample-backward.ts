import { backwardGeometry } from '../backward-options.js';
import { checkTensor, elementCount, layoutOf, resolveOptions } from '../options.js';
import type { GridSampleBackwardOptions, Tensor } from '../types.js';
import { gridSampleBackward2d } from './grid-sample-backward-2d.js';
import { gridSampleBackward3d } from './grid-sample-backward-3d.js';

/**
 * Gradients of grid_sample with respect to its two inputs.
 *
 * @example
 * const { gradInput, gradGrid }: GridSampleGradients = gridSampleBackwardCpu(gradOutput, input, grid);
 */
export interface GridSampleGradients {
  /** d loss / d input, the shape of `input` */
  gradInput: Tensor;
  /** d loss / d grid, the shape of `grid` */
  gradGrid: Tensor;
}

/**
 * Backward of `torch.nn.functional.grid_sample` on the CPU: given d loss / d output, returns
 * d loss / d input and d loss / d grid, as PyTorch autograd does (clipped coordinates get gradient 0,
 * reflection flips its sign, nearest has a zero grid gradient). Grid points that are NaN sampled
 * nothing and get gradient 0; so do coordinates held by the ±2^24 clamp (±Infinity included).
 * With `layout: 'nhwc'`, gradOutput, input and gradInput are channels-last, as in the forward.
 *
 * @example
 * const out = gridSampleCpu(input, grid, options);
 * const gradOutput = { data: out.data.map((v, i) => 2 * (v - target.data[i])), shape: out.shape }; // MSE
 * const { gradInput, gradGrid } = gridSampleBackwardCpu(gradOutput, input, grid, options);
 * // channels last: input [N, H, W, C], gradOutput [N, H_out, W_out, C]; gradInput comes back [N, H, W, C]
 * const nhwc = gridSampleBackwardCpu(gradOutputNhwc, inputNhwc, grid, { layout: 'nhwc' });
 */
export function gridSampleBackwardCpu(
  gradOutput: Tensor,
  input: Tensor,
  grid: Tensor,
  options?: GridSampleBackwardOptions,
): GridSampleGradients {
  checkTensor('gradOutput', gradOutput);
  checkTensor('input', input);
  checkTensor('grid', grid);
  const geo = backwardGeometry(gradOutput.shape, input.shape, grid.shape, layoutOf(options));
  const opts = resolveOptions(options, geo.spatialDims);
  const gradInput = new Float64Array(elementCount(input.shape));
  const gradGrid = new Float32Array(elementCount(grid.shape));
  const buffers = { gradOutput: gradOutput.data, input: input.data, grid: grid.data, gradInput, gradGrid };
  (geo.spatialDims === 2 ? gridSampleBackward2d : gridSampleBackward3d)(buffers, geo, opts);
  return {
    gradInput: { data: Float32Array.from(gradInput), shape: [...input.shape] },
    gradGrid: { data: gradGrid, shape: [...grid.shape] },
  };
}
