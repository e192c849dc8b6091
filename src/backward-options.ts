// Shape checks of the backward passes, shared by the CPU and GPU paths; every check runs before any work.
import { type AffineGeometry, affineGeometry, checkShape, type SampleGeometry, sampleGeometry } from './options.js';
import type { Layout } from './types.js';

const fmt = (shape: readonly number[]) => `[${shape.join(', ')}]`;
const sameShape = (a: readonly number[], b: readonly number[]) =>
  a.length === b.length && a.every((d, i) => d === b[i]);

/**
 * Validates the shapes of grid_sample's backward: gradOutput must have the forward's output shape (in
 * the input's layout).
 */
export function backwardGeometry(
  gradOutputShape: readonly number[],
  inputShape: readonly number[],
  gridShape: readonly number[],
  layout: Layout = 'nchw',
): SampleGeometry {
  const geo = sampleGeometry(inputShape, gridShape, layout);
  checkShape('gradOutput shape', gradOutputShape);
  if (!sameShape(gradOutputShape, geo.outputShape)) {
    throw new RangeError(
      `grid_sample backward: gradOutput must have the shape of grid_sample(input, grid), ${fmt(geo.outputShape)} for input ${fmt(inputShape)} and grid ${fmt(gridShape)}, got ${fmt(gradOutputShape)}`,
    );
  }
  return geo;
}

/** Validates the shapes of affine_grid's backward: gradGrid must have the grid shape of `size`. */
export function affineBackwardGeometry(gradGridShape: readonly number[], size: unknown): AffineGeometry {
  checkShape('affine_grid size', size);
  const dims = size.length === 5 ? 3 : 2;
  const geo = affineGeometry([size[0] ?? 0, dims, dims + 1], size);
  checkShape('gradGrid shape', gradGridShape);
  if (!sameShape(gradGridShape, geo.gridShape)) {
    throw new RangeError(
      `affine_grid backward: gradGrid must have the shape of affine_grid(theta, size), ${fmt(geo.gridShape)} for size ${fmt(size)}, got ${fmt(gradGridShape)}`,
    );
  }
  return geo;
}
