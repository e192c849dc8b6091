// 2-D bilinear grid_sample: per block of four output points the coordinates, taps and weights are
// computed once in SIMD lanes, then each point sums its four taps over all channels, four channels
// per f32x4 op, in the reference's order: ((nw + ne) + sw) + se (src/cpu/grid-sample-2d.ts).
import { gridX2, gridY2, inRange, notNaN, sourceIndex, toInt } from './coordinates';
import { Params } from './params';
import { TILE_OFFSET, writeTile } from './tile';

// scratch: tap addresses nw, ne, sw, se (4 x 4 lanes) at 0, their weights at 64
export function bilinear2d(p: Params, start: i32, end: i32, scratch: usize): void {
  const W = p.inW;
  const H = p.inH;
  const padding = p.padding;
  const align = p.alignCorners != 0;
  const pixel = p.pixelStride << 2;
  const row = pixel * W;
  const outPlane = p.outH * p.outW;
  const tile = scratch + TILE_OFFSET;
  const one = f32x4.splat(1);
  const zero = i32x4.splat(<i32>p.zero);
  let q = start;
  while (q < end) {
    const b = q / outPlane;
    const batchEnd = min(end, (b + 1) * outPlane);
    const base = i32x4.splat(<i32>p.source + b * row * H);
    while (q < batchEnd) {
      const count = min(4, batchEnd - q);
      const g = p.grid + ((<usize>q) << 3);
      const gx = gridX2(g);
      const gy = gridY2(g);
      const valid = v128.and(notNaN(gx), notNaN(gy)); // a NaN coordinate samples nothing
      const x = sourceIndex(gx, W, padding, align);
      const y = sourceIndex(gy, H, padding, align);
      const xf = f32x4.floor(x);
      const yf = f32x4.floor(y);
      const east = f32x4.sub(x, xf);
      const west = f32x4.sub(one, east);
      const south = f32x4.sub(y, yf);
      const north = f32x4.sub(one, south);
      v128.store(scratch, v128.and(f32x4.mul(north, west), valid), 64);
      v128.store(scratch, v128.and(f32x4.mul(north, east), valid), 80);
      v128.store(scratch, v128.and(f32x4.mul(south, west), valid), 96);
      v128.store(scratch, v128.and(f32x4.mul(south, east), valid), 112);
      const x0 = toInt(xf);
      const y0 = toInt(yf);
      const inX0 = inRange(x0, W);
      const inX1 = inRange(i32x4.add(x0, i32x4.splat(1)), W);
      const inY0 = v128.and(inRange(y0, H), valid);
      const inY1 = v128.and(inRange(i32x4.add(y0, i32x4.splat(1)), H), valid);
      const nw = i32x4.add(base, i32x4.add(i32x4.mul(y0, i32x4.splat(row)), i32x4.mul(x0, i32x4.splat(pixel))));
      const sw = i32x4.add(nw, i32x4.splat(row));
      v128.store(scratch, v128.bitselect(nw, zero, v128.and(inY0, inX0)), 0);
      v128.store(scratch, v128.bitselect(i32x4.add(nw, i32x4.splat(pixel)), zero, v128.and(inY0, inX1)), 16);
      v128.store(scratch, v128.bitselect(sw, zero, v128.and(inY1, inX0)), 32);
      v128.store(scratch, v128.bitselect(i32x4.add(sw, i32x4.splat(pixel)), zero, v128.and(inY1, inX1)), 48);
      for (let i = 0; i < count; i++) {
        const lane = scratch + (i << 2);
        const aNw = load<u32>(lane);
        const aNe = load<u32>(lane, 16);
        const aSw = load<u32>(lane, 32);
        const aSe = load<u32>(lane, 48);
        const wNw = v128.load32_splat(lane, 64);
        const wNe = v128.load32_splat(lane, 80);
        const wSw = v128.load32_splat(lane, 96);
        const wSe = v128.load32_splat(lane, 112);
        const t = tile + i * pixel;
        for (let k = 0; k < pixel; k += 16) {
          const top = f32x4.add(f32x4.mul(v128.load(aNw + k), wNw), f32x4.mul(v128.load(aNe + k), wNe));
          const left = f32x4.add(top, f32x4.mul(v128.load(aSw + k), wSw));
          v128.store(t + k, f32x4.add(left, f32x4.mul(v128.load(aSe + k), wSe)));
        }
      }
      writeTile(p, tile, b, q, count);
      q += count;
    }
  }
}
