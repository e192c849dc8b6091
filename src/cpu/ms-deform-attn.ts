// Multi-scale deformable attention on the CPU, in PyTorch's float32 operations: each sample is
// grid_sample's bilinear as PyTorch's AVX2 CPU kernel computes it (its compiler fuses the coordinate
// and the weighted taps into multiply-adds, emulated here as fround(a * b + c)), each term is rounded
// as `sample * weight`, and the terms of a (batch, query, head) are added in the order of PyTorch's
// `sum(-1)` (torch-sum-order.ts): the result equals the PyTorch reference bit for bit on every golden.
import { type MsDeformAttnGeometry, msDeformAttnGeometry } from '../ms-deform-attn-shapes.js';
import { allocateOutput, checkTensor } from '../options.js';
import type { Tensor } from '../types.js';
import { COORD_LIMIT } from './coordinates.js';
import { torchSumSchedule } from './torch-sum-order.js';

// Math.fround is called directly: an alias in a module constant costs a load and a check per call in
// V8's optimized code. Measured with callgrind over D1 runs (bench/msda): 145 M instructions per run
// with the alias, 87 M without; 77 M with the taps indexed from one `i0` as below (hoisting the four
// tap offsets out of the loop, or unrolling it by two, gave 106-108 M).

/**
 * Multi-scale deformable attention (MSDeformAttn) of Deformable-DETR, RT-DETR, DINO and Mask2Former on
 * the CPU: the pure-PyTorch reference `multi_scale_deformable_attn_pytorch`, in plain TypeScript.
 *
 * For each batch item, query and head, the sum over levels l and points p of
 * `attentionWeights[b, q, h, l, p]` times the value of level l, head h, sampled bilinearly at
 * `samplingLocations[b, q, h, l, p]` as `grid_sample(mode='bilinear', padding_mode='zeros',
 * align_corners=False)` samples at grid `2 * loc - 1` (pixel coordinate `loc * W_l - 0.5`); taps
 * outside the level contribute 0. Bit for bit PyTorch's float32 result; a NaN location samples
 * nothing (0), ±Infinity samples outside (0).
 *
 * @param value `[bs, S, heads, d]`, S = sum of H_l * W_l: the levels concatenated, each row-major H_l x W_l,
 *   channels last per head (d contiguous floats).
 * @param spatialShapes `[[H_0, W_0], [H_1, W_1], ...]`, one pair of positive integers per level (L levels).
 * @param samplingLocations `[bs, Nq, heads, L, P, 2]`: (x, y), normalized to [0, 1] over each level's map.
 * @param attentionWeights `[bs, Nq, heads, L, P]`, used as given (already softmaxed by the caller).
 * @returns `[bs, Nq, heads * d]`.
 *
 * @example
 * const levels = [[80, 80], [40, 40], [20, 20]] as const; // S = 8400
 * const out = msDeformAttnCpu(
 *   { data: value, shape: [1, 8400, 8, 32] },
 *   levels,
 *   { data: locations, shape: [1, 300, 8, 3, 4, 2] },
 *   { data: weights, shape: [1, 300, 8, 3, 4] },
 * ); // out.shape: [1, 300, 256]
 */
export function msDeformAttnCpu(
  value: Tensor,
  spatialShapes: readonly (readonly [number, number])[],
  samplingLocations: Tensor,
  attentionWeights: Tensor,
): Tensor {
  checkTensor('value', value);
  checkTensor('samplingLocations', samplingLocations);
  checkTensor('attentionWeights', attentionWeights);
  const geo = msDeformAttnGeometry(value.shape, spatialShapes, samplingLocations.shape, attentionWeights.shape);
  const data = allocateOutput('ms_deform_attn', geo.outputShape);
  if (data.length > 0) attend(value.data, samplingLocations.data, attentionWeights.data, data, geo);
  return { data, shape: geo.outputShape };
}

/**
 * Unpacks the geometry into numbers and typed arrays for the kernel: V8 specializes the kernel's
 * optimized code on the hidden class of every object it reads, and an object literal made in another
 * function can come back with a new hidden class once that function's feedback has been dropped
 * (idle across garbage collections), which sent the whole kernel back to the interpreter on every call
 * of an interleaved benchmark.
 */
function attend(
  value: Float32Array,
  locations: Float32Array,
  weights: Float32Array,
  out: Float32Array,
  geo: MsDeformAttnGeometry,
): void {
  const heights = new Int32Array(geo.levels);
  const widths = new Int32Array(geo.levels);
  const starts = new Float64Array(geo.levels);
  for (let l = 0; l < geo.levels; l++) {
    [heights[l], widths[l]] = geo.levelShapes[l];
    starts[l] = geo.levelStarts[l];
  }
  const { order, into, steps, result } = torchSumSchedule(geo.levels * geo.points);
  attendLevels(
    value,
    locations,
    weights,
    out,
    geo.bs,
    geo.s,
    geo.heads,
    geo.d,
    geo.nq,
    geo.points,
    heights,
    widths,
    starts,
    order,
    into,
    steps,
    result,
  );
}

function attendLevels(
  value: Float32Array,
  locations: Float32Array,
  weights: Float32Array,
  out: Float32Array,
  bs: number,
  s: number,
  heads: number,
  d: number,
  nq: number,
  points: number,
  heightOf: Int32Array,
  widthOf: Int32Array,
  levelStarts: Float64Array,
  order: Int32Array,
  into: Int32Array,
  steps: Int32Array,
  result: number,
): void {
  // term i = l * points + p is added into row into[k] of `terms` (d channels each, rounded to float32
  // by the array) in the order of PyTorch's sum; the remaining steps then add rows into rows
  const n = order.length;
  const terms = new Float32Array(Math.max(1, n * d));
  const xs = heads * d; // between horizontally adjacent value positions
  for (let b = 0; b < bs; b++) {
    for (let q = 0; q < nq; q++) {
      for (let h = 0; h < heads; h++) {
        const row = (b * nq + q) * heads + h;
        for (let k = 0; k < n; k++) {
          const i = order[k];
          const l = (i / points) | 0;
          const height = heightOf[l];
          const width = widthOf[l];
          const w = row * n + i;
          const t = into[k] * d;
          const first = into[k] === i; // the first term of its row: stored, not added
          const a = weights[w];
          const gx = locations[2 * w];
          const gy = locations[2 * w + 1];
          if (Number.isNaN(gx) || Number.isNaN(gy)) {
            if (first) terms.fill(0, t, t + d); // a row starts at PyTorch's 0
            for (let c = 0; c < d; c++) terms[t + c] += 0 * a; // a NaN location samples nothing
            continue;
          }
          // grid_sample's grid is 2 * loc - 1 (2 * loc is exact, the subtraction rounds)
          const x = unnormalizeFused(Math.fround(2 * gx - 1), width);
          const y = unnormalizeFused(Math.fround(2 * gy - 1), height);
          // |x|, |y| <= 2^24 (COORD_LIMIT), so the tap indices are int32
          const x0 = Math.floor(x) | 0;
          const y0 = Math.floor(y) | 0;
          const fx = Math.fround(x - x0);
          const gxr = Math.fround(1 - fx);
          const fy = Math.fround(y - y0);
          const gyr = Math.fround(1 - fy);
          const nw = Math.fround(gyr * gxr);
          const ne = Math.fround(gyr * fx);
          const sw = Math.fround(fy * gxr);
          const se = Math.fround(fy * fx);
          const ys = width * xs; // between rows
          const o = (b * s + levelStarts[l] + y0 * width + x0) * xs + h * d;
          if (x0 >= 0 && x0 + 1 < width && y0 >= 0 && y0 + 1 < height) {
            // all four taps inside (the common case): no per-tap checks in the channel loop; the sample is
            // ((nw_v * nw + ne_v * ne) + sw_v * sw) + se_v * se with PyTorch's AVX2 fused multiply-adds
            if (first) {
              for (let c = 0; c < d; c++) {
                const i0 = o + c;
                const v = Math.fround(
                  Math.fround(Math.fround(Math.fround(value[i0] * nw) + value[i0 + xs] * ne) + value[i0 + ys] * sw) +
                    value[i0 + ys + xs] * se,
                );
                terms[t + c] = v * a; // 0 + v * a, rounded by the array
              }
            } else {
              for (let c = 0; c < d; c++) {
                const i0 = o + c;
                const v = Math.fround(
                  Math.fround(Math.fround(Math.fround(value[i0] * nw) + value[i0 + xs] * ne) + value[i0 + ys] * sw) +
                    value[i0 + ys + xs] * se,
                );
                terms[t + c] += Math.fround(v * a);
              }
            }
            continue;
          }
          if (first) terms.fill(0, t, t + d);
          const inX0 = x0 >= 0 && x0 < width;
          const inX1 = x0 + 1 >= 0 && x0 + 1 < width;
          const inY0 = y0 >= 0 && y0 < height;
          const inY1 = y0 + 1 >= 0 && y0 + 1 < height;
          for (let c = 0; c < d; c++) {
            const i0 = o + c;
            const vNw = inY0 && inX0 ? value[i0] : 0;
            const vNe = inY0 && inX1 ? value[i0 + xs] : 0;
            const vSw = inY1 && inX0 ? value[i0 + ys] : 0;
            const vSe = inY1 && inX1 ? value[i0 + ys + xs] : 0;
            const v = Math.fround(Math.fround(Math.fround(Math.fround(vNw * nw) + vNe * ne) + vSw * sw) + vSe * se);
            terms[t + c] += Math.fround(v * a);
          }
        }
        for (let k = 0; k < steps.length; k += 2) {
          const to = steps[k] * d;
          const from = steps[k + 1] * d;
          for (let c = 0; c < d; c++) terms[to + c] += terms[from + c];
        }
        if (result < 0) continue; // no terms: the output stays 0
        const r = result * d;
        const outBase = row * d;
        // PyTorch's sum starts from 0: 0 + (-0) is +0
        for (let c = 0; c < d; c++) out[outBase + c] = terms[r + c] + 0;
      }
    }
  }
}

/** grid_sample's unnormalize (align_corners=False) as PyTorch's AVX2 kernel computes it: one fma. */
function unnormalizeFused(coord: number, size: number): number {
  const g = Math.fround(Math.min(Math.max(coord, -COORD_LIMIT), COORD_LIMIT));
  const x = Math.fround(Math.fround(g + 1) * (size / 2) - 0.5);
  return Math.min(Math.max(x, -COORD_LIMIT), COORD_LIMIT);
}
