// 2-D bicubic grid_sample: per block of four output points the sixteen tap addresses (padding
// applied to each tap) and the separable weights are computed once in SIMD lanes; each point then
// sums rows of four taps and the four rows, four channels per f32x4 op, in the reference's order
// (src/cpu/grid-sample-2d.ts bicubic, PyTorch's cubic_convolution1/2).
import { gridX2, gridY2, inRange, notNaN, pad, toInt, unnormalize } from './coordinates';
import { Params } from './params';
import { TILE_OFFSET, writeTile } from './tile';

const A: f32 = -0.75;

/** cubic_convolution1: ((A + 2) * x - (A + 3)) * x * x + 1. */
function cubic1(x: v128): v128 {
  const t = f32x4.sub(f32x4.mul(f32x4.splat(A + 2), x), f32x4.splat(A + 3));
  return f32x4.add(f32x4.mul(f32x4.mul(t, x), x), f32x4.splat(1));
}

/** cubic_convolution2: ((A * x - 5A) * x + 8A) * x - 4A. */
function cubic2(x: v128): v128 {
  const t = f32x4.add(f32x4.mul(f32x4.sub(f32x4.mul(f32x4.splat(A), x), f32x4.splat(5 * A)), x), f32x4.splat(8 * A));
  return f32x4.sub(f32x4.mul(t, x), f32x4.splat(4 * A));
}

/** The four weights of fractional offset t (taps -1, 0, 1, 2) at scratch + at, NaN lanes zeroed. */
function storeCoefficients(at: usize, t: v128, valid: v128): void {
  const one = f32x4.splat(1);
  v128.store(at, v128.and(cubic2(f32x4.add(t, one)), valid));
  v128.store(at, v128.and(cubic1(t), valid), 16);
  v128.store(at, v128.and(cubic1(f32x4.sub(one, t)), valid), 32);
  v128.store(at, v128.and(cubic2(f32x4.sub(f32x4.splat(2), t)), valid), 48);
}

/** The padded integer tap i0 + d (d in -1 .. 2), as PyTorch casts it: truncated. */
function tap(i0: v128, d: i32, size: i32, padding: i32, align: bool): v128 {
  return toInt(pad(f32x4.convert_i32x4_s(i32x4.add(i0, i32x4.splat(d))), size, padding, align));
}

// scratch: 16 tap addresses, row-major (row j, column i at (4j + i) * 16), at 0; x weights at 256,
// y weights at 320
export function bicubic2d(p: Params, start: i32, end: i32, scratch: usize): void {
  const W = p.inW;
  const H = p.inH;
  const padding = p.padding;
  const align = p.alignCorners != 0;
  const pixel = p.pixelStride << 2;
  const row = pixel * W;
  const outPlane = p.outH * p.outW;
  const tile = scratch + TILE_OFFSET;
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
      const valid = v128.and(notNaN(gx), notNaN(gy));
      const x = unnormalize(gx, W, align);
      const y = unnormalize(gy, H, align);
      const xf = f32x4.floor(x);
      const yf = f32x4.floor(y);
      storeCoefficients(scratch + 256, f32x4.sub(x, xf), valid);
      storeCoefficients(scratch + 320, f32x4.sub(y, yf), valid);
      const x0 = toInt(xf);
      const y0 = toInt(yf);
      const c0 = tap(x0, -1, W, padding, align);
      const c1 = tap(x0, 0, W, padding, align);
      const c2 = tap(x0, 1, W, padding, align);
      const c3 = tap(x0, 2, W, padding, align);
      const in0 = inRange(c0, W);
      const in1 = inRange(c1, W);
      const in2 = inRange(c2, W);
      const in3 = inRange(c3, W);
      const col0 = i32x4.mul(c0, i32x4.splat(pixel));
      const col1 = i32x4.mul(c1, i32x4.splat(pixel));
      const col2 = i32x4.mul(c2, i32x4.splat(pixel));
      const col3 = i32x4.mul(c3, i32x4.splat(pixel));
      for (let j = 0; j < 4; j++) {
        const r = tap(y0, j - 1, H, padding, align);
        const inRow = v128.and(inRange(r, H), valid);
        const rowStart = i32x4.add(base, i32x4.mul(r, i32x4.splat(row)));
        const at = scratch + ((<usize>j) << 6);
        v128.store(at, v128.bitselect(i32x4.add(rowStart, col0), zero, v128.and(inRow, in0)));
        v128.store(at, v128.bitselect(i32x4.add(rowStart, col1), zero, v128.and(inRow, in1)), 16);
        v128.store(at, v128.bitselect(i32x4.add(rowStart, col2), zero, v128.and(inRow, in2)), 32);
        v128.store(at, v128.bitselect(i32x4.add(rowStart, col3), zero, v128.and(inRow, in3)), 48);
      }
      for (let i = 0; i < count; i++) samplePoint(scratch + ((<usize>i) << 2), tile + <usize>i * pixel, pixel);
      writeTile(p, tile, b, q, count);
      q += count;
    }
  }
}

/** One point's sixteen taps (addresses at lane + 16k, weights at lane + 256 / 320) into the tile. */
function samplePoint(lane: usize, t: usize, pixel: i32): void {
  const wx0 = v128.load32_splat(lane, 256);
  const wx1 = v128.load32_splat(lane, 272);
  const wx2 = v128.load32_splat(lane, 288);
  const wx3 = v128.load32_splat(lane, 304);
  const wy0 = v128.load32_splat(lane, 320);
  const wy1 = v128.load32_splat(lane, 336);
  const wy2 = v128.load32_splat(lane, 352);
  const wy3 = v128.load32_splat(lane, 368);
  for (let k = 0; k < pixel; k += 16) {
    let sum = f32x4.mul(wy0, rowSum(lane, k, wx0, wx1, wx2, wx3));
    sum = f32x4.add(sum, f32x4.mul(wy1, rowSum(lane + 64, k, wx0, wx1, wx2, wx3)));
    sum = f32x4.add(sum, f32x4.mul(wy2, rowSum(lane + 128, k, wx0, wx1, wx2, wx3)));
    sum = f32x4.add(sum, f32x4.mul(wy3, rowSum(lane + 192, k, wx0, wx1, wx2, wx3)));
    v128.store(t + k, sum);
  }
}

/** ((w0 v0 + w1 v1) + w2 v2) + w3 v3 over the four taps of one row (addresses at lane + 16i). */
function rowSum(lane: usize, k: i32, w0: v128, w1: v128, w2: v128, w3: v128): v128 {
  let sum = f32x4.mul(w0, v128.load(load<u32>(lane) + k));
  sum = f32x4.add(sum, f32x4.mul(w1, v128.load(load<u32>(lane, 16) + k)));
  sum = f32x4.add(sum, f32x4.mul(w2, v128.load(load<u32>(lane, 32) + k)));
  return f32x4.add(sum, f32x4.mul(w3, v128.load(load<u32>(lane, 48) + k)));
}
