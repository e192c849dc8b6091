// Multi-scale deformable attention, the twin of src/cpu/ms-deform-attn-reference.ts: the same float32
// operations in the same order, so every output equals the reference's (and PyTorch's) bit for bit.
// PyTorch's fused multiply-adds, fround(a * b + c) in the reference, are f64 multiply-adds demoted to
// f32 here, two channels per f64x2; the other operations are f32, four channels per f32x4.
// A module of its own (compiled from this entry alone, src/wasm/generated/ms-deform-attn-kernel.js),
// small enough for a synchronous compile on a browser's main thread (Chrome allows up to 4 KiB).
//
// Memory, all byte offsets, laid out by src/cpu/ms-deform-attn-wasm.ts:
//   zeros   at least d floats of 0: the taps outside a level read these
//   table   per term of the sum schedule (in its order), 6 i32: term index (l * P + p), byte offset
//           of the row it goes into, 1 if it starts that row, level width, height, first position
//   steps   pairs of byte offsets (into, from): row into += row from, after every term
//   terms   the term rows, d floats each

const LIMIT: f32 = 16777216; // 2^24, COORD_LIMIT of the reference
const TABLE_STRIDE: usize = 24;

/** The arithmetic, inlined (AssemblyScript's @inline works on methods). */
class Fused {
  /** grid_sample's unnormalize (align_corners=False) with PyTorch's AVX2 fused multiply-add, clamped. */
  @inline static unnormalize(coord: f32, size: i32): f32 {
    const g = min(max(coord, -LIMIT), LIMIT);
    const x = <f32>(<f64>(g + 1) * (<f64>size * 0.5) - 0.5);
    return min(max(x, -LIMIT), LIMIT);
  }

  /** fround(acc + tap * weight) on two channels: `acc` and `tap` hold two floats in their low half. */
  @inline static step(acc: v128, tap: v128, weight: v128): v128 {
    const sum = f64x2.add(f64x2.promote_low_f32x4(acc), f64x2.mul(f64x2.promote_low_f32x4(tap), weight));
    return f32x4.demote_f64x2_zero(sum);
  }
}

/**
 * Rows [first, first + rows) of the output, each a (batch, query, head): `locations`, `weights` and
 * `out` hold only these rows; `value` is the whole tensor.
 */
export function attend(
  value: usize,
  locations: usize,
  weights: usize,
  out: usize,
  zeros: usize,
  table: usize,
  terms: i32,
  steps: usize,
  stepCount: i32,
  termRows: usize,
  result: i32,
  first: i32,
  rows: i32,
  heads: i32,
  d: i32,
  queriesTimesHeads: i32,
  positions: i32,
): void {
  const xs = (<usize>(heads * d)) << 2; // bytes between horizontally adjacent value positions
  const d4 = d & ~3;
  for (let r = 0; r < rows; r++) {
    const row = first + r;
    const b = row / queriesTimesHeads;
    const h = row % heads;
    const head = value + <usize>(h * d) * 4;
    for (let k = 0; k < terms; k++) {
      const entry = table + <usize>k * TABLE_STRIDE;
      const term = load<i32>(entry);
      const into = termRows + <usize>load<i32>(entry, 4);
      const starts = load<i32>(entry, 8) != 0;
      const width = load<i32>(entry, 12);
      const height = load<i32>(entry, 16);
      const w = r * terms + term;
      const a = load<f32>(weights + ((<usize>w) << 2));
      const gx = load<f32>(locations + ((<usize>w) << 3));
      const gy = load<f32>(locations + ((<usize>w) << 3), 4);
      let nwTap = zeros;
      let neTap = zeros;
      let swTap = zeros;
      let seTap = zeros;
      let nw: f32 = 0;
      let ne: f32 = 0;
      let sw: f32 = 0;
      let se: f32 = 0;
      // a NaN location samples nothing: every tap 0 (the reference adds 0 * weight; this adds
      // (0 * 0 + ...) * weight, the same up to the sign of a zero, which the output's + 0 erases)
      if (!F32.isNaN(gx) && !F32.isNaN(gy)) {
        const x = Fused.unnormalize(2 * gx - 1, width);
        const y = Fused.unnormalize(2 * gy - 1, height);
        const x0 = <i32>floor(x);
        const y0 = <i32>floor(y);
        const fx = x - <f32>x0;
        const fy = y - <f32>y0;
        const gxr: f32 = 1 - fx;
        const gyr: f32 = 1 - fy;
        nw = gyr * gxr;
        ne = gyr * fx;
        sw = fy * gxr;
        se = fy * fx;
        const inX0 = x0 >= 0 && x0 < width;
        const inX1 = x0 + 1 >= 0 && x0 + 1 < width;
        const inY0 = y0 >= 0 && y0 < height;
        const inY1 = y0 + 1 >= 0 && y0 + 1 < height;
        const level = head + <usize>(b * positions + load<i32>(entry, 20)) * xs;
        if (inY0) {
          const north = level + <usize>(y0 * width) * xs;
          if (inX0) nwTap = north + <usize>x0 * xs;
          if (inX1) neTap = north + <usize>(x0 + 1) * xs;
        }
        if (inY1) {
          const south = level + <usize>((y0 + 1) * width) * xs;
          if (inX0) swTap = south + <usize>x0 * xs;
          if (inX1) seTap = south + <usize>(x0 + 1) * xs;
        }
      }
      // ((nw_v * nw + ne_v * ne) + sw_v * sw) + se_v * se, the first a plain product, then * a
      const nw4 = f32x4.splat(nw);
      const ne2 = f64x2.splat(<f64>ne);
      const sw2 = f64x2.splat(<f64>sw);
      const se2 = f64x2.splat(<f64>se);
      const a4 = f32x4.splat(a);
      for (let c = 0; c < d4; c += 4) {
        const o = (<usize>c) << 2;
        const p = f32x4.mul(v128.load(nwTap + o), nw4);
        let lo = Fused.step(p, v128.load64_zero(neTap + o), ne2);
        let hi = Fused.step(v128.shuffle<f32>(p, p, 2, 3, 2, 3), v128.load64_zero(neTap + o, 8), ne2);
        lo = Fused.step(lo, v128.load64_zero(swTap + o), sw2);
        hi = Fused.step(hi, v128.load64_zero(swTap + o, 8), sw2);
        lo = Fused.step(lo, v128.load64_zero(seTap + o), se2);
        hi = Fused.step(hi, v128.load64_zero(seTap + o, 8), se2);
        const t = f32x4.mul(v128.shuffle<f32>(lo, hi, 0, 1, 4, 5), a4);
        v128.store(into + o, starts ? t : f32x4.add(v128.load(into + o), t));
      }
      for (let c = d4; c < d; c++) {
        const o = (<usize>c) << 2;
        let v: f32 = load<f32>(nwTap + o) * nw;
        v = <f32>(<f64>v + <f64>load<f32>(neTap + o) * <f64>ne);
        v = <f32>(<f64>v + <f64>load<f32>(swTap + o) * <f64>sw);
        v = <f32>(<f64>v + <f64>load<f32>(seTap + o) * <f64>se);
        const t = v * a;
        store<f32>(into + o, starts ? t : load<f32>(into + o) + t);
      }
    }
    for (let k = 0; k < stepCount; k++) {
      const to = termRows + <usize>load<i32>(steps + ((<usize>k) << 3));
      const from = termRows + <usize>load<i32>(steps + ((<usize>k) << 3), 4);
      for (let c = 0; c < d4; c += 4) {
        const o = (<usize>c) << 2;
        v128.store(to + o, f32x4.add(v128.load(to + o), v128.load(from + o)));
      }
      for (let c = d4; c < d; c++) {
        const o = (<usize>c) << 2;
        store<f32>(to + o, load<f32>(to + o) + load<f32>(from + o));
      }
    }
    // PyTorch's sum starts from 0: 0 + (-0) is +0
    const total = termRows + <usize>(result * d) * 4;
    const target = out + <usize>(r * d) * 4;
    for (let c = 0; c < d4; c += 4) {
      const o = (<usize>c) << 2;
      v128.store(target + o, f32x4.add(v128.load(total + o), f32x4.splat(0)));
    }
    for (let c = d4; c < d; c++) {
      const o = (<usize>c) << 2;
      store<f32>(target + o, load<f32>(total + o) + 0);
    }
  }
}
