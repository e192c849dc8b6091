import { expect } from 'vitest';
import type { Mode, Tensor } from '../../src/index.js';

/** The tolerance of the issue: max abs error <= tol * max(1, max|expected|); nearest must be exact. */
export function toleranceFor(mode: Mode | undefined, expected: Float32Array): number {
  if (mode === 'nearest') return 0;
  let peak = 1;
  for (const v of expected) if (Math.abs(v) > peak) peak = Math.abs(v);
  return (mode === 'bicubic' ? 2e-4 : 1e-4) * peak;
}

/** Largest |a - b|, with NaN wherever exactly one side is NaN. */
export function maxAbsDiff(a: Float32Array, b: Float32Array): number {
  let worst = 0;
  for (let i = 0; i < a.length; i++) {
    if (Number.isNaN(a[i]) !== Number.isNaN(b[i])) return Number.NaN;
    if (a[i] === b[i] || (Number.isNaN(a[i]) && Number.isNaN(b[i]))) continue; // also equal infinities
    worst = Math.max(worst, Math.abs(a[i] - b[i]));
  }
  return worst;
}

export function expectTensorClose(actual: Tensor, expected: Tensor, tolerance: number, label = ''): void {
  expect(actual.shape, `${label} shape`).toEqual(expected.shape);
  expect(actual.data.length, `${label} length`).toBe(expected.data.length);
  const diff = maxAbsDiff(actual.data, expected.data);
  expect(diff, `${label} max abs error`).toBeLessThanOrEqual(tolerance);
}
