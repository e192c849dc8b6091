// grid_sample for 4-D input and grid [N, H_out, W_out, 2]: input and output channels first
// ([N, C, H, W], [N, C, H_out, W_out]) or channels last ([N, H, W, C], [N, H_out, W_out, C]), chosen by
// override constants. One invocation per output pixel: it reads its grid point once, computes taps and
// weights once, then loops over channels. grid-sample-2d-vec4.wgsl adds the entry point that loads 4
// channels at a time.
//
// Written for the CPU-like cost model of software GPUs as much as for real ones (bench/NOTES.md): no
// private arrays, taps unrolled by hand, tap offsets computed once per pixel, tap masks only where the
// padding mode needs them, and no branch around NaN coordinates (one select per channel instead).

// #import coordinates.wgsl (coordinate math, PADDING and ALIGN_CORNERS)
// #import sample-params.wgsl (struct Params: the call's shape and row pitch)
// #import grid-sample-storage-*-2d.wgsl (bindings 0 and 1, input and grid, float32 or float16, read
//   through load_input and load_grid)

// 0 bilinear, 1 nearest, 2 bicubic
override MODE: u32 = 0u;
override WORKGROUP_SIZE: u32 = 64u;
// Memory order of input and output (`layout`: both channels first or both channels last). A constant at
// pipeline creation, so each layout compiles to its own straight-line index arithmetic: nothing
// branches on the layout at run time.
override CHANNELS_LAST: bool = false;

@group(0) @binding(2) var<storage, read_write> output: array<f32>;
@group(0) @binding(3) var<uniform> params: Params;

// Where one output pixel reads and writes: the first input element and output element of its batch
// item and pixel.
struct Pixel {
  g: vec2<f32>,
  // false for a NaN grid point, which samples nothing (0 in every channel)
  sampled: bool,
  src: u32,
  dst: u32,
}

// A pixel index (row * W + col) to its input offset: the identity channels first.
fn pixel_offset(i: u32) -> u32 {
  if (CHANNELS_LAST) {
    return i * params.c;
  }
  return i;
}

fn pixel_offsets(i: vec4<u32>) -> vec4<u32> {
  if (CHANNELS_LAST) {
    return i * params.c;
  }
  return i;
}

// Floats between channels of one input pixel, and of one output pixel.
fn in_channel_step() -> u32 {
  if (CHANNELS_LAST) {
    return 1u;
  }
  return params.in_h * params.in_w;
}

fn out_channel_step(out_plane: u32) -> u32 {
  if (CHANNELS_LAST) {
    return 1u;
  }
  return out_plane;
}

// The pixel an invocation samples; `index` < N * out_plane.
fn pixel_at(index: u32, out_plane: u32) -> Pixel {
  let batch = index / out_plane;
  let raw = load_grid(index);
  let sampled = !(is_nan(raw.x) || is_nan(raw.y));
  let in_item = params.c * params.in_h * params.in_w;
  var dst = index + batch * (params.c - 1u) * out_plane;
  if (CHANNELS_LAST) {
    dst = index * params.c;
  }
  // a NaN point computes its taps from (0, 0), so every index stays finite and in bounds; its result
  // is then zeroed through p.sampled
  return Pixel(select(vec2<f32>(0.0), raw, sampled), sampled, batch * in_item, dst);
}

@compute @workgroup_size(WORKGROUP_SIZE)
fn grid_sample_2d(@builtin(global_invocation_id) gid: vec3<u32>) {
  let index = gid.x + gid.y * params.row_pitch;
  let out_plane = params.out_h * params.out_w;
  if (index >= params.n * out_plane) {
    return;
  }
  let p = pixel_at(index, out_plane);
  let w = f32(params.in_w);
  let h = f32(params.in_h);
  if (MODE == 0u) {
    sample_bilinear(p, w, h, out_plane);
  } else if (MODE == 1u) {
    sample_nearest(p, w, h, out_plane);
  } else {
    sample_bicubic(p, w, h, out_plane);
  }
}

// The four bilinear taps of a pixel: offsets from its batch item's first element (nw, ne, sw, se),
// weights, and which taps lie inside (tap_inside, coordinates.wgsl). A NaN point's result is zeroed
// once per channel instead of through every tap's mask.
struct Bilinear {
  offsets: vec4<u32>,
  weights: vec4<f32>,
  inside: vec4<bool>,
}

fn bilinear_taps(p: Pixel, w: f32, h: f32) -> Bilinear {
  let x = grid_sampler_compute_source_index(p.g.x, w);
  let y = grid_sampler_compute_source_index(p.g.y, h);
  let x0 = floor(x);
  let y0 = floor(y);
  let east = x - x0;
  let west = 1.0 - east;
  let south = y - y0;
  let north = 1.0 - south;
  let in_x0 = tap_inside(x0, w);
  let in_x1 = tap_inside(x0 + 1.0, w);
  let in_y0 = tap_inside(y0, h);
  let in_y1 = tap_inside(y0 + 1.0, h);
  let row0 = safe_index(y0, h) * params.in_w;
  let row1 = safe_index(y0 + 1.0, h) * params.in_w;
  let col0 = safe_index(x0, w);
  let col1 = safe_index(x0 + 1.0, w);
  return Bilinear(
    pixel_offsets(vec4<u32>(row0 + col0, row0 + col1, row1 + col0, row1 + col1)),
    vec4<f32>(north * west, north * east, south * west, south * east),
    vec4<bool>(in_y0 && in_x0, in_y0 && in_x1, in_y1 && in_x0, in_y1 && in_x1),
  );
}

fn sample_bilinear(p: Pixel, w: f32, h: f32, out_plane: u32) {
  let t = bilinear_taps(p, w, h);
  let in_step = in_channel_step();
  let out_step = out_channel_step(out_plane);
  for (var c = 0u; c < params.c; c++) {
    let src = p.src + c * in_step;
    let v_nw = select(0.0, load_input(src + t.offsets.x), t.inside.x);
    let v_ne = select(0.0, load_input(src + t.offsets.y), t.inside.y);
    let v_sw = select(0.0, load_input(src + t.offsets.z), t.inside.z);
    let v_se = select(0.0, load_input(src + t.offsets.w), t.inside.w);
    let v = v_nw * t.weights.x + v_ne * t.weights.y + v_sw * t.weights.z + v_se * t.weights.w;
    output[p.dst + c * out_step] = select(0.0, v, p.sampled);
  }
}

// The nearest pixel's offset from its batch item's first element, and whether it is sampled at all.
struct Nearest {
  offset: u32,
  valid: bool,
}

fn nearest_tap(p: Pixel, w: f32, h: f32) -> Nearest {
  // WGSL round() rounds half to even, like PyTorch's std::nearbyint
  let x = round(grid_sampler_compute_source_index(p.g.x, w));
  let y = round(grid_sampler_compute_source_index(p.g.y, h));
  var valid = p.sampled;
  if (PADDING == 0u) {
    valid = valid && inside(x, w) && inside(y, h);
  }
  return Nearest(pixel_offset(safe_index(y, h) * params.in_w + safe_index(x, w)), valid);
}

fn sample_nearest(p: Pixel, w: f32, h: f32, out_plane: u32) {
  let t = nearest_tap(p, w, h);
  let src = p.src + t.offset;
  let in_step = in_channel_step();
  let out_step = out_channel_step(out_plane);
  for (var c = 0u; c < params.c; c++) {
    output[p.dst + c * out_step] = select(0.0, load_input(src + c * in_step), t.valid);
  }
}

// The four padded integer taps around x0 (PyTorch's ix - 1 .. ix + 2, each padded on its own). Each
// is one rounding of x0 + k, as PyTorch's ix + (i - 1): near 2^24, (x0 - 1) + i would round twice.
fn bicubic_taps(x0: f32) -> array<f32, 4> {
  return array<f32, 4>(x0 - 1.0, x0, x0 + 1.0, x0 + 2.0);
}

// Offsets of the 4 padded columns and rows of a bicubic sample under border or reflection padding,
// from its batch item's first element: each tap padded once per pixel, inside the input after it.
struct BicubicTaps {
  cols: vec4<u32>,
  rows: vec4<u32>,
}

fn bicubic_padded(x0: f32, y0: f32, w: f32, h: f32) -> BicubicTaps {
  if (PADDING == 1u) {
    // border clamps each integer tap: exact in i32, since |x0| <= 2^24
    let ix = i32(x0);
    let iy = i32(y0);
    let cols = clamp(vec4<i32>(ix - 1, ix, ix + 1, ix + 2), vec4<i32>(0), vec4<i32>(i32(params.in_w) - 1));
    let rows = clamp(vec4<i32>(iy - 1, iy, iy + 1, iy + 2), vec4<i32>(0), vec4<i32>(i32(params.in_h) - 1));
    return BicubicTaps(pixel_offsets(vec4<u32>(cols)), pixel_offsets(vec4<u32>(rows) * params.in_w));
  }
  let ax = bicubic_taps(x0);
  let ay = bicubic_taps(y0);
  let cols = vec4<u32>(
    safe_index(compute_coordinates(ax[0], w), w),
    safe_index(compute_coordinates(ax[1], w), w),
    safe_index(compute_coordinates(ax[2], w), w),
    safe_index(compute_coordinates(ax[3], w), w),
  );
  let rows = vec4<u32>(
    safe_index(compute_coordinates(ay[0], h), h),
    safe_index(compute_coordinates(ay[1], h), h),
    safe_index(compute_coordinates(ay[2], h), h),
    safe_index(compute_coordinates(ay[3], h), h),
  );
  return BicubicTaps(pixel_offsets(cols), pixel_offsets(rows * params.in_w));
}

// One row of four taps, weighted left to right as PyTorch sums them.
fn bicubic_row(row: u32, cols: vec4<u32>, cx: vec4<f32>) -> f32 {
  return cx.x * load_input(row + cols.x) + cx.y * load_input(row + cols.y) + cx.z * load_input(row + cols.z) + cx.w * load_input(row + cols.w);
}

// The input offset of a tap at integer (row, col) under zeros or border padding, clamped to the edge
// (border padding; zeros discards taps outside, see tap_outside). Integer taps are exact here:
// |x0| <= 2^24, so x0 - 1 .. x0 + 2 fit an i32 and fall inside or outside exactly as PyTorch's float
// taps do.
fn tap_offset(row: i32, col: i32) -> u32 {
  let r = u32(clamp(row, 0, i32(params.in_h) - 1));
  let c = u32(clamp(col, 0, i32(params.in_w) - 1));
  // a select rather than pixel_offset's branch: it sits in the loop over rows (W2 measured 1.02-1.06 vs
  // 1.10 against the kernel before layouts, within noise; bench/NOTES.md)
  return (r * params.in_w + c) * select(1u, params.c, CHANNELS_LAST);
}

fn tap_outside(row: i32, col: i32) -> bool {
  return !(row >= 0 && row < i32(params.in_h) && col >= 0 && col < i32(params.in_w));
}

fn bicubic_tap(plane: u32, row: i32, col: i32) -> f32 {
  let v = load_input(plane + tap_offset(row, col));
  if (PADDING == 0u) {
    return select(v, 0.0, tap_outside(row, col));
  }
  return v;
}

fn bicubic_tap_row(plane: u32, row: i32, col: i32, cx: vec4<f32>) -> f32 {
  return cx.x * bicubic_tap(plane, row, col - 1) + cx.y * bicubic_tap(plane, row, col) +
    cx.z * bicubic_tap(plane, row, col + 1) + cx.w * bicubic_tap(plane, row, col + 2);
}

fn sample_bicubic(p: Pixel, w: f32, h: f32, out_plane: u32) {
  // Bicubic pads each of its 16 integer taps, not the continuous coordinate.
  let x = grid_sampler_unnormalize(p.g.x, w);
  let y = grid_sampler_unnormalize(p.g.y, h);
  let x0 = floor(x);
  let y0 = floor(y);
  let cx = cubic_coefficients(x - x0);
  let cy = cubic_coefficients(y - y0);
  let in_step = in_channel_step();
  let out_step = out_channel_step(out_plane);
  if (PADDING == 0u) {
    // Zeros: the taps are recomputed from (ix, iy) for every channel, which measured faster on
    // SwiftShader than keeping 8 tap indices live across the loop (bench/NOTES.md).
    let ix = i32(x0);
    let iy = i32(y0);
    for (var c = 0u; c < params.c; c++) {
      let plane = p.src + c * in_step;
      // a loop over the rows keeps the compiled kernel small (fully unrolled, SwiftShader's JIT
      // takes seconds per variant and runs slower); the rows are then summed in PyTorch's order
      var rows: vec4<f32>;
      for (var j = 0; j < 4; j++) {
        rows[j] = bicubic_tap_row(plane, iy - 1 + j, ix, cx);
      }
      let sum = cy.x * rows.x + cy.y * rows.y + cy.z * rows.z + cy.w * rows.w;
      output[p.dst + c * out_step] = select(0.0, sum, p.sampled);
    }
    return;
  }
  // Border and reflection: every tap is inside once padded, so its offset is computed once per pixel.
  let t = bicubic_padded(x0, y0, w, h);
  for (var c = 0u; c < params.c; c++) {
    let plane = p.src + c * in_step;
    // rows in a loop (unrolled, this measured 1.19x slower on SwiftShader); 0 + cy[0] * row0 is
    // exactly cy[0] * row0, so the sum is PyTorch's left to right (up to the sign of a zero)
    var sum = 0.0;
    for (var j = 0; j < 4; j++) {
      sum += cy[j] * bicubic_row(plane + t.rows[j], t.cols, cx);
    }
    output[p.dst + c * out_step] = select(0.0, sum, p.sampled);
  }
}
