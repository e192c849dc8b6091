// The input copied into the kernels' layout, channels last ([N, spatial, C], C floats per pixel),
// from channels first. Each call packs the pixels [start, end) counted over N x spatial; it writes
// exactly their C floats each, so threads packing neighbouring ranges never write the same bytes.

/** Channels-first input [N, C, P] (P pixels per plane) to [N, P, C]: 4 x 4 blocks transposed. */
export function packChannelsFirst(src: usize, dst: usize, C: i32, P: i32, start: i32, end: i32): void {
  const planeBytes = (<usize>P) << 2;
  const pixelBytes = (<usize>C) << 2;
  let q = start;
  while (q < end) {
    const b = q / P;
    const batchEnd = min(end, (b + 1) * P);
    let from = src + ((<usize>b * C * P + (q - b * P)) << 2);
    // three channels (RGB): four pixels are exactly three vectors
    if (C == 3) {
      for (; q + 4 <= batchEnd; q += 4, from += 16) {
        const to = dst + <usize>q * 12;
        const c0 = v128.load(from);
        const c1 = v128.load(from + planeBytes);
        const c2 = v128.load(from + 2 * planeBytes);
        // pixels 0-3 of channels r (c0), g (c1), b (c2): r0 g0 b0 r1 | g1 b1 r2 g2 | b2 r3 g3 b3
        v128.store(to, i32x4.shuffle(i32x4.shuffle(c0, c1, 0, 4, 0, 1), c2, 0, 1, 4, 3));
        v128.store(to, i32x4.shuffle(i32x4.shuffle(c1, c2, 1, 5, 2, 2), c0, 0, 1, 6, 2), 16);
        v128.store(to, i32x4.shuffle(c2, i32x4.shuffle(c0, c1, 3, 7, 3, 3), 2, 4, 5, 3), 32);
      }
    }
    for (; q + 4 <= batchEnd; q += 4, from += 16) {
      const to = dst + <usize>q * pixelBytes;
      for (let k = 0; k < C; k += 4) {
        const channels = C - k;
        const plane = from + <usize>k * planeBytes;
        const c0 = v128.load(plane);
        const c1 = channels > 1 ? v128.load(plane + planeBytes) : i32x4.splat(0);
        const c2 = channels > 2 ? v128.load(plane + 2 * planeBytes) : i32x4.splat(0);
        const c3 = channels > 3 ? v128.load(plane + 3 * planeBytes) : i32x4.splat(0);
        const t0 = i32x4.shuffle(c0, c1, 0, 4, 1, 5);
        const t1 = i32x4.shuffle(c2, c3, 0, 4, 1, 5);
        const t2 = i32x4.shuffle(c0, c1, 2, 6, 3, 7);
        const t3 = i32x4.shuffle(c2, c3, 2, 6, 3, 7);
        const at = to + ((<usize>k) << 2);
        storeChannels(at, i32x4.shuffle(t0, t1, 0, 1, 4, 5), channels);
        storeChannels(at + pixelBytes, i32x4.shuffle(t0, t1, 2, 3, 6, 7), channels);
        storeChannels(at + 2 * pixelBytes, i32x4.shuffle(t2, t3, 0, 1, 4, 5), channels);
        storeChannels(at + 3 * pixelBytes, i32x4.shuffle(t2, t3, 2, 3, 6, 7), channels);
      }
    }
    for (; q < batchEnd; q++, from += 4) {
      const to = dst + <usize>q * pixelBytes;
      for (let c = 0; c < C; c++) store<f32>(to + ((<usize>c) << 2), load<f32>(from + <usize>c * planeBytes));
    }
  }
}

/** The first min(4, channels) lanes of v at ptr. */
function storeChannels(ptr: usize, v: v128, channels: i32): void {
  if (channels >= 4) v128.store(ptr, v);
  else if (channels == 3) {
    v128.store64_lane(ptr, v, 0);
    v128.store32_lane(ptr, v, 2, 8);
  } else if (channels == 2) v128.store64_lane(ptr, v, 0);
  else v128.store32_lane(ptr, v, 0);
}
