// 5-D (volumetric) grid_sample on the CPU: trilinear and nearest, in PyTorch's float32 order
// (aten/src/ATen/native/GridSampler.cpp, grid_sampler_3d_cpu_impl).
import type { ResolvedOptions, SampleGeometry } from '../options.js';
import { computeSourceIndex, roundHalfEven } from './coordinates.js';
import { layoutStrides } from './grid-sample-2d.js';

const f = Math.fround;

export function gridSample3d(
  input: Float32Array,
  grid: Float32Array,
  out: Float32Array,
  geo: SampleGeometry,
  { mode, paddingMode, alignCorners }: ResolvedOptions,
): void {
  const { n: N, c: C, inD: D, inH: H, inW: W, outD, outH, outW } = geo;
  const inVolume = D * H * W;
  const outVolume = outD * outH * outW;
  const { inPixel: xs, inChannel: cs, outPixel: oxs, outChannel: ocs } = layoutStrides(geo);
  const corner = new Int32Array(8); // input offset of each corner, -1 when outside
  const weight = new Float64Array(8);
  for (let b = 0; b < N; b++) {
    for (let p = 0; p < outVolume; p++) {
      const gi = (b * outVolume + p) * 3;
      const gx = grid[gi];
      const gy = grid[gi + 1];
      const gz = grid[gi + 2];
      if (Number.isNaN(gx) || Number.isNaN(gy) || Number.isNaN(gz)) continue; // samples nothing
      const x = computeSourceIndex(gx, W, paddingMode, alignCorners);
      const y = computeSourceIndex(gy, H, paddingMode, alignCorners);
      const z = computeSourceIndex(gz, D, paddingMode, alignCorners);
      let plane = b * C * inVolume;
      let outIndex = b * C * outVolume + p * oxs;
      if (mode === 'nearest') {
        const ix = roundHalfEven(x);
        const iy = roundHalfEven(y);
        const iz = roundHalfEven(z);
        if (ix < 0 || ix >= W || iy < 0 || iy >= H || iz < 0 || iz >= D) continue;
        const offset = ((iz * H + iy) * W + ix) * xs;
        for (let c = 0; c < C; c++, plane += cs, outIndex += ocs) {
          out[outIndex] = input[plane + offset];
        }
        continue;
      }
      const x0 = Math.floor(x);
      const y0 = Math.floor(y);
      const z0 = Math.floor(z);
      // Distances to the far (1) and near (0) faces, as PyTorch forms them: (x0 + 1) - x and x - x0.
      const wx = [f(x0 + 1 - x), f(x - x0)];
      const wy = [f(y0 + 1 - y), f(y - y0)];
      const wz = [f(z0 + 1 - z), f(z - z0)];
      // Corner order t/b (z), n/s (y), w/e (x): tnw, tne, tsw, tse, bnw, bne, bsw, bse.
      for (let k = 0; k < 8; k++) {
        const dx = k & 1;
        const dy = (k >> 1) & 1;
        const dz = k >> 2;
        const cx = x0 + dx;
        const cy = y0 + dy;
        const cz = z0 + dz;
        const inside = cx >= 0 && cx < W && cy >= 0 && cy < H && cz >= 0 && cz < D;
        corner[k] = inside ? ((cz * H + cy) * W + cx) * xs : -1;
        weight[k] = f(f(wx[dx] * wy[dy]) * wz[dz]);
      }
      for (let c = 0; c < C; c++, plane += cs, outIndex += ocs) {
        let sum = 0;
        for (let k = 0; k < 8; k++) {
          if (corner[k] >= 0) sum = f(sum + f(input[plane + corner[k]] * weight[k]));
        }
        out[outIndex] = sum;
      }
    }
  }
}
