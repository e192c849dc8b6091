import { affineGeometry, allocateOutput, checkTensor, resolveAffineOptions } from '../options.js';
import type { AffineGridOptions, Tensor } from '../types.js';

const f = Math.fround;

/**
 * Normalized coordinate of sample `i` of `steps` along one axis: PyTorch's `linspace_from_neg_one`
 * (torch.linspace(-1, 1, steps), scaled by (steps - 1) / steps unless alignCorners), in float32.
 */
export function linspaceFromNegOne(i: number, steps: number, alignCorners: boolean): number {
  if (steps <= 1) return 0;
  const step = f(2 / (steps - 1));
  // torch.linspace fills the first half from -1 and the second half back from +1.
  const v = i < Math.floor(steps / 2) ? f(-1 + f(step * i)) : f(1 - f(step * (steps - 1 - i)));
  return alignCorners ? v : f(f(v * (steps - 1)) / steps);
}

/**
 * `torch.nn.functional.affine_grid` on the CPU: theta [N, 2, 3] with size [N, C, H, W] gives a grid
 * [N, H, W, 2]; theta [N, 3, 4] with size [N, C, D, H, W] gives [N, D, H, W, 3].
 *
 * @example
 * const identity = { data: new Float32Array([1, 0, 0, 0, 1, 0]), shape: [1, 2, 3] };
 * const grid = affineGridCpu(identity, [1, 3, 64, 64]); // shape [1, 64, 64, 2]
 */
export function affineGridCpu(theta: Tensor, size: readonly number[], options?: AffineGridOptions): Tensor {
  checkTensor('theta', theta);
  const geo = affineGeometry(theta.shape, size);
  const alignCorners = resolveAffineOptions(options);
  const dims = geo.spatialDims;
  const data = allocateOutput('affine_grid', geo.gridShape);
  const t = theta.data;
  const rowLength = dims + 1;
  let o = 0;
  for (let b = 0; b < geo.n; b++) {
    const tb = b * dims * rowLength;
    for (let z = 0; z < geo.d; z++) {
      const bz = dims === 3 ? linspaceFromNegOne(z, geo.d, alignCorners) : 0;
      for (let y = 0; y < geo.h; y++) {
        const by = linspaceFromNegOne(y, geo.h, alignCorners);
        for (let x = 0; x < geo.w; x++) {
          const bx = linspaceFromNegOne(x, geo.w, alignCorners);
          // (bx, by[, bz], 1) @ theta[b]^T, one output coordinate per row of theta
          for (let r = 0; r < dims; r++) {
            const row = tb + r * rowLength;
            let v = f(f(bx * t[row]) + f(by * t[row + 1]));
            if (dims === 3) v = f(v + f(bz * t[row + 2]));
            data[o++] = f(v + t[row + dims]);
          }
        }
      }
    }
  }
  return { data, shape: geo.gridShape };
}
