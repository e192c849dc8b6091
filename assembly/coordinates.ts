// PyTorch's grid sampler coordinate math on four grid points at once, the twin of
// src/cpu/coordinates.ts: the same float32 operations in the same order, so every lane rounds as
// the reference does. pmin/pmax stand for Math.min/Math.max: they differ only for NaN lanes (masked
// off by the callers) and in the sign of a zero clamped to 0, which no later step can see (floor,
// round and the weights give the same values for -0 and +0).
import { BORDER, REFLECTION } from './params';

const LIMIT: f32 = 16777216; // 2^24, COORD_LIMIT of the reference
/** Axes of at most this many pixels round with Coordinates.roundSmall. */
const SMALL = 1 << 22;
/**
 * 1.5 x 2^23: for |x| <= 2^22, x + BIAS rounds x to an integer, half to even (as f32x4.nearest and
 * std::nearbyint do: the default rounding), and leaves it in the low bits: bits(x + BIAS) = BIAS_BITS + round(x).
 */
const BIAS: f32 = 12582912;
const BIAS_BITS = 0x4b400000;

/**
 * The constants of one axis (input width, height or depth) as vectors, made once per call in the
 * thread's scratch so that the per-point code only loads them.
 */
@unmanaged
export class Axis {
  /** The size and size - 1, as floats. */
  size: v128;
  last: v128;
  /** The reflection's low end and span: 0 and 2 (size - 1) with alignCorners, else -0.5 and 2 size. */
  low: v128;
  span: v128;
  /** The size as integers, for range tests. */
  count: v128;
  /** 1 where reflection maps everything to 0 (alignCorners and size 1: reflect_coordinates' twice_low == twice_high). */
  flat: i32;
  /** 1 where size <= 2^22: every clipped or clamped coordinate can be rounded with roundSmall. */
  small: i32;

  /** Writes the constants of an axis of `size` at `at`. */
  static at(at: usize, size: i32, alignCorners: bool): Axis {
    const axis = changetype<Axis>(at);
    axis.size = f32x4.splat(<f32>size);
    axis.last = f32x4.splat(<f32>(size - 1));
    axis.low = f32x4.splat(alignCorners ? 0 : -0.5);
    const twiceSpan: i32 = alignCorners ? 2 * (size - 1) : 2 * size;
    axis.span = f32x4.splat(<f32>twiceSpan);
    axis.count = i32x4.splat(size);
    axis.flat = alignCorners && size == 1 ? 1 : 0;
    axis.small = size <= SMALL ? 1 : 0;
    return axis;
  }
}

/** The coordinate math, inlined into every kernel (AssemblyScript's @inline works on methods). */
export class Coordinates {
  /** Clamps to ±2^24 (NaN lanes stay NaN). */
  @inline static clampToLimit(x: v128): v128 {
    return f32x4.pmin(f32x4.pmax(x, f32x4.splat(-LIMIT)), f32x4.splat(LIMIT));
  }

  /** grid_sampler_unnormalize: grid value in [-1, 1] to pixel index, clamped to ±2^24. */
  @inline static unnormalize(g: v128, axis: Axis, alignCorners: bool): v128 {
    const p = f32x4.add(Coordinates.clampToLimit(g), f32x4.splat(1));
    // align: ((coord + 1) / 2) * (size - 1); else ((coord + 1) * size - 1) / 2. Halving is exact, so
    // * 0.5 rounds as / 2 does.
    const x = alignCorners
      ? f32x4.mul(f32x4.mul(p, f32x4.splat(0.5)), axis.last)
      : f32x4.mul(f32x4.sub(f32x4.mul(p, axis.size), f32x4.splat(1)), f32x4.splat(0.5));
    return Coordinates.clampToLimit(x);
  }

  /** clip_coordinates: clamp to [0, size - 1]. */
  @inline static clip(x: v128, axis: Axis): v128 {
    return f32x4.pmin(axis.last, f32x4.pmax(x, f32x4.splat(0)));
  }

  /** reflect_coordinates as PyTorch's vectorized CPU kernel computes it (a triangle wave). */
  @inline static reflect(x: v128, axis: Axis): v128 {
    if (axis.flat) return f32x4.splat(0);
    const low = axis.low;
    const span = axis.span;
    const d = f32x4.abs(f32x4.sub(x, low));
    const extra = f32x4.sub(d, f32x4.mul(f32x4.trunc(f32x4.div(d, span)), span));
    return f32x4.add(f32x4.pmin(extra, f32x4.sub(span, extra)), low);
  }

  /** compute_coordinates: applies the padding mode to pixel coordinates. */
  @inline static pad(x: v128, axis: Axis, padding: i32): v128 {
    if (padding == BORDER) return Coordinates.clip(x, axis);
    if (padding == REFLECTION) return Coordinates.clip(Coordinates.reflect(x, axis), axis);
    return x;
  }

  /** grid_sampler_compute_source_index: unnormalize, then pad. */
  @inline static sourceIndex(g: v128, axis: Axis, padding: i32, alignCorners: bool): v128 {
    return Coordinates.pad(Coordinates.unnormalize(g, axis, alignCorners), axis, padding);
  }

  /** All-ones lanes where the grid value is not NaN. */
  @inline static notNaN(g: v128): v128 {
    return f32x4.eq(g, g);
  }

  /** All-ones lanes where 0 <= i < size (as unsigned: negatives are huge). */
  @inline static inRange(i: v128, axis: Axis): v128 {
    return i32x4.lt_u(i, axis.count);
  }

  /**
   * round(x) (half to even) as integers, for |x| <= 2^22: one add instead of f32x4.nearest and the
   * saturating conversion (toInt), which takes several instructions on x86.
   */
  @inline static roundSmall(x: v128): v128 {
    return i32x4.sub(f32x4.add(x, f32x4.splat(BIAS)), i32x4.splat(BIAS_BITS));
  }

  /** Integer lanes of floats that hold integers of at most 2^24 + 2 in magnitude. */
  @inline static toInt(x: v128): v128 {
    return i32x4.trunc_sat_f32x4_s(x);
  }

  /** x and y of four 2-D grid points (x0 y0 x1 y1 x2 y2 x3 y3 in memory). */
  @inline static gridX2(g: usize): v128 {
    return i32x4.shuffle(v128.load(g), v128.load(g, 16), 0, 2, 4, 6);
  }
  @inline static gridY2(g: usize): v128 {
    return i32x4.shuffle(v128.load(g), v128.load(g, 16), 1, 3, 5, 7);
  }

  /** x, y and z of four 3-D grid points (x0 y0 z0 x1 | y1 z1 x2 y2 | z2 x3 y3 z3 in memory). */
  @inline static gridX3(g: usize): v128 {
    return i32x4.shuffle(i32x4.shuffle(v128.load(g), v128.load(g, 16), 0, 3, 6, 7), v128.load(g, 32), 0, 1, 2, 5);
  }
  @inline static gridY3(g: usize): v128 {
    return i32x4.shuffle(i32x4.shuffle(v128.load(g), v128.load(g, 16), 1, 4, 7, 7), v128.load(g, 32), 0, 1, 2, 6);
  }
  @inline static gridZ3(g: usize): v128 {
    return i32x4.shuffle(i32x4.shuffle(v128.load(g), v128.load(g, 16), 2, 5, 5, 5), v128.load(g, 32), 0, 1, 4, 7);
  }
}
