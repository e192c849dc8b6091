import { checkTensor, elementCount } from './options.js';
import type { Tensor } from './types.js';

/**
 * Turns a displacement field in pixels into a normalized sampling grid: the grid that makes
 * `grid_sample` warp backward, `output[y][x] = input[y + dy][x + dx]`, as optical-flow warping does.
 * `flow` is `[N, H, W, 2]` (dx, dy) or `[N, D, H, W, 3]` (dx, dy, dz); the grid has the same shape
 * and addresses an input of the same spatial size.
 *
 * @example
 * const grid = gridFromFlow(flow, { alignCorners: false });
 * const warped = gridSampleCpu(image, grid, { alignCorners: false, paddingMode: 'border' });
 */
export function gridFromFlow(flow: Tensor, options: { alignCorners?: boolean } = {}): Tensor {
  checkTensor('flow', flow);
  const { shape } = flow;
  const dims = shape.length - 2;
  if ((dims !== 2 && dims !== 3) || shape[shape.length - 1] !== dims) {
    throw new RangeError(
      `gridFromFlow: flow must be [N, H, W, 2] or [N, D, H, W, 3] (displacements in pixels), got [${shape.join(', ')}]`,
    );
  }
  const alignCorners = options.alignCorners ?? false;
  if (typeof alignCorners !== 'boolean') {
    throw new TypeError(`gridFromFlow: alignCorners must be a boolean, got ${typeof alignCorners}`);
  }
  // sizes[a] is the spatial size along component a (x = W, y = H, z = D)
  const sizes = shape.slice(1, -1).reverse();
  const data = new Float32Array(elementCount(shape));
  const points = data.length / dims;
  for (let p = 0; p < points; p++) {
    let index = p;
    for (let a = 0; a < dims; a++) {
      const size = sizes[a];
      const position = (index % size) + flow.data[p * dims + a];
      index = Math.floor(index / size);
      // inverse of PyTorch's unnormalize: align ? x * 2 / (size - 1) - 1 : (x * 2 + 1) / size - 1
      data[p * dims + a] = alignCorners
        ? size > 1
          ? (position * 2) / (size - 1) - 1
          : 0
        : (position * 2 + 1) / size - 1;
    }
  }
  return { data, shape: [...shape] };
}
