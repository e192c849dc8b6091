import { affineBackwardGeometry } from '../backward-options.js';
import { checkTensor, resolveAffineOptions } from '../options.js';
import type { AffineGridOptions, Tensor } from '../types.js';
import { linspaceFromNegOne } from './affine-grid.js';

/**
 * Backward of `torch.nn.functional.affine_grid` on the CPU: d loss / d theta ([N, 2, 3] or [N, 3, 4])
 * from d loss / d grid ([N, H, W, 2] or [N, D, H, W, 3]). The grid is base @ theta^T, so
 * gradTheta[n, r, k] = sum over grid points of gradGrid[n, point, r] * base[point, k], with base
 * (x, y[, z], 1) the same float32 coordinates as the forward. Sums run in float64, rounded once.
 *
 * @example
 * const { gradGrid } = gridSampleBackwardCpu(gradOutput, input, affineGridCpu(theta, size), options);
 * const gradTheta = affineGridBackwardCpu(gradGrid, size); // shape [N, 2, 3], like theta
 */
export function affineGridBackwardCpu(gradGrid: Tensor, size: readonly number[], options?: AffineGridOptions): Tensor {
  checkTensor('gradGrid', gradGrid);
  const geo = affineBackwardGeometry(gradGrid.shape, size);
  const alignCorners = resolveAffineOptions(options);
  const dims = geo.spatialDims;
  const cols = dims + 1;
  const sums = new Float64Array(geo.n * dims * cols);
  const g = gradGrid.data;
  let o = 0;
  for (let b = 0; b < geo.n; b++) {
    const tb = b * dims * cols;
    for (let z = 0; z < geo.d; z++) {
      const bz = linspaceFromNegOne(z, geo.d, alignCorners);
      for (let y = 0; y < geo.h; y++) {
        const by = linspaceFromNegOne(y, geo.h, alignCorners);
        for (let x = 0; x < geo.w; x++) {
          const bx = linspaceFromNegOne(x, geo.w, alignCorners);
          const base = dims === 2 ? [bx, by, 1] : [bx, by, bz, 1];
          for (let r = 0; r < dims; r++) {
            const gr = g[o++];
            for (let k = 0; k < cols; k++) sums[tb + r * cols + k] += gr * base[k];
          }
        }
      }
    }
  }
  return { data: Float32Array.from(sums), shape: [geo.n, dims, cols] };
}
