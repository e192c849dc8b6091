// The input copied into the kernels' layout: channels last, `stride` floats per pixel (C rounded up
// to 4), the lanes past C zero. Each call packs the pixels [start, end) counted over N x spatial.

/** Channels-first input [N, C, P] (P pixels per plane) to [N, P, stride]: 4 x 4 blocks transposed. */
export function packChannelsFirst(src: usize, dst: usize, C: i32, P: i32, stride: i32, start: i32, end: i32): void {
  const planeBytes = (<usize>P) << 2;
  let q = start;
  while (q < end) {
    const b = q / P;
    const batchEnd = min(end, (b + 1) * P);
    let from = src + ((<usize>b * C * P + (q - b * P)) << 2);
    for (; q + 4 <= batchEnd; q += 4, from += 16) {
      const to = dst + ((<usize>q * stride) << 2);
      for (let k = 0; k < stride; k += 4) {
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
        const lane = (<usize>k) << 2;
        v128.store(to + lane, i32x4.shuffle(t0, t1, 0, 1, 4, 5));
        v128.store(to + (stride << 2) + lane, i32x4.shuffle(t0, t1, 2, 3, 6, 7));
        v128.store(to + (stride << 3) + lane, i32x4.shuffle(t2, t3, 0, 1, 4, 5));
        v128.store(to + 12 * stride + lane, i32x4.shuffle(t2, t3, 2, 3, 6, 7));
      }
    }
    for (; q < batchEnd; q++, from += 4) {
      const to = dst + ((<usize>q * stride) << 2);
      for (let c = 0; c < stride; c++) {
        store<f32>(to + (c << 2), c < C ? load<f32>(from + <usize>c * planeBytes) : 0);
      }
    }
  }
}

/** Channels-last input [N, P, C] to [N, P, stride]. Reads up to 3 floats past the input's end. */
export function packChannelsLast(src: usize, dst: usize, C: i32, stride: i32, start: i32, end: i32): void {
  const tail = C & 3;
  const keep = i32x4.lt_s(i32x4(0, 1, 2, 3), i32x4.splat(tail == 0 ? 4 : tail));
  for (let q = start; q < end; q++) {
    const from = src + ((<usize>q * C) << 2);
    const to = dst + ((<usize>q * stride) << 2);
    let k = 0;
    for (; k + 4 < stride; k += 4) v128.store(to + (k << 2), v128.load(from + (k << 2)));
    v128.store(to + (k << 2), v128.and(v128.load(from + (k << 2)), keep));
  }
}
