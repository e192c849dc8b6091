// Derivatives of the coordinate math in coordinates.ts, after ATen's *_set_grad functions
// (GridSampler.h) and the vectorized CPU kernel's reflect/clip gradients. The coordinates themselves
// always come from coordinates.ts, so the backward scatters exactly where the forward gathers.
// shaders/coordinates-grad.wgsl is the GPU twin of this file.
import type { PaddingMode } from '../types.js';
import { COORD_LIMIT, computeCoordinates, unnormalize } from './coordinates.js';

const f = Math.fround;

/**
 * d(pixel coordinate) / d(grid value) before padding: PyTorch `grid_sampler_unnormalize_set_grad`,
 * (size - 1) / 2 or size / 2. Where our ±2^24 clamps hold the coordinate constant (huge or infinite
 * grid values) the derivative is 0; a NaN grid value samples nothing and has derivative 0 too.
 */
export function unnormalizeGrad(coord: number, size: number, alignCorners: boolean): number {
  if (!(Math.abs(coord) < COORD_LIMIT)) return 0;
  if (!(Math.abs(unnormalize(coord, size, alignCorners)) < COORD_LIMIT)) return 0;
  return alignCorners ? (size - 1) / 2 : size / 2;
}

/**
 * Sign of d(reflected) / d(x) in PyTorch's `reflect_coordinates_get_grad`: -1 when x lies below the low
 * edge XOR it is on a falling stretch of the triangle wave. Same float32 steps as `reflectCoordinates`.
 */
export function reflectCoordinatesGradSign(x: number, twiceLow: number, twiceHigh: number): number {
  const low = twiceLow / 2;
  const twiceSpan = twiceHigh - twiceLow;
  const d = f(x - low);
  const a = Math.abs(d);
  const extra = f(a - f(Math.trunc(f(a / twiceSpan)) * twiceSpan));
  const falling = extra > f(twiceSpan - extra);
  return falling !== d < 0 ? -1 : 1;
}

/**
 * PyTorch `grid_sampler_compute_source_index_set_grad`'s gradient: d(source index) / d(grid value).
 * Clipping gives 0 (the borders count as out of bounds, as in PyTorch: a coordinate exactly on 0 or
 * size - 1 has gradient 0), reflection multiplies by ±1.
 */
export function computeSourceIndexGrad(
  coord: number,
  size: number,
  padding: PaddingMode,
  alignCorners: boolean,
): number {
  const scale = unnormalizeGrad(coord, size, alignCorners);
  if (padding === 'zeros' || scale === 0) return scale;
  const x = unnormalize(coord, size, alignCorners);
  const padded = computeCoordinates(x, size, padding, alignCorners);
  if (!(padded > 0 && padded < size - 1)) return 0;
  if (padding === 'border') return scale;
  const [twiceLow, twiceHigh] = alignCorners ? [0, 2 * (size - 1)] : [-1, 2 * size - 1];
  if (twiceLow === twiceHigh) return 0;
  return reflectCoordinatesGradSign(x, twiceLow, twiceHigh) * scale;
}

/**
 * Chain rule for one grid coordinate: d loss / d source index times d source index / d grid value.
 * A clipped or clamped coordinate gets exactly 0, even where the input holds non-finite values.
 */
export function chainGrad(sum: number, grad: number): number {
  return grad === 0 ? 0 : sum * grad;
}

const A = -0.75;

/** d/dx of PyTorch `cubic_convolution1` ((A + 2) x^3 - (A + 3) x^2 + 1), for |x| <= 1. */
export function cubicConvolution1Grad(x: number): number {
  return (3 * (A + 2) * x - 2 * (A + 3)) * x;
}

/** d/dx of PyTorch `cubic_convolution2` (A x^3 - 5A x^2 + 8A x - 4A), for 1 < |x| < 2. */
export function cubicConvolution2Grad(x: number): number {
  return (3 * A * x - 10 * A) * x + 8 * A;
}

/** d/dt of the four bicubic weights of `cubicCoefficients(t)`, in tap order -1, 0, 1, 2. */
export function cubicCoefficientsGrad(t: number, out: Float64Array): void {
  out[0] = cubicConvolution2Grad(t + 1);
  out[1] = cubicConvolution1Grad(t);
  out[2] = -cubicConvolution1Grad(1 - t);
  out[3] = -cubicConvolution2Grad(2 - t);
}
