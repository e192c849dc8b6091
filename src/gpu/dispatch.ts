export interface DispatchSize {
  x: number;
  y: number;
  /** Invocations per dispatch row: invocation index = id.x + id.y * rowPitch. */
  rowPitch: number;
}

/**
 * Workgroup counts for `invocations` threads. Past `maxPerDimension` workgroups (65,535 on most
 * devices) the dispatch folds into a second dimension; shaders rebuild the flat index from rowPitch.
 */
export function dispatchSize(invocations: number, workgroupSize: number, maxPerDimension: number): DispatchSize {
  const groups = Math.ceil(invocations / workgroupSize);
  const y = Math.max(1, Math.ceil(groups / maxPerDimension));
  const x = Math.ceil(groups / y);
  if (y > maxPerDimension) {
    throw new RangeError(
      `${invocations} invocations need ${groups} workgroups, more than ${maxPerDimension}^2 that a 2-D dispatch allows`,
    );
  }
  return { x, y, rowPitch: x * workgroupSize };
}
