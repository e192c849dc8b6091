// Per-element scales for gradients, for `compare(..., { scale })`: the larger of the expected tensor's
// peak (max(1, largest finite |value|), the default scale) and the size of the terms the value is a sum
// of. Rounding error grows with those terms, not with the result: terms of opposite sign cancel, so a
// gradient can be far smaller than the peak while its terms, and its error, are not (a sparse
// grad_output, an input whose taps nearly balance, thousands of adds of random sign into one pixel).
import { type GridSampleBackwardOptions, gridSampleBackwardCpu, type Tensor } from '../../src/index.js';
import { toChannelsFirst, toChannelsLast } from './layout.js';
import { peakScale } from './tolerance.js';

/**
 * gradInput: per input element, at least the sum over the grid points that sample it of |grad_output| x
 * weight (the backward of |gradOutput|): exactly the sum of |terms| for bilinear and nearest (weights
 * >= 0); for bicubic its negative weights make it an underestimate, where the peak still holds.
 */
export function gradInputScale(
  gradOutput: Tensor,
  input: Tensor,
  grid: Tensor,
  options: GridSampleBackwardOptions,
  expected: Tensor,
): Float32Array {
  const magnitude = { data: gradOutput.data.map(Math.abs), shape: gradOutput.shape };
  const peak = peakScale(expected.data);
  return gridSampleBackwardCpu(magnitude, input, grid, options).gradInput.data.map((v) => Math.max(peak, v));
}

/**
 * gradGrid: per grid value (point p of batch item n, axis a), at least d(pixel)/d(grid) along a times the
 * sum over channels of |grad_output[n, c, p]| times the largest finite |input| of item n: a bound, up to
 * the sum of |d weight / d pixel| over the taps (2 for bilinear, under 3 for bicubic), on its terms.
 */
export function gradGridScale(
  gradOutput: Tensor,
  input: Tensor,
  grid: Tensor,
  options: GridSampleBackwardOptions,
  expected: Tensor,
): Float32Array {
  const [n, c, ...spatial] = input.shape;
  const dims = spatial.length;
  const sizes = [...spatial].reverse(); // x, y[, z]
  const align = options?.alignCorners ?? false;
  const unnormalize = sizes.map((size) => (align ? (size - 1) / 2 : size / 2));
  const plane = spatial.reduce((a, b) => a * b, 1);
  const points = grid.shape.slice(1, -1).reduce((a, b) => a * b, 1);
  const scale = new Float32Array(grid.data.length).fill(peakScale(expected.data));
  for (let b = 0; b < n; b++) {
    let largest = 0;
    for (let i = b * c * plane; i < (b + 1) * c * plane; i++) {
      const v = Math.abs(input.data[i]);
      if (v > largest && v !== Infinity) largest = v;
    }
    for (let p = 0; p < points; p++) {
      let weight = 0;
      for (let ch = 0; ch < c; ch++) weight += Math.abs(gradOutput.data[(b * c + ch) * points + p]);
      for (let a = 0; a < dims; a++) {
        const i = (b * points + p) * dims + a;
        scale[i] = Math.max(scale[i], unnormalize[a] * largest * weight);
      }
    }
  }
  return scale;
}

/**
 * Both gradients' compare options for grid_sample backward, against `expected`. With `layout: 'nhwc'`
 * the scales are computed on the case channels first, gradInput's transposed back.
 */
export function gradientScales(
  gradOutput: Tensor,
  input: Tensor,
  grid: Tensor,
  options: GridSampleBackwardOptions = {},
  expected: { gradInput: Tensor; gradGrid: Tensor },
): { gradInput: { scale: Float32Array }; gradGrid: { scale: Float32Array } } {
  if (options.layout === 'nhwc') {
    const { layout: _, ...channelsFirst } = options;
    const first = { gradInput: toChannelsFirst(expected.gradInput), gradGrid: expected.gradGrid };
    const firstInput = toChannelsFirst(input);
    const scales = gradientScales(toChannelsFirst(gradOutput), firstInput, grid, channelsFirst, first);
    const gradInput = toChannelsLast({ data: scales.gradInput.scale, shape: firstInput.shape }).data;
    return { gradInput: { scale: gradInput }, gradGrid: scales.gradGrid };
  }
  return {
    gradInput: { scale: gradInputScale(gradOutput, input, grid, options, expected.gradInput) },
    gradGrid: { scale: gradGridScale(gradOutput, input, grid, options, expected.gradGrid) },
  };
}
