// Wrong answers for the negative controls: a correct result with one element moved just outside its
// tolerance (10x its allowance, or one float32 step where the tolerance is exact), or with a small
// gradient zeroed. test/{cpu,gpu}/negative-controls.test.ts assert that each comparison path rejects them.
import type { Tensor } from '../../src/index.js';
import { type CompareOptions, peakScale, type Tolerance } from './tolerance.js';

/** The largest error element `i` of `expected` may have under `tolerance`. */
export function allowanceAt(
  expected: ArrayLike<number>,
  i: number,
  tolerance: Tolerance,
  options: CompareOptions = {},
) {
  const { scale = peakScale(expected) } = options;
  const s = typeof scale === 'number' ? scale : scale[i];
  return tolerance.abs * s + tolerance.rel * Math.abs(expected[i]);
}

/**
 * The next float32 away from zero after `v` (for exact tolerances: the smallest possible error); from
 * 0 or a subnormal, the smallest normal float32, since subnormals may be flushed to zero.
 */
export function nextFloat32(v: number): number {
  if (Math.abs(v) < 2 ** -126) return 2 ** -126;
  const bits = new Float32Array([v]);
  new Int32Array(bits.buffer)[0] += 1; // one step up in magnitude, either sign
  return bits[0];
}

/** The index of the largest finite |value|: the peak, where a peak-scaled allowance is smallest relative to the value. */
export function peakIndex(values: ArrayLike<number>): number {
  let best = 0;
  for (let i = 1; i < values.length; i++) {
    if (Number.isFinite(values[i]) && !(Math.abs(values[i]) <= Math.abs(values[best]))) best = i;
  }
  return best;
}

/**
 * `result` with element `i` set to expected[i] + 10 x its allowance (so 10x the tolerance away from the
 * reference), or to the next float32 where the tolerance is exact.
 */
export function pushedOut(
  result: Tensor,
  expected: Tensor,
  i: number,
  tolerance: Tolerance,
  options: CompareOptions = {},
): Tensor {
  const data = result.data.slice();
  const allowed = allowanceAt(expected.data, i, tolerance, options);
  const e = expected.data[i];
  data[i] = allowed > 0 ? e + 10 * allowed : nextFloat32(e);
  return { data, shape: result.shape };
}

/**
 * `result` with the smallest gradient above `threshold` in magnitude set to 0, and its index; undefined
 * where no value exceeds the threshold.
 */
export function zeroedSmallest(
  result: Tensor,
  expected: Tensor,
  threshold: number,
): { tensor: Tensor; index: number } | undefined {
  let index = -1;
  for (let i = 0; i < expected.data.length; i++) {
    const v = Math.abs(expected.data[i]);
    if (v > threshold && Number.isFinite(v) && (index < 0 || v < Math.abs(expected.data[index]))) index = i;
  }
  if (index < 0) return undefined;
  const data = result.data.slice();
  data[index] = 0;
  return { tensor: { data, shape: result.shape }, index };
}
