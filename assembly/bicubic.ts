// 2-D bicubic grid_sample: per block the sixteen tap addresses (padding applied to each tap) and the
// separable weights of every point are computed in SIMD lanes (four points at a time); each point
// then sums rows of four taps and the four rows, four channels per f32x4 op, in the reference's
// order (src/cpu/grid-sample-2d.ts bicubic, PyTorch's cubic_convolution1/2).
import { Axis, Coordinates } from './coordinates';
import { Params, ZEROS } from './params';
import { AXES_OFFSET, BLOCK, LANES, TILE_OFFSET, writeTile } from './tile';

const A: f32 = -0.75;

/** The kernel and its helpers (inlined: AssemblyScript's @inline works on methods). */
export class Bicubic {
  // scratch: per-point addresses of tap (row j, column i) at (4j + i) LANES; x weights at 16 .. 19
  // LANES, y weights at 20 .. 23 LANES
  static sample(p: Params, start: i32, end: i32, scratch: usize, source: usize, firstBatch: i32): void {
    const align = p.alignCorners != 0;
    const padding = p.padding;
    const xAxis = Axis.at(scratch + AXES_OFFSET, p.inW, align);
    const yAxis = Axis.at(scratch + AXES_OFFSET + 128, p.inH, align);
    const pixel = p.pixelStride << 2;
    const row = pixel * p.inW;
    const outPlane = p.outH * p.outW;
    const tile = scratch + TILE_OFFSET;
    const zero = i32x4.splat(<i32>p.zero);
    let q = start;
    while (q < end) {
      const b = q / outPlane;
      const batchEnd = min(end, (b + 1) * outPlane);
      const base = i32x4.splat(<i32>(source + <usize>(b - firstBatch) * row * p.inH));
      while (q < batchEnd) {
        const count = min(BLOCK, batchEnd - q);
        for (let g = 0; g < count; g += 4) {
          const grid = p.grid + ((<usize>(q + g)) << 3);
          Bicubic.taps(grid, xAxis, yAxis, padding, align, base, pixel, row, zero, scratch + ((<usize>g) << 2));
        }
        for (let i = 0; i < count; i++)
          Bicubic.samplePoint(scratch + ((<usize>i) << 2), tile + <usize>i * pixel, pixel);
        writeTile(p, tile, b, q, count);
        q += count;
      }
    }
  }

  /** cubic_convolution1: ((A + 2) * x - (A + 3)) * x * x + 1. */
  @inline static cubic1(x: v128): v128 {
    const t = f32x4.sub(f32x4.mul(f32x4.splat(A + 2), x), f32x4.splat(A + 3));
    return f32x4.add(f32x4.mul(f32x4.mul(t, x), x), f32x4.splat(1));
  }

  /** cubic_convolution2: ((A * x - 5A) * x + 8A) * x - 4A. */
  @inline static cubic2(x: v128): v128 {
    const t = f32x4.add(f32x4.mul(f32x4.sub(f32x4.mul(f32x4.splat(A), x), f32x4.splat(5 * A)), x), f32x4.splat(8 * A));
    return f32x4.sub(f32x4.mul(t, x), f32x4.splat(4 * A));
  }

  /** The four weights of fractional offset t (taps -1, 0, 1, 2) at at + i LANES, NaN lanes zeroed. */
  @inline static storeCoefficients(at: usize, t: v128, valid: v128): void {
    const one = f32x4.splat(1);
    v128.store(at, v128.and(Bicubic.cubic2(f32x4.add(t, one)), valid));
    v128.store(at, v128.and(Bicubic.cubic1(t), valid), LANES);
    v128.store(at, v128.and(Bicubic.cubic1(f32x4.sub(one, t)), valid), 2 * LANES);
    v128.store(at, v128.and(Bicubic.cubic2(f32x4.sub(f32x4.splat(2), t)), valid), 3 * LANES);
  }

  /** The padded integer tap i0 + d (d in -1 .. 2), as PyTorch casts it: truncated. */
  @inline static tap(i0: v128, d: i32, axis: Axis, padding: i32): v128 {
    return Coordinates.toInt(Coordinates.pad(f32x4.convert_i32x4_s(i32x4.add(i0, i32x4.splat(d))), axis, padding));
  }

  /** The sixteen tap addresses and the weights of four grid points (at `grid`) into the lanes at `lane`. */
  @inline static taps(
    grid: usize,
    xAxis: Axis,
    yAxis: Axis,
    padding: i32,
    align: bool,
    base: v128,
    pixel: i32,
    row: i32,
    zero: v128,
    lane: usize,
  ): void {
    const gx = Coordinates.gridX2(grid);
    const gy = Coordinates.gridY2(grid);
    const valid = v128.and(Coordinates.notNaN(gx), Coordinates.notNaN(gy));
    const x = Coordinates.unnormalize(gx, xAxis, align);
    const y = Coordinates.unnormalize(gy, yAxis, align);
    const xf = f32x4.floor(x);
    const yf = f32x4.floor(y);
    Bicubic.storeCoefficients(lane + 16 * LANES, f32x4.sub(x, xf), valid);
    Bicubic.storeCoefficients(lane + 20 * LANES, f32x4.sub(y, yf), valid);
    const x0 = Coordinates.toInt(xf);
    const y0 = Coordinates.toInt(yf);
    const c0 = Bicubic.tap(x0, -1, xAxis, padding);
    const c1 = Bicubic.tap(x0, 0, xAxis, padding);
    const c2 = Bicubic.tap(x0, 1, xAxis, padding);
    const c3 = Bicubic.tap(x0, 2, xAxis, padding);
    // border and reflection clip every tap into the input: only zeros padding can leave it
    const clipped = padding != ZEROS;
    const all = i32x4.splat(-1);
    const in0 = clipped ? all : Coordinates.inRange(c0, xAxis);
    const in1 = clipped ? all : Coordinates.inRange(c1, xAxis);
    const in2 = clipped ? all : Coordinates.inRange(c2, xAxis);
    const in3 = clipped ? all : Coordinates.inRange(c3, xAxis);
    const col0 = i32x4.mul(c0, i32x4.splat(pixel));
    const col1 = i32x4.mul(c1, i32x4.splat(pixel));
    const col2 = i32x4.mul(c2, i32x4.splat(pixel));
    const col3 = i32x4.mul(c3, i32x4.splat(pixel));
    for (let j = 0; j < 4; j++) {
      const r = Bicubic.tap(y0, j - 1, yAxis, padding);
      const inRow = clipped ? valid : v128.and(Coordinates.inRange(r, yAxis), valid);
      const rowStart = i32x4.add(base, i32x4.mul(r, i32x4.splat(row)));
      const at = lane + <usize>(4 * j) * LANES;
      v128.store(at, v128.bitselect(i32x4.add(rowStart, col0), zero, v128.and(inRow, in0)));
      v128.store(at, v128.bitselect(i32x4.add(rowStart, col1), zero, v128.and(inRow, in1)), LANES);
      v128.store(at, v128.bitselect(i32x4.add(rowStart, col2), zero, v128.and(inRow, in2)), 2 * LANES);
      v128.store(at, v128.bitselect(i32x4.add(rowStart, col3), zero, v128.and(inRow, in3)), 3 * LANES);
    }
  }

  /** One point's sixteen taps (addresses and weights in the lanes at `lane`) into the tile at t. */
  @inline static samplePoint(lane: usize, t: usize, pixel: i32): void {
    const wx0 = v128.load32_splat(lane, 16 * LANES);
    const wx1 = v128.load32_splat(lane, 17 * LANES);
    const wx2 = v128.load32_splat(lane, 18 * LANES);
    const wx3 = v128.load32_splat(lane, 19 * LANES);
    const wy0 = v128.load32_splat(lane, 20 * LANES);
    const wy1 = v128.load32_splat(lane, 21 * LANES);
    const wy2 = v128.load32_splat(lane, 22 * LANES);
    const wy3 = v128.load32_splat(lane, 23 * LANES);
    for (let k = 0; k < pixel; k += 16) {
      let sum = f32x4.mul(wy0, Bicubic.rowSum(lane, k, wx0, wx1, wx2, wx3));
      sum = f32x4.add(sum, f32x4.mul(wy1, Bicubic.rowSum(lane + 4 * LANES, k, wx0, wx1, wx2, wx3)));
      sum = f32x4.add(sum, f32x4.mul(wy2, Bicubic.rowSum(lane + 8 * LANES, k, wx0, wx1, wx2, wx3)));
      sum = f32x4.add(sum, f32x4.mul(wy3, Bicubic.rowSum(lane + 12 * LANES, k, wx0, wx1, wx2, wx3)));
      v128.store(t + k, sum);
    }
  }

  /** ((w0 v0 + w1 v1) + w2 v2) + w3 v3 over the four taps of one row (addresses at lane + i LANES). */
  @inline static rowSum(lane: usize, k: i32, w0: v128, w1: v128, w2: v128, w3: v128): v128 {
    let sum = f32x4.mul(w0, v128.load(load<u32>(lane) + k));
    sum = f32x4.add(sum, f32x4.mul(w1, v128.load(load<u32>(lane, LANES) + k)));
    sum = f32x4.add(sum, f32x4.mul(w2, v128.load(load<u32>(lane, 2 * LANES) + k)));
    return f32x4.add(sum, f32x4.mul(w3, v128.load(load<u32>(lane, 3 * LANES) + k)));
  }
}
