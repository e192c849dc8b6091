// grid_sample for 4-D input [N, C, H, W] and grid [N, H_out, W_out, 2]. One invocation per output
// pixel: it reads its grid point once, computes taps and weights once, then loops over channels.
// Needs coordinates.wgsl (appended by the host).
//
// Written for the CPU-like cost model of software GPUs as much as for real ones (bench/NOTES.md): no
// private arrays, taps unrolled by hand, tap offsets computed once per pixel, tap masks only where the
// padding mode needs them, and no branch around NaN coordinates (one select per channel instead).

// 0 bilinear, 1 nearest, 2 bicubic
override MODE: u32 = 0u;
override WORKGROUP_SIZE: u32 = 64u;

struct Params {
  n: u32,
  c: u32,
  in_d: u32,
  in_h: u32,
  in_w: u32,
  out_d: u32,
  out_h: u32,
  out_w: u32,
  // invocations per row of a 2-D dispatch (large outputs exceed 65535 workgroups in x)
  row_pitch: u32,
}

@group(0) @binding(0) var<storage, read> input: array<f32>;
@group(0) @binding(1) var<storage, read> grid: array<vec2<f32>>;
@group(0) @binding(2) var<storage, read_write> output: array<f32>;
@group(0) @binding(3) var<uniform> params: Params;

// Where one output pixel reads and writes: the first input plane and output element of its batch.
struct Pixel {
  g: vec2<f32>,
  // false for a NaN grid point, which samples nothing (0 in every channel)
  sampled: bool,
  src: u32,
  dst: u32,
}

@compute @workgroup_size(WORKGROUP_SIZE)
fn grid_sample_2d(@builtin(global_invocation_id) gid: vec3<u32>) {
  let pixel = gid.x + gid.y * params.row_pitch;
  let out_plane = params.out_h * params.out_w;
  if (pixel >= params.n * out_plane) {
    return;
  }
  let batch = pixel / out_plane;
  let raw = grid[pixel];
  let sampled = !(is_nan(raw.x) || is_nan(raw.y));
  // a NaN point computes its taps from (0, 0), so every index stays finite and in bounds; its result
  // is then zeroed through p.sampled
  let p = Pixel(
    select(vec2<f32>(0.0), raw, sampled),
    sampled,
    batch * params.c * params.in_h * params.in_w,
    pixel + batch * (params.c - 1u) * out_plane,
  );
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

// Whether a tap at integer coordinate i lies inside [0, size). After border or reflection padding a
// coordinate is already inside [0, size - 1], so only the tap one above it needs the upper check, and
// for the tap itself this folds to true (so its select disappears). A NaN point's result is zeroed
// once per channel instead of through every tap's mask.
fn tap_inside(i: f32, size: f32) -> bool {
  if (PADDING != 0u) {
    return i < size;
  }
  return inside(i, size);
}

fn sample_bilinear(p: Pixel, w: f32, h: f32, out_plane: u32) {
  let x = grid_sampler_compute_source_index(p.g.x, w);
  let y = grid_sampler_compute_source_index(p.g.y, h);
  let x0 = floor(x);
  let y0 = floor(y);
  let east = x - x0;
  let west = 1.0 - east;
  let south = y - y0;
  let north = 1.0 - south;
  let w_nw = north * west;
  let w_ne = north * east;
  let w_sw = south * west;
  let w_se = south * east;
  let in_x0 = tap_inside(x0, w);
  let in_x1 = tap_inside(x0 + 1.0, w);
  let in_y0 = tap_inside(y0, h);
  let in_y1 = tap_inside(y0 + 1.0, h);
  let m_nw = in_y0 && in_x0;
  let m_ne = in_y0 && in_x1;
  let m_sw = in_y1 && in_x0;
  let m_se = in_y1 && in_x1;
  let row0 = safe_index(y0, h) * params.in_w;
  let row1 = safe_index(y0 + 1.0, h) * params.in_w;
  let col0 = safe_index(x0, w);
  let col1 = safe_index(x0 + 1.0, w);
  let o_nw = row0 + col0;
  let o_ne = row0 + col1;
  let o_sw = row1 + col0;
  let o_se = row1 + col1;
  let in_plane = params.in_h * params.in_w;
  for (var c = 0u; c < params.c; c++) {
    let src = p.src + c * in_plane;
    let v_nw = select(0.0, input[src + o_nw], m_nw);
    let v_ne = select(0.0, input[src + o_ne], m_ne);
    let v_sw = select(0.0, input[src + o_sw], m_sw);
    let v_se = select(0.0, input[src + o_se], m_se);
    output[p.dst + c * out_plane] = select(0.0, v_nw * w_nw + v_ne * w_ne + v_sw * w_sw + v_se * w_se, p.sampled);
  }
}

fn sample_nearest(p: Pixel, w: f32, h: f32, out_plane: u32) {
  // WGSL round() rounds half to even, like PyTorch's std::nearbyint
  let x = round(grid_sampler_compute_source_index(p.g.x, w));
  let y = round(grid_sampler_compute_source_index(p.g.y, h));
  var valid = p.sampled;
  if (PADDING == 0u) {
    valid = valid && inside(x, w) && inside(y, h);
  }
  let in_plane = params.in_h * params.in_w;
  let src = p.src + safe_index(y, h) * params.in_w + safe_index(x, w);
  for (var c = 0u; c < params.c; c++) {
    output[p.dst + c * out_plane] = select(0.0, input[src + c * in_plane], valid);
  }
}

// PyTorch cubic_convolution1: ((A + 2) * x - (A + 3)) * x * x + 1, A = -0.75
fn cubic_convolution1(x: f32) -> f32 {
  return ((1.25 * x - 2.25) * x) * x + 1.0;
}

// PyTorch cubic_convolution2: ((A * x - 5A) * x + 8A) * x - 4A, A = -0.75
fn cubic_convolution2(x: f32) -> f32 {
  return ((-0.75 * x + 3.75) * x - 6.0) * x + 3.0;
}

fn cubic_coefficients(t: f32) -> vec4<f32> {
  return vec4<f32>(cubic_convolution2(t + 1.0), cubic_convolution1(t), cubic_convolution1(1.0 - t), cubic_convolution2(2.0 - t));
}

// The four padded integer taps around x0 (PyTorch's ix - 1 .. ix + 2, each padded on its own). Each
// is one rounding of x0 + k, as PyTorch's ix + (i - 1): near 2^24, (x0 - 1) + i would round twice.
fn bicubic_taps(x0: f32) -> array<f32, 4> {
  return array<f32, 4>(x0 - 1.0, x0, x0 + 1.0, x0 + 2.0);
}

// One row of four taps, weighted left to right as PyTorch sums them.
fn bicubic_row(row: u32, cols: vec4<u32>, ok: vec4<bool>, cx: vec4<f32>) -> f32 {
  let v = vec4<f32>(
    select(0.0, input[row + cols.x], ok.x),
    select(0.0, input[row + cols.y], ok.y),
    select(0.0, input[row + cols.z], ok.z),
    select(0.0, input[row + cols.w], ok.w),
  );
  return cx.x * v.x + cx.y * v.y + cx.z * v.z + cx.w * v.w;
}

// A tap at integer (row, col) under zeros or border padding: border clamps it to the edge, zeros reads
// 0 outside. Integer taps are exact here: |x0| <= 2^24, so x0 - 1 .. x0 + 2 fit an i32 and fall inside
// or outside exactly as PyTorch's float taps do.
fn bicubic_tap(plane: u32, row: i32, col: i32) -> f32 {
  let r = u32(clamp(row, 0, i32(params.in_h) - 1));
  let c = u32(clamp(col, 0, i32(params.in_w) - 1));
  let v = input[plane + r * params.in_w + c];
  if (PADDING == 0u) {
    return select(0.0, v, row >= 0 && row < i32(params.in_h) && col >= 0 && col < i32(params.in_w));
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
  let in_plane = params.in_h * params.in_w;
  if (PADDING != 2u) {
    // Zeros and border: the taps are recomputed from (ix, iy) for every channel, which measured faster
    // on SwiftShader than keeping 8 tap indices live across the loop (bench/NOTES.md).
    let ix = i32(x0);
    let iy = i32(y0);
    for (var c = 0u; c < params.c; c++) {
      let plane = p.src + c * in_plane;
      // a loop over the rows keeps the compiled kernel small (fully unrolled, SwiftShader's JIT
      // takes seconds per variant and runs slower); the rows are then summed in PyTorch's order
      var rows: vec4<f32>;
      for (var j = 0; j < 4; j++) {
        rows[j] = bicubic_tap_row(plane, iy - 1 + j, ix, cx);
      }
      let sum = cy.x * rows.x + cy.y * rows.y + cy.z * rows.z + cy.w * rows.w;
      output[p.dst + c * out_plane] = select(0.0, sum, p.sampled);
    }
    return;
  }
  // Reflection: each tap reflected once per pixel.
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
  ) * params.in_w;
  // reflected taps are inside by construction
  let ok = vec4<bool>(true);
  for (var c = 0u; c < params.c; c++) {
    let plane = p.src + c * in_plane;
    let r0 = bicubic_row(plane + rows.x, cols, ok, cx);
    let r1 = bicubic_row(plane + rows.y, cols, ok, cx);
    let r2 = bicubic_row(plane + rows.z, cols, ok, cx);
    let r3 = bicubic_row(plane + rows.w, cols, ok, cx);
    output[p.dst + c * out_plane] = select(0.0, cy.x * r0 + cy.y * r1 + cy.z * r2 + cy.w * r3, p.sampled);
  }
}
