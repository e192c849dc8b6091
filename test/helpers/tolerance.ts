// The one comparison of the test suite and its one tolerance table.
//
// Every check of a computed tensor against a reference (PyTorch goldens, peers' conformance cases, the
// CPU reference, finite differences) goes through `compare` or `expectClose` with an entry of
// `TOLERANCE`. test/gpu/tolerance.test.ts measures each entry's worst error on the goldens (CPU and
// GPU), prints it, and fails if an entry is more than 10x looser than that; test/cpu/negative-controls
// and test/gpu/negative-controls prove that each comparison path fails on a wrong answer.
//
// Element i of `actual` matches element i of `expected` when
//   - both are NaN, or both are the same infinity, or
//   - both are zero or subnormal (|v| < 2^-126: GPUs may flush subnormals to zero), or
//   - |actual[i] - expected[i]| <= tolerance.abs * scale[i] + tolerance.rel * |expected[i]|,
// where scale[i] defaults to max(1, largest finite |expected|) for every i (peakScale), and a caller
// may pass its own: one number (1 for an absolute bound), or one per element: gradients use the larger
// of the peak and the size of the terms each value sums (gradient-scale.ts), affine_grid the size of
// its theta row (affineGridScale). Non-finite values never set a scale.
//
// API:
//   TOLERANCE.forward | nearest | backward | scatter | affine | affineBackward | msda | finiteDifference
//            | finiteDifferenceTransformer | imageByte
//   forwardTolerance(mode?)                              nearest: exact; bilinear, bicubic: TOLERANCE.forward
//   peakScale(expected)                                  max(1, largest finite |value|)
//   compare(actual, expected, tolerance, { scale? })     -> Comparison; never throws (measuring, controls)
//   expectClose(actual, expected, tolerance, label?, { scale? })   vitest assertion on Tensors: shape, then values
//   describeComparison(comparison)                       one line: the worst element, its error and allowance
//   affineGridScale(theta, size)                         per-element scale of an affine_grid output
// Companions: gradient-scale.ts (gradientScales, gradInputScale, gradGridScale: per-element scales of
// grid_sample gradients), negative-control.ts (pushedOut, zeroedSmallest, allowanceAt: wrong answers for
// controls), msda.ts (msdaTermScale: per-element scales of deformable attention), conformance.ts (peers'
// cases), fuzz.ts (fast-check settings that fail on hangs).
// `rel` (a term relative to each expected value) is there for tables that need it; every entry below
// has rel 0, because the measured errors sit where terms cancel, where |expected| says nothing about
// the error: the per-element scales cover those.
import { expect } from 'vitest';
import type { Mode, Tensor } from '../../src/index.js';

/** Per element: |actual - expected| <= abs * scale + rel * |expected|. */
export interface Tolerance {
  readonly abs: number;
  readonly rel: number;
  /** What the entry covers and the measurement that justifies it. */
  readonly why: string;
}

// Worst errors measured by test/gpu/tolerance.test.ts (CPU reference and WebGPU on SwiftShader, against
// the PyTorch 1.13 goldens; in units of max(1, peak)). Each entry stays within 10x of its measurement.
export const TOLERANCE = {
  forward: {
    abs: 5e-6,
    rel: 0,
    why: 'grid_sample bilinear/bicubic, 2-D and 3-D, any backend: worst 7.2e-7 x max(1, peak) on the goldens',
  },
  nearest: { abs: 0, rel: 0, why: 'grid_sample nearest copies an input value: exact' },
  backward: {
    abs: 5e-6,
    rel: 0,
    why:
      'grid_sample gradInput and gradGrid, each value scaled by max(peak, the size of its terms) (gradient-scale.ts): ' +
      'worst 7.9e-7 on the goldens, 8.1e-7 GPU vs CPU on 1500 random cases (5.4e-6 there in units of the peak ' +
      'alone: cancellation); 0 of 19,377 golden gradients above 1e-4 pass as 0',
  },
  scatter: {
    abs: 1e-6,
    rel: 0,
    why:
      'gradInput where 16,384 grid points add into one pixel in any order (GPU atomics), scaled by the sum of ' +
      '|terms| per pixel (gradInputScale): worst 2.5e-7 over 75 runs',
  },
  affine: { abs: 5e-7, rel: 0, why: 'affine_grid: worst 7.7e-8 x max(1, peak) on the goldens' },
  affineBackward: {
    abs: 5e-6,
    rel: 0,
    why: 'affine_grid backward (a sum over every grid point) and whole spatial transformers: worst 5.6e-7',
  },
  finiteDifference: {
    abs: 1e-4,
    rel: 0,
    why: 'analytic gradients against 4-point differences of the float32 forward: worst 2.4e-5 x max(1, peak)',
  },
  finiteDifferenceTransformer: {
    abs: 2e-3,
    rel: 0,
    why: 'gradTheta against central differences over a 1e-4 theta step (float32 outputs): worst 4.4e-4',
  },
  msda: {
    abs: 5e-6,
    rel: 0,
    why:
      'multi-scale deformable attention: the CPU reference is bit for bit PyTorch, the GPU adds the terms in ' +
      'its own order: worst 1.2e-6 x max(1, peak) on the goldens; 7.8e-8 GPU vs CPU on 300 random calls in units ' +
      'of the size of the terms (msda.ts msdaTermScale)',
  },
  imageByte: {
    abs: 1,
    rel: 0,
    why: 'RGBA8 warps (scale 1): float results a hair apart round to neighbouring bytes at .5; nearest is exact',
  },
} as const satisfies Record<string, Tolerance>;

/** The forward tolerance of a mode: nearest exact, bilinear and bicubic TOLERANCE.forward. */
export function forwardTolerance(mode?: Mode): Tolerance {
  return mode === 'nearest' ? TOLERANCE.nearest : TOLERANCE.forward;
}

/** max(1, largest finite |value|): the default scale of a tolerance. */
export function peakScale(values: ArrayLike<number>): number {
  let peak = 1;
  for (let i = 0; i < values.length; i++) {
    const v = Math.abs(values[i]);
    if (v > peak && v !== Infinity) peak = v;
  }
  return peak;
}

/**
 * A per-element scale for affine_grid(theta, size): output value (n, point, axis j) is row j of theta n
 * times (x, y[, z], 1) with |x|, |y|, |z| <= 1, so its rounding error is bounded by the size of that
 * row's terms: max(1, sum of its finite |theta|). One huge theta then loosens only the values it makes.
 */
export function affineGridScale(theta: ArrayLike<number>, size: readonly number[]): Float32Array {
  const dims = size.length - 2;
  const points = size.slice(2).reduce((a, b) => a * b, 1);
  const scale = new Float32Array(size[0] * points * dims);
  for (let n = 0; n < size[0]; n++) {
    for (let j = 0; j < dims; j++) {
      let sum = 0;
      for (let k = 0; k <= dims; k++) {
        const t = Math.abs(theta[(n * dims + j) * (dims + 1) + k]);
        if (Number.isFinite(t)) sum += t;
      }
      for (let p = 0; p < points; p++) scale[(n * points + p) * dims + j] = Math.max(1, sum);
    }
  }
  return scale;
}

export interface CompareOptions {
  /** Replaces max(1, peak): one number for every element, or one per element. */
  scale?: number | ArrayLike<number>;
}

/** The element furthest outside (or nearest to leaving) its allowance. */
export interface Mismatch {
  index: number;
  actual: number;
  expected: number;
  error: number;
  allowed: number;
}

export interface Comparison {
  /** Every element matches and the lengths agree. */
  ok: boolean;
  /** Elements that do not match (plus one if the lengths differ). */
  failures: number;
  /** Largest error / allowance (Infinity for a non-finite mismatch or an error where 0 is allowed). */
  ratio: number;
  /** Largest |actual - expected| / scale over finite pairs: the measured error in the table's units. */
  scaledError: number;
  /** The element with the largest ratio, or undefined when every element is equal. */
  worst: Mismatch | undefined;
  length: { actual: number; expected: number };
}

const SMALLEST_NORMAL = 2 ** -126;
const isTiny = (v: number) => Math.abs(v) < SMALLEST_NORMAL;

/** Compares element by element; see the top of this file for the rule. */
export function compare(
  actual: ArrayLike<number>,
  expected: ArrayLike<number>,
  tolerance: Tolerance,
  options: CompareOptions = {},
): Comparison {
  const n = Math.min(actual.length, expected.length);
  const { scale = peakScale(expected) } = options;
  let failures = actual.length === expected.length ? 0 : 1;
  let ratio = 0;
  let scaledError = 0;
  let worst: Mismatch | undefined;
  for (let i = 0; i < n; i++) {
    const a = actual[i];
    const e = expected[i];
    if (a === e || (Number.isNaN(a) && Number.isNaN(e)) || (isTiny(a) && isTiny(e))) continue;
    const s = typeof scale === 'number' ? scale : scale[i];
    const error = Math.abs(a - e);
    const allowed = Number.isFinite(e) ? tolerance.abs * s + tolerance.rel * Math.abs(e) : 0;
    if (Number.isFinite(error) && s > 0) scaledError = Math.max(scaledError, error / s);
    // NaN against a number, or an infinity against anything else, is infinitely wrong
    const r = Number.isNaN(error) || error === Infinity ? Infinity : allowed > 0 ? error / allowed : Infinity;
    if (!(error <= allowed)) failures++;
    if (worst === undefined || r > ratio) {
      ratio = r;
      worst = { index: i, actual: a, expected: e, error, allowed };
    }
  }
  return {
    ok: failures === 0,
    failures,
    ratio,
    scaledError,
    worst,
    length: { actual: actual.length, expected: expected.length },
  };
}

/** One line on a comparison: how many elements failed and the worst one. */
export function describeComparison(c: Comparison): string {
  const lengths = c.length.actual === c.length.expected ? '' : ` (lengths ${c.length.actual} vs ${c.length.expected})`;
  if (!c.worst) return `all equal${lengths}`;
  const { index, actual, expected, error, allowed } = c.worst;
  return (
    `${c.failures} element(s) outside the tolerance${lengths}; worst #${index}: ${actual} vs ${expected}, ` +
    `error ${error.toExponential(3)}, allowed ${allowed.toExponential(3)}`
  );
}

/** Asserts that `actual` has `expected`'s shape and matches it within `tolerance`; returns the comparison. */
export function expectClose(
  actual: Tensor,
  expected: Tensor,
  tolerance: Tolerance,
  label = '',
  options: CompareOptions = {},
): Comparison {
  expect([...actual.shape], `${label} shape`).toEqual([...expected.shape]);
  const result = compare(actual.data, expected.data, tolerance, options);
  expect(result.ok, `${label}: ${describeComparison(result)}`).toBe(true);
  return result;
}
