// Backward of 5-D (volumetric) grid_sample on the CPU: trilinear and nearest, after PyTorch's
// grid_sampler_3d_backward_cpu_impl. Coordinates and weights are the forward's float32 values
// (grid-sample-3d.ts); sums run in float64 and are rounded once. Channels first or last: only the
// strides differ (layoutStrides).
import type { ResolvedOptions, SampleGeometry } from '../options.js';
import { computeSourceIndex, roundHalfEven } from './coordinates.js';
import { chainGrad, computeSourceIndexGrad } from './coordinates-grad.js';
import { layoutStrides } from './grid-sample-2d.js';
import type { BackwardBuffers } from './grid-sample-backward-2d.js';
import { trilinearCorners } from './trilinear.js';

export function gridSampleBackward3d(
  { gradOutput, input, grid, gradInput, gradGrid }: BackwardBuffers,
  geo: SampleGeometry,
  { mode, paddingMode, alignCorners }: ResolvedOptions,
): void {
  const { n: N, c: C, inD: D, inH: H, inW: W, outD, outH, outW } = geo;
  const inVolume = D * H * W;
  const outVolume = outD * outH * outW;
  const { inPixel: xs, inChannel: cs, outPixel: oxs, outChannel: ocs } = layoutStrides(geo);
  const corner = new Int32Array(8); // input offset of each corner, -1 when outside
  const weight = new Float64Array(8);
  const faces = new Float64Array(6); // distances to the far and near faces: x's, y's, z's
  // d weight / d x, y, z of each corner
  const dwx = new Float64Array(8);
  const dwy = new Float64Array(8);
  const dwz = new Float64Array(8);
  gradGrid.fill(0);
  for (let b = 0; b < N; b++) {
    for (let p = 0; p < outVolume; p++) {
      const gi = (b * outVolume + p) * 3;
      const gx = grid[gi];
      const gy = grid[gi + 1];
      const gz = grid[gi + 2];
      if (Number.isNaN(gx) || Number.isNaN(gy) || Number.isNaN(gz)) continue; // sampled nothing: no gradient
      const x = computeSourceIndex(gx, W, paddingMode, alignCorners);
      const y = computeSourceIndex(gy, H, paddingMode, alignCorners);
      const z = computeSourceIndex(gz, D, paddingMode, alignCorners);
      let plane = b * C * inVolume;
      let outIndex = b * C * outVolume + p * oxs;
      if (mode === 'nearest') {
        // piecewise constant: zero grid gradient, gradOutput goes to the voxel picked
        const ix = roundHalfEven(x);
        const iy = roundHalfEven(y);
        const iz = roundHalfEven(z);
        if (ix < 0 || ix >= W || iy < 0 || iy >= H || iz < 0 || iz >= D) continue;
        const offset = ((iz * H + iy) * W + ix) * xs;
        for (let c = 0; c < C; c++, plane += cs, outIndex += ocs) {
          gradInput[plane + offset] += gradOutput[outIndex];
        }
        continue;
      }
      trilinearCorners(x, y, z, D, H, W, corner, weight, faces);
      if (xs !== 1) {
        // channels last: a voxel is C floats apart
        for (let k = 0; k < 8; k++) if (corner[k] >= 0) corner[k] *= xs;
      }
      for (let k = 0; k < 8; k++) {
        const dx = k & 1;
        const dy = (k >> 1) & 1;
        const dz = k >> 2;
        // moving x forward grows the east weights and shrinks the west ones
        dwx[k] = (dx ? 1 : -1) * faces[2 + dy] * faces[4 + dz];
        dwy[k] = (dy ? 1 : -1) * faces[dx] * faces[4 + dz];
        dwz[k] = (dz ? 1 : -1) * faces[dx] * faces[2 + dy];
      }
      let sumX = 0;
      let sumY = 0;
      let sumZ = 0;
      for (let c = 0; c < C; c++, plane += cs, outIndex += ocs) {
        const go = gradOutput[outIndex];
        for (let k = 0; k < 8; k++) {
          if (corner[k] < 0) continue;
          gradInput[plane + corner[k]] += weight[k] * go;
          const v = input[plane + corner[k]] * go;
          sumX += v * dwx[k];
          sumY += v * dwy[k];
          sumZ += v * dwz[k];
        }
      }
      gradGrid[gi] = chainGrad(sumX, computeSourceIndexGrad(gx, W, paddingMode, alignCorners));
      gradGrid[gi + 1] = chainGrad(sumY, computeSourceIndexGrad(gy, H, paddingMode, alignCorners));
      gradGrid[gi + 2] = chainGrad(sumZ, computeSourceIndexGrad(gz, D, paddingMode, alignCorners));
    }
  }
}
