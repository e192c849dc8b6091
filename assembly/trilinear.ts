// 3-D (trilinear) grid_sample: per block of four output points the eight corner addresses and
// weights are computed once in SIMD lanes; each point then sums its corners over all channels, four
// channels per f32x4 op, in the reference's order (src/cpu/grid-sample-3d.ts, trilinear.ts).
import { Axis, Coordinates } from './coordinates';
import { Params } from './params';
import { AXES_OFFSET, BLOCK, LANES, TILE_OFFSET, writeTile } from './tile';

// scratch: per-point address of corner k (bit 0 x, bit 1 y, bit 2 z) at k LANES, its weight at
// (8 + k) LANES
/** The kernel and its helpers (inlined: AssemblyScript's @inline works on methods). */
export class Trilinear {
  static sample(p: Params, start: i32, end: i32, scratch: usize, source: usize, firstBatch: i32): void {
    const align = p.alignCorners != 0;
    const padding = p.padding;
    const xAxis = Axis.at(scratch + AXES_OFFSET, p.inW, align);
    const yAxis = Axis.at(scratch + AXES_OFFSET + 128, p.inH, align);
    const zAxis = Axis.at(scratch + AXES_OFFSET + 256, p.inD, align);
    const pixel = p.pixelStride << 2;
    const row = pixel * p.inW;
    const plane = row * p.inH;
    const outVolume = p.outD * p.outH * p.outW;
    const tile = scratch + TILE_OFFSET;
    const zero = i32x4.splat(<i32>p.zero);
    let q = start;
    while (q < end) {
      const b = q / outVolume;
      const batchEnd = min(end, (b + 1) * outVolume);
      const base = i32x4.splat(<i32>(source + <usize>(b - firstBatch) * plane * p.inD));
      while (q < batchEnd) {
        const count = min(BLOCK, batchEnd - q);
        for (let g = 0; g < count; g += 4) {
          const grid = p.grid + <usize>(q + g) * 12;
          const lane = scratch + ((<usize>g) << 2);
          Trilinear.corners(grid, xAxis, yAxis, zAxis, padding, align, base, pixel, row, plane, zero, lane);
        }
        for (let i = 0; i < count; i++)
          Trilinear.samplePoint(scratch + ((<usize>i) << 2), tile + <usize>i * pixel, pixel);
        writeTile(p, tile, b, q, count);
        q += count;
      }
    }
  }

  /** The eight corner addresses and weights of four grid points (at g) into the lanes at `lane`. */
  @inline static corners(
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
    const one = f32x4.splat(1);
    const oneInt = i32x4.splat(1);
    const gx = Coordinates.gridX3(grid);
    const gy = Coordinates.gridY3(grid);
    const gz = Coordinates.gridZ3(grid);
    const valid = v128.and(v128.and(Coordinates.notNaN(gx), Coordinates.notNaN(gy)), Coordinates.notNaN(gz)); // NaN samples nothing
    const x = Coordinates.sourceIndex(gx, xAxis, padding, align);
    const y = Coordinates.sourceIndex(gy, yAxis, padding, align);
    const z = Coordinates.sourceIndex(gz, zAxis, padding, align);
    const xf = f32x4.floor(x);
    const yf = f32x4.floor(y);
    const zf = f32x4.floor(z);
    // distances to the far and near faces, (x0 + 1) - x and x - x0. x0 + 1 is exact unless
    // x0 = 2^24, where every corner is outside and the weights meet only zeros.
    const west = f32x4.sub(f32x4.add(xf, one), x);
    const east = f32x4.sub(x, xf);
    const north = f32x4.sub(f32x4.add(yf, one), y);
    const south = f32x4.sub(y, yf);
    const top = f32x4.sub(f32x4.add(zf, one), z);
    const bottom = f32x4.sub(z, zf);
    const nw = f32x4.mul(west, north);
    const ne = f32x4.mul(east, north);
    const sw = f32x4.mul(west, south);
    const se = f32x4.mul(east, south);
    v128.store(lane, v128.and(f32x4.mul(nw, top), valid), 8 * LANES);
    v128.store(lane, v128.and(f32x4.mul(ne, top), valid), 9 * LANES);
    v128.store(lane, v128.and(f32x4.mul(sw, top), valid), 10 * LANES);
    v128.store(lane, v128.and(f32x4.mul(se, top), valid), 11 * LANES);
    v128.store(lane, v128.and(f32x4.mul(nw, bottom), valid), 12 * LANES);
    v128.store(lane, v128.and(f32x4.mul(ne, bottom), valid), 13 * LANES);
    v128.store(lane, v128.and(f32x4.mul(sw, bottom), valid), 14 * LANES);
    v128.store(lane, v128.and(f32x4.mul(se, bottom), valid), 15 * LANES);
    const x0 = Coordinates.toInt(xf);
    const y0 = Coordinates.toInt(yf);
    const z0 = Coordinates.toInt(zf);
    const inX0 = Coordinates.inRange(x0, xAxis);
    const inX1 = Coordinates.inRange(i32x4.add(x0, oneInt), xAxis);
    const inY0 = Coordinates.inRange(y0, yAxis);
    const inY1 = Coordinates.inRange(i32x4.add(y0, oneInt), yAxis);
    const inZ0 = v128.and(Coordinates.inRange(z0, zAxis), valid);
    const inZ1 = v128.and(Coordinates.inRange(i32x4.add(z0, oneInt), zAxis), valid);
    const corner = i32x4.add(
      base,
      i32x4.add(
        i32x4.mul(z0, i32x4.splat(plane)),
        i32x4.add(i32x4.mul(y0, i32x4.splat(row)), i32x4.mul(x0, i32x4.splat(pixel))),
      ),
    );
    for (let k = 0; k < 8; k++) {
      const dx = k & 1;
      const dy = (k >> 1) & 1;
      const dz = k >> 2;
      const at = i32x4.add(corner, i32x4.splat(dz * plane + dy * row + dx * pixel));
      const inside = v128.and(v128.and(dx ? inX1 : inX0, dy ? inY1 : inY0), dz ? inZ1 : inZ0);
      v128.store(lane + <usize>k * LANES, v128.bitselect(at, zero, inside));
    }
  }

  /**
   * One point's eight corners into the tile: 0 + each corner's product in corner order, as the
   * reference sums. The reference skips corners outside; here they read the zero pixel and add +0,
   * which leaves the sum unchanged (it starts at +0 and can never become -0).
   */
  @inline static samplePoint(lane: usize, t: usize, pixel: i32): void {
    const a0 = load<u32>(lane);
    const a1 = load<u32>(lane, LANES);
    const a2 = load<u32>(lane, 2 * LANES);
    const a3 = load<u32>(lane, 3 * LANES);
    const a4 = load<u32>(lane, 4 * LANES);
    const a5 = load<u32>(lane, 5 * LANES);
    const a6 = load<u32>(lane, 6 * LANES);
    const a7 = load<u32>(lane, 7 * LANES);
    const w0 = v128.load32_splat(lane, 8 * LANES);
    const w1 = v128.load32_splat(lane, 9 * LANES);
    const w2 = v128.load32_splat(lane, 10 * LANES);
    const w3 = v128.load32_splat(lane, 11 * LANES);
    const w4 = v128.load32_splat(lane, 12 * LANES);
    const w5 = v128.load32_splat(lane, 13 * LANES);
    const w6 = v128.load32_splat(lane, 14 * LANES);
    const w7 = v128.load32_splat(lane, 15 * LANES);
    for (let k = 0; k < pixel; k += 16) {
      let sum = f32x4.add(f32x4.splat(0), f32x4.mul(v128.load(a0 + k), w0));
      sum = f32x4.add(sum, f32x4.mul(v128.load(a1 + k), w1));
      sum = f32x4.add(sum, f32x4.mul(v128.load(a2 + k), w2));
      sum = f32x4.add(sum, f32x4.mul(v128.load(a3 + k), w3));
      sum = f32x4.add(sum, f32x4.mul(v128.load(a4 + k), w4));
      sum = f32x4.add(sum, f32x4.mul(v128.load(a5 + k), w5));
      sum = f32x4.add(sum, f32x4.mul(v128.load(a6 + k), w6));
      v128.store(t + k, f32x4.add(sum, f32x4.mul(v128.load(a7 + k), w7)));
    }
  }
}
