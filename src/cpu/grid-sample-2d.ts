// 2-D grid_sample on the CPU, following PyTorch's CPU kernel operation by operation in float32.
// Each output pixel reads its grid point once, computes taps and weights once, then loops channels
// (planes apart for 'nchw', neighbours for 'nhwc': only the strides differ).
import type { ResolvedOptions, SampleGeometry } from '../options.js';
import {
  computeCoordinates,
  computeSourceIndex,
  cubicCoefficients,
  roundHalfEven,
  unnormalize,
} from './coordinates.js';

const f = Math.fround;

export function gridSample2d(
  input: Float32Array,
  grid: Float32Array,
  out: Float32Array,
  geo: SampleGeometry,
  opts: ResolvedOptions,
): void {
  const sampler = opts.mode === 'bilinear' ? bilinear : opts.mode === 'nearest' ? nearest : bicubic;
  sampler(input, grid, out, geo, opts);
}

type Sampler2d = typeof gridSample2d;

/**
 * Element distances in input and output: between horizontally adjacent pixels and between channels.
 * Channels first: 1 and a plane; channels last (`layout: 'nhwc'`): C and 1. A batch item is C planes
 * in both.
 */
export function layoutStrides(geo: SampleGeometry): {
  inPixel: number;
  inChannel: number;
  outPixel: number;
  outChannel: number;
} {
  const inPlane = geo.inD * geo.inH * geo.inW;
  const outPlane = geo.outD * geo.outH * geo.outW;
  return geo.layout === 'nhwc'
    ? { inPixel: geo.c, inChannel: 1, outPixel: geo.c, outChannel: 1 }
    : { inPixel: 1, inChannel: inPlane, outPixel: 1, outChannel: outPlane };
}

const bilinear: Sampler2d = (input, grid, out, geo, opts) => {
  if (geo.layout === 'nchw' && geo.c > 1 && geo.inH * geo.inW >= PLANE_BY_PLANE_MIN) {
    bilinearPlaneByPlane(input, grid, out, geo, opts);
    return;
  }
  const { paddingMode, alignCorners } = opts;
  const { n: N, c: C, inH: H, inW: W, outH, outW } = geo;
  const inPlane = H * W;
  const outPlane = outH * outW;
  const { inPixel: xs, inChannel: cs, outPixel: oxs, outChannel: ocs } = layoutStrides(geo);
  const ys = W * xs; // between rows
  for (let b = 0; b < N; b++) {
    const inBatch = b * C * inPlane;
    const outBatch = b * C * outPlane;
    for (let p = 0, g = b * outPlane * 2; p < outPlane; p++, g += 2) {
      const gx = grid[g];
      const gy = grid[g + 1];
      if (Number.isNaN(gx) || Number.isNaN(gy)) continue; // a NaN coordinate samples nothing
      const x = computeSourceIndex(gx, W, paddingMode, alignCorners);
      const y = computeSourceIndex(gy, H, paddingMode, alignCorners);
      // |x|, |y| <= 2^24 (COORD_LIMIT), so the tap indices are int32
      const x0 = Math.floor(x) | 0;
      const y0 = Math.floor(y) | 0;
      const w = f(x - x0);
      const e = f(1 - w);
      const nFrac = f(y - y0);
      const s = f(1 - nFrac);
      const nw = f(s * e);
      const ne = f(s * w);
      const sw = f(nFrac * e);
      const se = f(nFrac * w);
      let base = inBatch + y0 * ys + x0 * xs;
      let outIndex = outBatch + p * oxs;
      if (x0 >= 0 && x0 + 1 < W && y0 >= 0 && y0 + 1 < H) {
        // all four taps inside (the common case): no per-tap checks in the channel loop, two channels
        // per iteration
        const yx = ys + xs;
        let c = 0;
        for (; c + 1 < C; c += 2, base += 2 * cs, outIndex += 2 * ocs) {
          const next = base + cs;
          out[outIndex] = f(
            f(f(f(input[base] * nw) + f(input[base + xs] * ne)) + f(input[base + ys] * sw)) + f(input[base + yx] * se),
          );
          out[outIndex + ocs] = f(
            f(f(f(input[next] * nw) + f(input[next + xs] * ne)) + f(input[next + ys] * sw)) + f(input[next + yx] * se),
          );
        }
        if (c < C) {
          out[outIndex] = f(
            f(f(f(input[base] * nw) + f(input[base + xs] * ne)) + f(input[base + ys] * sw)) + f(input[base + yx] * se),
          );
        }
        continue;
      }
      const inX0 = x0 >= 0 && x0 < W;
      const inX1 = x0 + 1 >= 0 && x0 + 1 < W;
      const inY0 = y0 >= 0 && y0 < H;
      const inY1 = y0 + 1 >= 0 && y0 + 1 < H;
      for (let c = 0; c < C; c++, base += cs, outIndex += ocs) {
        const vNw = inY0 && inX0 ? input[base] : 0;
        const vNe = inY0 && inX1 ? input[base + xs] : 0;
        const vSw = inY1 && inX0 ? input[base + ys] : 0;
        const vSe = inY1 && inX1 ? input[base + ys + xs] : 0;
        out[outIndex] = f(f(f(f(vNw * nw) + f(vNe * ne)) + f(vSw * sw)) + f(vSe * se));
      }
    }
  }
};

// Input planes from this many elements (1 MiB of float32) on: sample plane by plane. Taps and weights
// of every output pixel are computed once into arrays, then each channel is sampled over the whole
// image, so the random reads stay inside one input plane at a time instead of all C of them (the
// cache misses dominate on large images). The arithmetic per element is the same as above.
const PLANE_BY_PLANE_MIN = 1 << 18;

const bilinearPlaneByPlane: Sampler2d = (input, grid, out, geo, { paddingMode, alignCorners }) => {
  const { n: N, c: C, inH: H, inW: W, outH, outW } = geo;
  const inPlane = H * W;
  const outPlane = outH * outW;
  const offset = new Int32Array(outPlane); // nw tap within a plane
  const inside = new Uint8Array(outPlane); // taps inside: nw 1, ne 2, sw 4, se 8; 0 for a NaN point
  const weights = new Float32Array(4 * outPlane); // nw, ne, sw, se: float32 values, stored exactly
  for (let b = 0; b < N; b++) {
    for (let p = 0, g = b * outPlane * 2; p < outPlane; p++, g += 2) {
      const gx = grid[g];
      const gy = grid[g + 1];
      if (Number.isNaN(gx) || Number.isNaN(gy)) {
        inside[p] = 0; // a NaN coordinate samples nothing
        offset[p] = 0;
        weights.fill(0, 4 * p, 4 * p + 4);
        continue;
      }
      const x = computeSourceIndex(gx, W, paddingMode, alignCorners);
      const y = computeSourceIndex(gy, H, paddingMode, alignCorners);
      const x0 = Math.floor(x) | 0;
      const y0 = Math.floor(y) | 0;
      const w = f(x - x0);
      const e = f(1 - w);
      const nFrac = f(y - y0);
      const s = f(1 - nFrac);
      weights[4 * p] = f(s * e);
      weights[4 * p + 1] = f(s * w);
      weights[4 * p + 2] = f(nFrac * e);
      weights[4 * p + 3] = f(nFrac * w);
      const inX0 = x0 >= 0 && x0 < W;
      const inX1 = x0 + 1 >= 0 && x0 + 1 < W;
      const inY0 = y0 >= 0 && y0 < H;
      const inY1 = y0 + 1 >= 0 && y0 + 1 < H;
      inside[p] = (inY0 && inX0 ? 1 : 0) | (inY0 && inX1 ? 2 : 0) | (inY1 && inX0 ? 4 : 0) | (inY1 && inX1 ? 8 : 0);
      offset[p] = y0 * W + x0;
    }
    for (let c = 0; c < C; c++) {
      const plane = (b * C + c) * inPlane;
      const outBase = (b * C + c) * outPlane;
      for (let p = 0; p < outPlane; p++) {
        const o = plane + offset[p];
        const m = inside[p];
        const k = 4 * p;
        if (m === 15) {
          out[outBase + p] = f(
            f(f(f(input[o] * weights[k]) + f(input[o + 1] * weights[k + 1])) + f(input[o + W] * weights[k + 2])) +
              f(input[o + W + 1] * weights[k + 3]),
          );
          continue;
        }
        const vNw = m & 1 ? input[o] : 0;
        const vNe = m & 2 ? input[o + 1] : 0;
        const vSw = m & 4 ? input[o + W] : 0;
        const vSe = m & 8 ? input[o + W + 1] : 0;
        out[outBase + p] = f(
          f(f(f(vNw * weights[k]) + f(vNe * weights[k + 1])) + f(vSw * weights[k + 2])) + f(vSe * weights[k + 3]),
        );
      }
    }
  }
};

const nearest: Sampler2d = (input, grid, out, geo, { paddingMode, alignCorners }) => {
  const { n: N, c: C, inH: H, inW: W, outH, outW } = geo;
  const inPlane = H * W;
  const outPlane = outH * outW;
  const { inPixel: xs, inChannel: cs, outPixel: oxs, outChannel: ocs } = layoutStrides(geo);
  for (let b = 0; b < N; b++) {
    for (let p = 0; p < outPlane; p++) {
      const gx = grid[(b * outPlane + p) * 2];
      const gy = grid[(b * outPlane + p) * 2 + 1];
      if (Number.isNaN(gx) || Number.isNaN(gy)) continue;
      const ix = roundHalfEven(computeSourceIndex(gx, W, paddingMode, alignCorners));
      const iy = roundHalfEven(computeSourceIndex(gy, H, paddingMode, alignCorners));
      if (ix < 0 || ix >= W || iy < 0 || iy >= H) continue;
      let inIndex = b * C * inPlane + (iy * W + ix) * xs;
      let outIndex = b * C * outPlane + p * oxs;
      for (let c = 0; c < C; c++, inIndex += cs, outIndex += ocs) out[outIndex] = input[inIndex];
    }
  }
};

const bicubic: Sampler2d = (input, grid, out, geo, { paddingMode, alignCorners }) => {
  const { n: N, c: C, inH: H, inW: W, outH, outW } = geo;
  const inPlane = H * W;
  const outPlane = outH * outW;
  const { inPixel: xs, inChannel: cs, outPixel: oxs, outChannel: ocs } = layoutStrides(geo);
  const cx = new Float64Array(4);
  const cy = new Float64Array(4);
  // Padding applies to each integer tap; a tap outside the input (zeros padding) reads 0.
  const tapX = new Int32Array(4);
  const tapY = new Int32Array(4);
  const rowValues = new Float64Array(4);
  for (let b = 0; b < N; b++) {
    for (let p = 0; p < outPlane; p++) {
      const gx = grid[(b * outPlane + p) * 2];
      const gy = grid[(b * outPlane + p) * 2 + 1];
      if (Number.isNaN(gx) || Number.isNaN(gy)) continue;
      const x = unnormalize(gx, W, alignCorners);
      const y = unnormalize(gy, H, alignCorners);
      const x0 = Math.floor(x);
      const y0 = Math.floor(y);
      cubicCoefficients(f(x - x0), cx);
      cubicCoefficients(f(y - y0), cy);
      for (let i = 0; i < 4; i++) {
        const tx = computeCoordinates(f(x0 - 1 + i), W, paddingMode, alignCorners);
        const ty = computeCoordinates(f(y0 - 1 + i), H, paddingMode, alignCorners);
        // PyTorch casts the padded tap to an integer (truncation): reflection can leave it at k + 0.5
        const ix = Math.trunc(tx);
        const iy = Math.trunc(ty);
        tapX[i] = ix >= 0 && ix < W ? ix * xs : -1;
        tapY[i] = iy >= 0 && iy < H ? iy * W * xs : -1;
      }
      let plane = b * C * inPlane;
      let outIndex = b * C * outPlane + p * oxs;
      for (let c = 0; c < C; c++, plane += cs, outIndex += ocs) {
        for (let j = 0; j < 4; j++) {
          const row = tapY[j];
          let sum = 0;
          for (let i = 0; i < 4; i++) {
            const v = row >= 0 && tapX[i] >= 0 ? input[plane + row + tapX[i]] : 0;
            sum = i === 0 ? f(cx[0] * v) : f(sum + f(cx[i] * v));
          }
          rowValues[j] = sum;
        }
        out[outIndex] = f(
          f(f(f(cy[0] * rowValues[0]) + f(cy[1] * rowValues[1])) + f(cy[2] * rowValues[2])) + f(cy[3] * rowValues[3]),
        );
      }
    }
  }
};
