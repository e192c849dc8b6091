// The per-thread tile: the C channels of one block of output points, `pixelStride` (= C) floats per
// point, written out to the output in its layout. The kernels fill it four channels at a time in
// point order, so a point's last group may spill garbage into the next point's first channels, which
// that point then overwrites. Channels first: each group of four points and four channels is
// transposed so that four neighbouring points of one channel are stored at once.
import { Params } from './params';

/**
 * Output points per block. The kernels compute the taps of a whole block first (SIMD, four points at
 * a time) and then gather them: the block's cache misses are then in flight together.
 */
export const BLOCK = 64;

/** Bytes between the per-point arrays of one address or weight in the scratch. */
export const LANES: usize = BLOCK * 4;

/** Scratch bytes of the kernels' per-point addresses and weights (bicubic: 16 + 8 arrays). */
const LANE_ARRAYS: usize = 24 * LANES;

/** Where the Axis constants of x, y and z lie in the scratch (coordinates.ts), 128 bytes apart. */
export const AXES_OFFSET: usize = LANE_ARRAYS;

/** Scratch bytes before the tile. */
export const TILE_OFFSET: usize = AXES_OFFSET + 3 * 128;

/** Scratch bytes a thread needs (the host allocates them; src/wasm/plan.ts). */
export function scratchBytes(pixelStride: i32): usize {
  // points are written four channels at a time: the last may spill 12 bytes past the tile
  return TILE_OFFSET + <usize>BLOCK * ((<usize>pixelStride) << 2) + 16;
}

/** A block's results (tile) to the output: points q .. q + count - 1 (count <= BLOCK), batch item b. */
export function writeTile(p: Params, tile: usize, b: i32, q: i32, count: i32): void {
  const C = p.c;
  const stride = <usize>(p.pixelStride << 2);
  if (p.channelsLastOut != 0) {
    let out = p.output + ((<usize>q * C) << 2);
    for (let i = 0; i < count; i++, out += C << 2) {
      const t = tile + <usize>i * stride;
      let k = 0;
      for (; k + 4 <= C; k += 4) v128.store(out + (k << 2), v128.load(t + (k << 2)));
      if (k < C) storeLanes(out + (k << 2), v128.load(t + (k << 2)), C - k);
    }
    return;
  }
  const outPlane = p.outD * p.outH * p.outW;
  const planeBytes = (<usize>outPlane) << 2;
  const first = <usize>q - <usize>b * outPlane; // point within its batch item
  const out = p.output + ((<usize>b * C * outPlane + first) << 2);
  for (let g = 0; g < count; g += 4) {
    writeGroup(tile + <usize>g * stride, stride, out + ((<usize>g) << 2), planeBytes, C, min(4, count - g));
  }
}

/** Four points (tile rows, `stride` bytes apart) to channels-first planes `planeBytes` apart. */
function writeGroup(tile: usize, stride: usize, out: usize, planeBytes: usize, C: i32, count: i32): void {
  for (let k = 0; k < C; k += 4, out += planeBytes << 2, tile += 16) {
    Transpose.rows(tile, tile + stride, tile + 2 * stride, tile + 3 * stride, out, planeBytes, min(4, C - k), count);
  }
}

/** Four points' channels into channels-first planes (inlined: AssemblyScript's @inline works on methods). */
export class Transpose {
  /**
   * Four points' first four channels (16 bytes at r0 .. r3) to `channels` (1-4) channels-first
   * planes `planeBytes` apart, `count` (1-4) points at `out` in each.
   */
  @inline static rows(
    r0: usize,
    r1: usize,
    r2: usize,
    r3: usize,
    out: usize,
    planeBytes: usize,
    channels: i32,
    count: i32,
  ): void {
    Transpose.vectors(v128.load(r0), v128.load(r1), v128.load(r2), v128.load(r3), out, planeBytes, channels, count);
  }

  /** Transpose.rows of four points' channels held in vectors p0 .. p3. */
  @inline static vectors(
    p0: v128,
    p1: v128,
    p2: v128,
    p3: v128,
    out: usize,
    planeBytes: usize,
    channels: i32,
    count: i32,
  ): void {
    const t0 = i32x4.shuffle(p0, p1, 0, 4, 1, 5);
    const t1 = i32x4.shuffle(p2, p3, 0, 4, 1, 5);
    const t2 = i32x4.shuffle(p0, p1, 2, 6, 3, 7);
    const t3 = i32x4.shuffle(p2, p3, 2, 6, 3, 7);
    storePoints(out, i32x4.shuffle(t0, t1, 0, 1, 4, 5), count);
    if (channels > 1) storePoints(out + planeBytes, i32x4.shuffle(t0, t1, 2, 3, 6, 7), count);
    if (channels > 2) storePoints(out + 2 * planeBytes, i32x4.shuffle(t2, t3, 0, 1, 4, 5), count);
    if (channels > 3) storePoints(out + 3 * planeBytes, i32x4.shuffle(t2, t3, 2, 3, 6, 7), count);
  }
}

/** The first `count` (1-4) lanes of v at ptr. */
function storePoints(ptr: usize, v: v128, count: i32): void {
  if (count == 4) v128.store(ptr, v);
  else storeLanes(ptr, v, count);
}

function storeLanes(ptr: usize, v: v128, count: i32): void {
  if (count >= 2) v128.store64_lane(ptr, v, 0);
  else v128.store32_lane(ptr, v, 0);
  if (count == 3) v128.store32_lane(ptr, v, 2, 8);
}
