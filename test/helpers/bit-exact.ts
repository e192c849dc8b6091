// Bit-for-bit comparison of float32 results: for kernels that follow PyTorch's float32 operations
// exactly (msDeformAttnCpu on either of its kernels), where any tolerance would hide a wrong rounding.
import { expect } from 'vitest';
import type { Tensor } from '../../src/index.js';

/** The first element where the two differ (+0 and -0 differ; NaN equals NaN), or -1 when none does. */
export function firstDifference(actual: ArrayLike<number>, expected: ArrayLike<number>): number {
  if (actual.length !== expected.length) return Math.min(actual.length, expected.length);
  for (let i = 0; i < actual.length; i++) {
    const a = actual[i];
    const e = expected[i];
    if (!(Object.is(a, e) || (Number.isNaN(a) && Number.isNaN(e)))) return i;
  }
  return -1;
}

/** Asserts that `actual` has `expected`'s shape and equals it bit for bit. */
export function expectBitExact(actual: Tensor, expected: Tensor, label: string): void {
  expect([...actual.shape], `${label} shape`).toEqual([...expected.shape]);
  const i = firstDifference(actual.data, expected.data);
  expect(i, `${label}: element ${i} is ${actual.data[i]}, expected ${expected.data[i]}`).toBe(-1);
}
