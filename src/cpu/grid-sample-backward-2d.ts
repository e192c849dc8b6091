// Backward of 2-D grid_sample on the CPU, after PyTorch's CPU kernel (ApplyGridSample::backward).
// Coordinates, taps and weights are the forward's float32 values (grid-sample-2d.ts), so gradInput is
// exactly the adjoint of the forward; the sums themselves run in float64 and are rounded once. Channels
// first or last: only the strides differ (layoutStrides, as in the forward).
import type { ResolvedOptions, SampleGeometry } from '../options.js';
import {
  computeCoordinates,
  computeSourceIndex,
  cubicCoefficients,
  roundHalfEven,
  unnormalize,
} from './coordinates.js';
import { chainGrad, computeSourceIndexGrad, cubicCoefficientsGrad, unnormalizeGrad } from './coordinates-grad.js';
import { layoutStrides } from './grid-sample-2d.js';

const f = Math.fround;

export interface BackwardBuffers {
  gradOutput: Float32Array;
  input: Float32Array;
  grid: Float32Array;
  /** float64 accumulator of the input's gradient, zero on entry */
  gradInput: Float64Array;
  /** the grid's gradient; every element is written */
  gradGrid: Float32Array;
}

export function gridSampleBackward2d(buffers: BackwardBuffers, geo: SampleGeometry, opts: ResolvedOptions): void {
  const backward = opts.mode === 'bilinear' ? bilinear : opts.mode === 'nearest' ? nearest : bicubic;
  backward(buffers, geo, opts);
}

type Backward2d = typeof gridSampleBackward2d;

const bilinear: Backward2d = ({ gradOutput, input, grid, gradInput, gradGrid }, geo, { paddingMode, alignCorners }) => {
  const { n: N, c: C, inH: H, inW: W, outH, outW } = geo;
  const inPlane = H * W;
  const outPlane = outH * outW;
  const { inPixel: xs, inChannel: cs, outPixel: oxs, outChannel: ocs } = layoutStrides(geo);
  const ys = W * xs; // between rows
  for (let b = 0; b < N; b++) {
    for (let p = 0; p < outPlane; p++) {
      const gi = (b * outPlane + p) * 2;
      const gx = grid[gi];
      const gy = grid[gi + 1];
      gradGrid[gi] = 0;
      gradGrid[gi + 1] = 0;
      if (Number.isNaN(gx) || Number.isNaN(gy)) continue; // a NaN point sampled nothing: no gradient
      const x = computeSourceIndex(gx, W, paddingMode, alignCorners);
      const y = computeSourceIndex(gy, H, paddingMode, alignCorners);
      const x0 = Math.floor(x);
      const y0 = Math.floor(y);
      // the forward's float32 weights: w/e are distances to the west/east pixel, n/s to north/south
      const w = f(x - x0);
      const e = f(1 - w);
      const n = f(y - y0);
      const s = f(1 - n);
      const inX0 = x0 >= 0 && x0 < W;
      const inX1 = x0 + 1 >= 0 && x0 + 1 < W;
      const inY0 = y0 >= 0 && y0 < H;
      const inY1 = y0 + 1 >= 0 && y0 + 1 < H;
      let sumX = 0;
      let sumY = 0;
      let base = b * C * inPlane + y0 * ys + x0 * xs;
      let outIndex = b * C * outPlane + p * oxs;
      for (let c = 0; c < C; c++, base += cs, outIndex += ocs) {
        const go = gradOutput[outIndex];
        let vNw = 0;
        let vNe = 0;
        let vSw = 0;
        let vSe = 0;
        if (inY0 && inX0) {
          gradInput[base] += f(s * e) * go;
          vNw = input[base];
        }
        if (inY0 && inX1) {
          gradInput[base + xs] += f(s * w) * go;
          vNe = input[base + xs];
        }
        if (inY1 && inX0) {
          gradInput[base + ys] += f(n * e) * go;
          vSw = input[base + ys];
        }
        if (inY1 && inX1) {
          gradInput[base + ys + xs] += f(n * w) * go;
          vSe = input[base + ys + xs];
        }
        // d out / d x and d out / d y of the bilinear blend
        sumX += ((vNe - vNw) * s + (vSe - vSw) * n) * go;
        sumY += ((vSw - vNw) * e + (vSe - vNe) * w) * go;
      }
      gradGrid[gi] = chainGrad(sumX, computeSourceIndexGrad(gx, W, paddingMode, alignCorners));
      gradGrid[gi + 1] = chainGrad(sumY, computeSourceIndexGrad(gy, H, paddingMode, alignCorners));
    }
  }
};

// Nearest is piecewise constant: its grid gradient is 0 (as in PyTorch), gradOutput goes to the pixel picked.
const nearest: Backward2d = ({ gradOutput, grid, gradInput, gradGrid }, geo, { paddingMode, alignCorners }) => {
  const { n: N, c: C, inH: H, inW: W, outH, outW } = geo;
  const inPlane = H * W;
  const outPlane = outH * outW;
  const { inPixel: xs, inChannel: cs, outPixel: oxs, outChannel: ocs } = layoutStrides(geo);
  gradGrid.fill(0);
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
      for (let c = 0; c < C; c++, inIndex += cs, outIndex += ocs) gradInput[inIndex] += gradOutput[outIndex];
    }
  }
};

// Bicubic pads each of its 16 taps (as the forward); the grid gradient comes from the weights only,
// so padding does not scale it (PyTorch multiplies by the unnormalize factor alone).
const bicubic: Backward2d = ({ gradOutput, input, grid, gradInput, gradGrid }, geo, { paddingMode, alignCorners }) => {
  const { n: N, c: C, inH: H, inW: W, outH, outW } = geo;
  const inPlane = H * W;
  const outPlane = outH * outW;
  const { inPixel: xs, inChannel: cs, outPixel: oxs, outChannel: ocs } = layoutStrides(geo);
  const cx = new Float64Array(4);
  const cy = new Float64Array(4);
  const dcx = new Float64Array(4);
  const dcy = new Float64Array(4);
  const tapX = new Int32Array(4);
  const tapY = new Int32Array(4);
  for (let b = 0; b < N; b++) {
    for (let p = 0; p < outPlane; p++) {
      const gi = (b * outPlane + p) * 2;
      const gx = grid[gi];
      const gy = grid[gi + 1];
      gradGrid[gi] = 0;
      gradGrid[gi + 1] = 0;
      if (Number.isNaN(gx) || Number.isNaN(gy)) continue;
      const x = unnormalize(gx, W, alignCorners);
      const y = unnormalize(gy, H, alignCorners);
      const x0 = Math.floor(x);
      const y0 = Math.floor(y);
      const tx = f(x - x0);
      const ty = f(y - y0);
      cubicCoefficients(tx, cx);
      cubicCoefficients(ty, cy);
      cubicCoefficientsGrad(tx, dcx);
      cubicCoefficientsGrad(ty, dcy);
      for (let i = 0; i < 4; i++) {
        const ix = Math.trunc(computeCoordinates(f(x0 - 1 + i), W, paddingMode, alignCorners));
        const iy = Math.trunc(computeCoordinates(f(y0 - 1 + i), H, paddingMode, alignCorners));
        tapX[i] = ix >= 0 && ix < W ? ix * xs : -1;
        tapY[i] = iy >= 0 && iy < H ? iy * W * xs : -1;
      }
      let sumX = 0;
      let sumY = 0;
      let plane = b * C * inPlane;
      let outIndex = b * C * outPlane + p * oxs;
      for (let c = 0; c < C; c++, plane += cs, outIndex += ocs) {
        const go = gradOutput[outIndex];
        for (let j = 0; j < 4; j++) {
          if (tapY[j] < 0) continue;
          for (let i = 0; i < 4; i++) {
            if (tapX[i] < 0) continue;
            const at = plane + tapY[j] + tapX[i];
            gradInput[at] += cx[i] * cy[j] * go;
            const v = input[at] * go;
            sumX += v * dcx[i] * cy[j];
            sumY += v * cx[i] * dcy[j];
          }
        }
      }
      gradGrid[gi] = chainGrad(sumX, unnormalizeGrad(gx, W, alignCorners));
      gradGrid[gi + 1] = chainGrad(sumY, unnormalizeGrad(gy, H, alignCorners));
    }
  }
};
