// The readable kernel of msDeformAttnCpu, in PyTorch's float32 operations: each sample is
// grid_sample's bilinear as PyTorch's AVX2 CPU kernel computes it (its compiler fuses the coordinate
// and the weighted taps into multiply-adds, emulated here as fround(a * b + c)), each term is rounded
// as `sample * weight`, and the terms of a (batch, query, head) are added in the order of PyTorch's
// `sum(-1)` (torch-sum-order.ts): the result equals the PyTorch reference bit for bit on every golden.
// assembly/ms-deform-attn.ts is its SIMD twin (the same operations, bit for bit the same results).
import type { MsDeformAttnGeometry } from '../ms-deform-attn-shapes.js';
import { COORD_LIMIT } from './coordinates.js';
import { torchSumSchedule } from './torch-sum-order.js';

// Math.fround is called directly: an alias in a module constant costs a load and a check per call in
// V8's optimized code. Measured with callgrind over D1 runs (bench/msda): 145 M instructions per run
// with the alias, 87 M without; 77 M with the taps indexed from one `i0` as below (hoisting the four
// tap offsets out of the loop, or unrolling it by two, gave 106-108 M).

/**
 * Writes the attention of `geo`'s shapes into `out` (zeros, `[bs, Nq, heads * d]`).
 *
 * Unpacks the geometry into numbers and typed arrays for the kernel: V8 specializes the kernel's
 * optimized code on the hidden class of every object it reads, and an object literal made in another
 * function can come back with a new hidden class once that function's feedback has been dropped
 * (idle across garbage collections), which sent the whole kernel back to the interpreter on every call
 * of an interleaved benchmark.
 */
export function attendReference(
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
