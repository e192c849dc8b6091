// 5-D (volumetric) grid_sample on the CPU: trilinear and nearest, in PyTorch's float32 order
// (aten/src/ATen/native/GridSampler.cpp, grid_sampler_3d_cpu_impl).
import type { ResolvedOptions, SampleGeometry } from '../options.js';
import { computeSourceIndex, roundHalfEven } from './coordinates.js';
import { layoutStrides } from './grid-sample-2d.js';
import { trilinearCorners } from './trilinear.js';

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
  const faces = new Float64Array(6);
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
      trilinearCorners(x, y, z, D, H, W, corner, weight, faces);
      if (xs !== 1) {
        // channels last: a voxel is C floats apart
        for (let k = 0; k < 8; k++) if (corner[k] >= 0) corner[k] *= xs;
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
