// 2-D bilinear grid_sample: per block the coordinates, taps and weights of every point are computed
// in SIMD lanes (four points at a time), then each point sums its four taps over all channels, four
// channels per f32x4 op, in the reference's order: ((nw + ne) + sw) + se (src/cpu/grid-sample-2d.ts).
import { Axis, Coordinates } from './coordinates';
import { Params, ZEROS } from './params';
import { AXES_OFFSET, BLOCK, LANES, TILE_OFFSET, Transpose, writeTile } from './tile';

/** The kernel and its helpers (inlined: AssemblyScript's @inline works on methods). */
export class Bilinear {
  // scratch: per-point tap addresses nw, ne, sw, se at 0, LANES, 2 LANES, 3 LANES; their weights at
  // 4 LANES .. 7 LANES
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
    // up to four channels, channels first out: each group's four points transposed straight into the planes
    const direct = p.c <= 4 && p.channelsLastOut == 0;
    const planeBytes = (<usize>outPlane) << 2;
    let q = start;
    while (q < end) {
      const b = q / outPlane;
      const batchEnd = min(end, (b + 1) * outPlane);
      const base = i32x4.splat(<i32>(source + <usize>(b - firstBatch) * row * p.inH));
      while (q < batchEnd) {
        const count = min(BLOCK, batchEnd - q);
        for (let g = 0; g < count; g += 4) {
          const grid = p.grid + ((<usize>(q + g)) << 3);
          Bilinear.taps(grid, xAxis, yAxis, padding, align, base, pixel, row, zero, scratch + ((<usize>g) << 2));
        }
        if (direct) {
          const out = p.output + ((<usize>b * p.c * outPlane + (<usize>q - <usize>b * outPlane)) << 2);
          for (let g = 0; g < count; g += 4) {
            const lane = scratch + ((<usize>g) << 2);
            Transpose.vectors(
              Bilinear.sum4(lane),
              Bilinear.sum4(lane + 4),
              Bilinear.sum4(lane + 8),
              Bilinear.sum4(lane + 12),
              out + ((<usize>g) << 2),
              planeBytes,
              p.c,
              min(4, count - g),
            );
          }
        } else {
          for (let i = 0; i < count; i++)
            Bilinear.samplePoint(scratch + ((<usize>i) << 2), tile + <usize>i * pixel, pixel);
          writeTile(p, tile, b, q, count);
        }
        q += count;
      }
    }
  }

  /** Taps and weights of four grid points (at `grid`) into the scratch lanes at `lane`. */
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
    const one = f32x4.splat(1);
    const gx = Coordinates.gridX2(grid);
    const gy = Coordinates.gridY2(grid);
    const valid = v128.and(Coordinates.notNaN(gx), Coordinates.notNaN(gy)); // a NaN coordinate samples nothing
    const x = Coordinates.sourceIndex(gx, xAxis, padding, align);
    const y = Coordinates.sourceIndex(gy, yAxis, padding, align);
    const xf = f32x4.floor(x);
    const yf = f32x4.floor(y);
    const east = f32x4.sub(x, xf);
    const west = f32x4.sub(one, east);
    const south = f32x4.sub(y, yf);
    const north = f32x4.sub(one, south);
    v128.store(lane, v128.and(f32x4.mul(north, west), valid), 4 * LANES);
    v128.store(lane, v128.and(f32x4.mul(north, east), valid), 5 * LANES);
    v128.store(lane, v128.and(f32x4.mul(south, west), valid), 6 * LANES);
    v128.store(lane, v128.and(f32x4.mul(south, east), valid), 7 * LANES);
    const x0 = Bilinear.toIndex(xf, xAxis, padding);
    const y0 = Bilinear.toIndex(yf, yAxis, padding);
    const inX0 = Coordinates.inRange(x0, xAxis);
    const inX1 = Coordinates.inRange(i32x4.add(x0, i32x4.splat(1)), xAxis);
    const inY0 = v128.and(Coordinates.inRange(y0, yAxis), valid);
    const inY1 = v128.and(Coordinates.inRange(i32x4.add(y0, i32x4.splat(1)), yAxis), valid);
    const nw = i32x4.add(base, i32x4.add(i32x4.mul(y0, i32x4.splat(row)), i32x4.mul(x0, i32x4.splat(pixel))));
    const sw = i32x4.add(nw, i32x4.splat(row));
    v128.store(lane, v128.bitselect(nw, zero, v128.and(inY0, inX0)));
    v128.store(lane, v128.bitselect(i32x4.add(nw, i32x4.splat(pixel)), zero, v128.and(inY0, inX1)), LANES);
    v128.store(lane, v128.bitselect(sw, zero, v128.and(inY1, inX0)), 2 * LANES);
    v128.store(lane, v128.bitselect(i32x4.add(sw, i32x4.splat(pixel)), zero, v128.and(inY1, inX1)), 3 * LANES);
  }

  /**
   * A floored coordinate as an integer. Axes of at most 2^22 pixels convert with one add: zeros
   * padding first clamps to [-2, size], which changes neither tap's range test.
   */
  @inline static toIndex(xf: v128, axis: Axis, padding: i32): v128 {
    if (!axis.small) return Coordinates.toInt(xf);
    const x = padding == ZEROS ? f32x4.pmin(axis.size, f32x4.pmax(xf, f32x4.splat(-2))) : xf;
    return Coordinates.roundSmall(x);
  }

  /** One point's four taps (addresses and weights in the lanes at `lane`) into the tile at t. */
  @inline static samplePoint(lane: usize, t: usize, pixel: i32): void {
    const aNw = load<u32>(lane);
    const aNe = load<u32>(lane, LANES);
    const aSw = load<u32>(lane, 2 * LANES);
    const aSe = load<u32>(lane, 3 * LANES);
    const wNw = v128.load32_splat(lane, 4 * LANES);
    const wNe = v128.load32_splat(lane, 5 * LANES);
    const wSw = v128.load32_splat(lane, 6 * LANES);
    const wSe = v128.load32_splat(lane, 7 * LANES);
    for (let k = 0; k < pixel; k += 16) {
      const top = f32x4.add(f32x4.mul(v128.load(aNw + k), wNw), f32x4.mul(v128.load(aNe + k), wNe));
      const left = f32x4.add(top, f32x4.mul(v128.load(aSw + k), wSw));
      v128.store(t + k, f32x4.add(left, f32x4.mul(v128.load(aSe + k), wSe)));
    }
  }

  /** The first four channels of one point's four taps (addresses and weights in the lanes at `lane`). */
  @inline static sum4(lane: usize): v128 {
    const nw = f32x4.mul(v128.load(load<u32>(lane)), v128.load32_splat(lane, 4 * LANES));
    const ne = f32x4.mul(v128.load(load<u32>(lane, LANES)), v128.load32_splat(lane, 5 * LANES));
    const sw = f32x4.mul(v128.load(load<u32>(lane, 2 * LANES)), v128.load32_splat(lane, 6 * LANES));
    const se = f32x4.mul(v128.load(load<u32>(lane, 3 * LANES)), v128.load32_splat(lane, 7 * LANES));
    return f32x4.add(f32x4.add(f32x4.add(nw, ne), sw), se);
  }
}
