// Nearest-neighbour grid_sample, 2-D and 3-D: per block the rounded source pixel of every point is
// found in SIMD lanes (round half to even, as std::nearbyint), then each point copies its pixel's
// channels (up to four channels into channels-first output: each group of four pixels transposed
// straight into the output planes). A point outside the input or with a NaN coordinate reads the zero
// pixel.
import { Axis, Coordinates } from './coordinates';
import { BORDER, Params, REFLECTION, ZEROS } from './params';
import { AXES_OFFSET, BLOCK, TILE_OFFSET, Transpose, writeTile } from './tile';

/**
 * Points per block on the direct path (no tile): their source addresses take 2 KiB of the scratch,
 * which has room for 24 x BLOCK. Longer runs of gathers keep more cache misses in flight (W6: 0.92 of
 * the time with blocks of 64).
 */
const DIRECT_BLOCK = 512;

/** The kernel and its helpers (inlined: AssemblyScript's @inline works on methods). */
export class Nearest {
  /** One copy of the kernel per padding mode and dimension count (inlined with constant arguments). */
  static sample(p: Params, start: i32, end: i32, scratch: usize, source: usize, firstBatch: i32): void {
    const volume = p.spatialDims == 3;
    if (p.padding == REFLECTION) {
      if (volume) Nearest.run(p, start, end, scratch, source, firstBatch, REFLECTION, true);
      else Nearest.run(p, start, end, scratch, source, firstBatch, REFLECTION, false);
    } else if (p.padding == BORDER) {
      if (volume) Nearest.run(p, start, end, scratch, source, firstBatch, BORDER, true);
      else Nearest.run(p, start, end, scratch, source, firstBatch, BORDER, false);
    } else if (volume) Nearest.run(p, start, end, scratch, source, firstBatch, ZEROS, true);
    else Nearest.run(p, start, end, scratch, source, firstBatch, ZEROS, false);
  }

  // scratch: per-point source pixel addresses at 0
  @inline static run(
    p: Params,
    start: i32,
    end: i32,
    scratch: usize,
    source: usize,
    firstBatch: i32,
    padding: i32,
    volume: bool,
  ): void {
    const align = p.alignCorners != 0;
    const xAxis = Axis.at(scratch + AXES_OFFSET, p.inW, align);
    const yAxis = Axis.at(scratch + AXES_OFFSET + 128, p.inH, align);
    const zAxis = Axis.at(scratch + AXES_OFFSET + 256, p.inD, align);
    const pixel = p.pixelStride << 2;
    const row = pixel * p.inW;
    const plane = row * p.inH;
    const outVolume = p.outD * p.outH * p.outW;
    const tile = scratch + TILE_OFFSET;
    const zero = i32x4.splat(<i32>p.zero);
    // up to four channels, channels first out: each group's four pixels transposed straight into the planes
    const direct = p.c <= 4 && p.channelsLastOut == 0;
    const planeBytes = (<usize>outVolume) << 2;
    let q = start;
    while (q < end) {
      const b = q / outVolume;
      const batchEnd = min(end, (b + 1) * outVolume);
      const base = i32x4.splat(<i32>(source + <usize>(b - firstBatch) * plane * p.inD));
      while (q < batchEnd) {
        const count = min(direct ? DIRECT_BLOCK : BLOCK, batchEnd - q);
        for (let g = 0; g < count; g += 4) {
          const lane = scratch + ((<usize>g) << 2);
          if (volume) {
            const grid = p.grid + <usize>(q + g) * 12;
            Nearest.pixels3d(grid, xAxis, yAxis, zAxis, padding, align, base, pixel, row, plane, zero, lane);
          } else {
            const grid = p.grid + ((<usize>(q + g)) << 3);
            Nearest.pixels2d(grid, xAxis, yAxis, padding, align, base, pixel, row, zero, lane);
          }
        }
        if (direct) {
          const first = <usize>q - <usize>b * outVolume;
          const out = p.output + ((<usize>b * p.c * outVolume + first) << 2);
          for (let g = 0; g < count; g += 4) {
            const lane = scratch + ((<usize>g) << 2);
            Transpose.rows(
              load<u32>(lane),
              load<u32>(lane, 4),
              load<u32>(lane, 8),
              load<u32>(lane, 12),
              out + ((<usize>g) << 2),
              planeBytes,
              p.c,
              min(4, count - g),
            );
          }
        } else {
          for (let i = 0; i < count; i++) {
            const from = load<u32>(scratch + ((<usize>i) << 2));
            const t = tile + <usize>i * pixel;
            for (let k = 0; k < pixel; k += 16) v128.store(t + k, v128.load(from + k));
          }
          writeTile(p, tile, b, q, count);
        }
        q += count;
      }
    }
  }

  /**
   * The rounded source pixel of grid coordinates g on an axis, as integers (any value for NaN lanes).
   * Axes of at most 2^22 pixels round with one add: zeros padding first clamps to [-1, size], which
   * changes no index inside the input.
   */
  @inline static round(g: v128, axis: Axis, padding: i32, align: bool): v128 {
    let x = Coordinates.sourceIndex(g, axis, padding, align);
    if (!axis.small) return Coordinates.toInt(f32x4.nearest(x));
    if (padding == ZEROS) x = f32x4.pmin(axis.size, f32x4.pmax(x, f32x4.splat(-1)));
    return Coordinates.roundSmall(x);
  }

  /** The source pixel addresses of four 2-D grid points (at `grid`) into the scratch lanes at `lane`. */
  @inline static pixels2d(
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
    const ix = Nearest.round(gx, xAxis, padding, align);
    const iy = Nearest.round(gy, yAxis, padding, align);
    let valid = v128.and(Coordinates.notNaN(gx), Coordinates.notNaN(gy));
    // border and reflection clip to [0, size - 1]: only zeros padding can leave the input
    if (padding == ZEROS)
      valid = v128.and(valid, v128.and(Coordinates.inRange(ix, xAxis), Coordinates.inRange(iy, yAxis)));
    const at = i32x4.add(base, i32x4.add(i32x4.mul(iy, i32x4.splat(row)), i32x4.mul(ix, i32x4.splat(pixel))));
    v128.store(lane, v128.bitselect(at, zero, valid));
  }

  /** The source pixel addresses of four 3-D grid points (at `grid`) into the scratch lanes at `lane`. */
  @inline static pixels3d(
    grid: usize,
    xAxis: Axis,
    yAxis: Axis,
    zAxis: Axis,
    padding: i32,
    align: bool,
    base: v128,
    pixel: i32,
    row: i32,
    plane: i32,
    zero: v128,
    lane: usize,
  ): void {
    const gx = Coordinates.gridX3(grid);
    const gy = Coordinates.gridY3(grid);
    const gz = Coordinates.gridZ3(grid);
    const ix = Nearest.round(gx, xAxis, padding, align);
    const iy = Nearest.round(gy, yAxis, padding, align);
    const iz = Nearest.round(gz, zAxis, padding, align);
    let valid = v128.and(v128.and(Coordinates.notNaN(gx), Coordinates.notNaN(gy)), Coordinates.notNaN(gz));
    if (padding == ZEROS) {
      const inside = v128.and(Coordinates.inRange(ix, xAxis), Coordinates.inRange(iy, yAxis));
      valid = v128.and(valid, v128.and(inside, Coordinates.inRange(iz, zAxis)));
    }
    const offset = i32x4.add(
      i32x4.mul(iz, i32x4.splat(plane)),
      i32x4.add(i32x4.mul(iy, i32x4.splat(row)), i32x4.mul(ix, i32x4.splat(pixel))),
    );
    v128.store(lane, v128.bitselect(i32x4.add(base, offset), zero, valid));
  }
}
