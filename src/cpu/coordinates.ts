// Coordinate math of PyTorch's grid sampler in float32, names after ATen's GridSampler.h.
// Every intermediate is rounded with Math.fround where PyTorch rounds a float, so nearest-neighbour
// ties fall the same way. shaders/coordinates.wgsl is the GPU twin of this file.
import type { PaddingMode } from '../types.js';

const f = Math.fround;

/**
 * Bound on |grid value| and |pixel coordinate|. Past 2^24 float32 has no fractional part, so a
 * position inside a pixel cannot be represented; clamping there turns ±Infinity into a huge finite
 * value and keeps the reflection arithmetic exact. Below it every formula is PyTorch's.
 */
export const COORD_LIMIT = 2 ** 24;

/** Grid value in [-1, 1] to pixel index: PyTorch `grid_sampler_unnormalize`. */
export function unnormalize(coord: number, size: number, alignCorners: boolean): number {
  const g = f(Math.min(Math.max(coord, -COORD_LIMIT), COORD_LIMIT));
  const p = f(g + 1);
  // align: ((coord + 1) / 2) * (size - 1); else ((coord + 1) * size - 1) / 2
  const x = alignCorners ? f(f(p / 2) * (size - 1)) : f(f(f(p * size) - 1) / 2);
  return Math.min(Math.max(x, -COORD_LIMIT), COORD_LIMIT);
}

/** PyTorch `clip_coordinates`: clamp to [0, size - 1]. */
export function clipCoordinates(x: number, size: number): number {
  return Math.min(size - 1, Math.max(x, 0));
}

/**
 * PyTorch `reflect_coordinates` as its vectorized CPU kernel computes it: a triangle wave of period
 * `twiceHigh - twiceLow` around `twiceLow / 2`. For |x| <= 2^24 every step is exact.
 */
export function reflectCoordinates(x: number, twiceLow: number, twiceHigh: number): number {
  if (twiceLow === twiceHigh) return 0;
  const low = twiceLow / 2;
  const twiceSpan = twiceHigh - twiceLow;
  const d = Math.abs(f(x - low));
  const extra = f(d - f(Math.trunc(f(d / twiceSpan)) * twiceSpan));
  return f(Math.min(extra, f(twiceSpan - extra)) + low);
}

/** PyTorch `compute_coordinates`: applies the padding mode to a pixel coordinate. */
export function computeCoordinates(x: number, size: number, padding: PaddingMode, alignCorners: boolean): number {
  if (padding === 'border') return clipCoordinates(x, size);
  if (padding === 'reflection') {
    const reflected = alignCorners ? reflectCoordinates(x, 0, 2 * (size - 1)) : reflectCoordinates(x, -1, 2 * size - 1);
    return clipCoordinates(reflected, size);
  }
  return x;
}

/** PyTorch `grid_sampler_compute_source_index`: unnormalize, then pad. */
export function computeSourceIndex(coord: number, size: number, padding: PaddingMode, alignCorners: boolean): number {
  return computeCoordinates(unnormalize(coord, size, alignCorners), size, padding, alignCorners);
}

/** Round half to even, as `std::nearbyint` does in PyTorch's nearest mode. */
export function roundHalfEven(x: number): number {
  const r = Math.round(x);
  return r - x === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

const A = -0.75;

/** PyTorch `cubic_convolution1`: weight of a tap at distance |x| <= 1. */
export function cubicConvolution1(x: number): number {
  return f(f(f(f(f((A + 2) * x) - (A + 3)) * x) * x) + 1);
}

/** PyTorch `cubic_convolution2`: weight of a tap at distance 1 < |x| < 2. */
export function cubicConvolution2(x: number): number {
  return f(f(f(f(f(f(A * x) - 5 * A) * x) + 8 * A) * x) - 4 * A);
}

/** The four bicubic weights for fractional offset t, in tap order -1, 0, 1, 2. */
export function cubicCoefficients(t: number, out: Float64Array): void {
  out[0] = cubicConvolution2(f(t + 1));
  out[1] = cubicConvolution1(t);
  out[2] = cubicConvolution1(f(1 - t));
  out[3] = cubicConvolution2(f(2 - t));
}
