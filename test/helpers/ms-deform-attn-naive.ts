// An independent multi-scale deformable attention for tests: PyTorch's formulation written as
// grid_sample calls (our own gridSampleCpu reference), one per level on the value transposed to
// [bs * heads, d, H, W] at grid 2 * loc - 1, each sample times its weight (rounded to float32, as
// PyTorch's multiply), the terms added exactly in float64 instead of in PyTorch's float32 order.
import { gridSampleCpu } from '../../src/cpu/grid-sample.js';
import type { Tensor } from '../../src/types.js';

export interface NaiveResult {
  output: Tensor;
  /** per output element: sum over levels and points of |weight|, for error bounds */
  weightMass: Float64Array;
}

export function msDeformAttnNaive(
  value: Tensor,
  spatialShapes: readonly (readonly [number, number])[],
  samplingLocations: Tensor,
  attentionWeights: Tensor,
): NaiveResult {
  const [bs, s, heads, d] = value.shape;
  const [, nq, , levels, points] = samplingLocations.shape;
  const sums = new Float64Array(bs * nq * heads * d);
  const weightMass = new Float64Array(bs * nq * heads * d);
  let start = 0;
  for (const [l, [h, w]] of spatialShapes.entries()) {
    // [bs, h*w, heads, d] -> [bs*heads, d, h, w]
    const input = new Float32Array(bs * heads * d * h * w);
    for (let b = 0; b < bs; b++)
      for (let pos = 0; pos < h * w; pos++)
        for (let head = 0; head < heads; head++)
          for (let c = 0; c < d; c++)
            input[((b * heads + head) * d + c) * h * w + pos] =
              value.data[((b * s + start + pos) * heads + head) * d + c];
    // [bs, nq, heads, levels, points, 2] at level l -> [bs*heads, nq, points, 2], as 2 * loc - 1
    const grid = new Float32Array(bs * heads * nq * points * 2);
    for (let b = 0; b < bs; b++)
      for (let q = 0; q < nq; q++)
        for (let head = 0; head < heads; head++)
          for (let p = 0; p < points; p++)
            for (let k = 0; k < 2; k++) {
              const loc = samplingLocations.data[((((b * nq + q) * heads + head) * levels + l) * points + p) * 2 + k];
              grid[(((b * heads + head) * nq + q) * points + p) * 2 + k] = Math.fround(Math.fround(2 * loc) - 1);
            }
    const sampled = gridSampleCpu(
      { data: input, shape: [bs * heads, d, h, w] },
      { data: grid, shape: [bs * heads, nq, points, 2] },
      { mode: 'bilinear', paddingMode: 'zeros', alignCorners: false },
    ).data; // [bs*heads, d, nq, points]
    for (let b = 0; b < bs; b++)
      for (let q = 0; q < nq; q++)
        for (let head = 0; head < heads; head++)
          for (let p = 0; p < points; p++) {
            const a = attentionWeights.data[(((b * nq + q) * heads + head) * levels + l) * points + p];
            for (let c = 0; c < d; c++) {
              const v = sampled[(((b * heads + head) * d + c) * nq + q) * points + p];
              const o = ((b * nq + q) * heads + head) * d + c;
              sums[o] += Math.fround(v * a);
              weightMass[o] += Math.abs(a);
            }
          }
    start += h * w;
  }
  return { output: { data: Float32Array.from(sums), shape: [bs, nq, heads * d] }, weightMass };
}
