// Nearest-neighbour grid_sample, 2-D and 3-D: per block the rounded source pixel of every point is
// found in SIMD lanes (round half to even, as std::nearbyint), then each point copies its pixel's
// channels. A point outside the input or with a NaN coordinate reads the zero pixel.
import { Coordinates } from './coordinates';
import { Params } from './params';
import { BLOCK, TILE_OFFSET, writeTile } from './tile';

// scratch: per-point source pixel addresses at 0
/** The kernel and its helpers (inlined: AssemblyScript's @inline works on methods). */
export class Nearest {
  static sample(p: Params, start: i32, end: i32, scratch: usize, source: usize, firstBatch: i32): void {
    const pixel = p.pixelStride << 2;
    const outVolume = p.outD * p.outH * p.outW;
    const tile = scratch + TILE_OFFSET;
    const stride = p.spatialDims == 3 ? 12 : 8; // grid bytes per point
    let q = start;
    while (q < end) {
      const b = q / outVolume;
      const batchEnd = min(end, (b + 1) * outVolume);
      const base = source + <usize>(b - firstBatch) * pixel * p.inW * p.inH * p.inD;
      while (q < batchEnd) {
        const count = min(BLOCK, batchEnd - q);
        for (let g = 0; g < count; g += 4) {
          Nearest.pixels(p, p.grid + <usize>(q + g) * stride, base, scratch + ((<usize>g) << 2));
        }
        for (let i = 0; i < count; i++) {
          const from = load<u32>(scratch + ((<usize>i) << 2));
          const t = tile + <usize>i * pixel;
          for (let k = 0; k < pixel; k += 16) v128.store(t + k, v128.load(from + k));
        }
        writeTile(p, tile, b, q, count);
        q += count;
      }
    }
  }

  /** The source pixel addresses of four grid points (at g) into the scratch lanes at `lane`. */
  @inline static pixels(p: Params, g: usize, base: usize, lane: usize): void {
    const W = p.inW;
    const H = p.inH;
    const D = p.inD;
    const padding = p.padding;
    const align = p.alignCorners != 0;
    const pixel = p.pixelStride << 2;
    const row = pixel * W;
    let ix: v128, iy: v128, iz: v128, valid: v128;
    if (p.spatialDims == 3) {
      const gx = Coordinates.gridX3(g);
      const gy = Coordinates.gridY3(g);
      const gz = Coordinates.gridZ3(g);
      valid = v128.and(v128.and(Coordinates.notNaN(gx), Coordinates.notNaN(gy)), Coordinates.notNaN(gz));
      ix = Coordinates.toInt(f32x4.nearest(Coordinates.sourceIndex(gx, W, padding, align)));
      iy = Coordinates.toInt(f32x4.nearest(Coordinates.sourceIndex(gy, H, padding, align)));
      iz = Coordinates.toInt(f32x4.nearest(Coordinates.sourceIndex(gz, D, padding, align)));
      valid = v128.and(valid, Coordinates.inRange(iz, D));
    } else {
      const gx = Coordinates.gridX2(g);
      const gy = Coordinates.gridY2(g);
      valid = v128.and(Coordinates.notNaN(gx), Coordinates.notNaN(gy));
      ix = Coordinates.toInt(f32x4.nearest(Coordinates.sourceIndex(gx, W, padding, align)));
      iy = Coordinates.toInt(f32x4.nearest(Coordinates.sourceIndex(gy, H, padding, align)));
      iz = i32x4.splat(0);
    }
    valid = v128.and(valid, v128.and(Coordinates.inRange(ix, W), Coordinates.inRange(iy, H)));
    const offset = i32x4.add(
      i32x4.mul(iz, i32x4.splat(row * H)),
      i32x4.add(i32x4.mul(iy, i32x4.splat(row)), i32x4.mul(ix, i32x4.splat(pixel))),
    );
    v128.store(lane, v128.bitselect(i32x4.add(i32x4.splat(<i32>base), offset), i32x4.splat(<i32>p.zero), valid));
  }
}
