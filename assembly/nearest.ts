// Nearest-neighbour grid_sample, 2-D and 3-D: per block of four output points the rounded source
// pixel is found in SIMD lanes (round half to even, as std::nearbyint), then each point copies its
// pixel's channels. A point outside the input or with a NaN coordinate reads the zero pixel.
import { gridX2, gridX3, gridY2, gridY3, gridZ3, inRange, notNaN, sourceIndex, toInt } from './coordinates';
import { Params } from './params';
import { TILE_OFFSET, writeTile } from './tile';

// scratch: source pixel addresses (4 lanes) at 0
export function nearest(p: Params, start: i32, end: i32, scratch: usize): void {
  const W = p.inW;
  const H = p.inH;
  const D = p.inD;
  const volume = p.spatialDims == 3;
  const padding = p.padding;
  const align = p.alignCorners != 0;
  const pixel = p.pixelStride << 2;
  const row = pixel * W;
  const plane = row * H;
  const outVolume = p.outD * p.outH * p.outW;
  const tile = scratch + TILE_OFFSET;
  const zero = i32x4.splat(<i32>p.zero);
  let q = start;
  while (q < end) {
    const b = q / outVolume;
    const batchEnd = min(end, (b + 1) * outVolume);
    const base = i32x4.splat(<i32>p.source + b * plane * D);
    while (q < batchEnd) {
      const count = min(4, batchEnd - q);
      let ix: v128, iy: v128, iz: v128, valid: v128;
      if (volume) {
        const g = p.grid + <usize>q * 12;
        const gx = gridX3(g);
        const gy = gridY3(g);
        const gz = gridZ3(g);
        valid = v128.and(v128.and(notNaN(gx), notNaN(gy)), notNaN(gz));
        ix = toInt(f32x4.nearest(sourceIndex(gx, W, padding, align)));
        iy = toInt(f32x4.nearest(sourceIndex(gy, H, padding, align)));
        iz = toInt(f32x4.nearest(sourceIndex(gz, D, padding, align)));
        valid = v128.and(valid, inRange(iz, D));
      } else {
        const g = p.grid + ((<usize>q) << 3);
        const gx = gridX2(g);
        const gy = gridY2(g);
        valid = v128.and(notNaN(gx), notNaN(gy));
        ix = toInt(f32x4.nearest(sourceIndex(gx, W, padding, align)));
        iy = toInt(f32x4.nearest(sourceIndex(gy, H, padding, align)));
        iz = i32x4.splat(0);
      }
      valid = v128.and(valid, v128.and(inRange(ix, W), inRange(iy, H)));
      const offset = i32x4.add(
        i32x4.mul(iz, i32x4.splat(plane)),
        i32x4.add(i32x4.mul(iy, i32x4.splat(row)), i32x4.mul(ix, i32x4.splat(pixel))),
      );
      v128.store(scratch, v128.bitselect(i32x4.add(base, offset), zero, valid));
      for (let i = 0; i < count; i++) {
        const from = load<u32>(scratch + (i << 2));
        const t = tile + <usize>i * pixel;
        for (let k = 0; k < pixel; k += 16) v128.store(t + k, v128.load(from + k));
      }
      writeTile(p, tile, b, q, count);
      q += count;
    }
  }
}
