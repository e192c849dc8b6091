// grid_sample for 4-D input [N, C, H, W] and grid [N, H_out, W_out, 2]. One invocation per output
// pixel: it reads its grid point once, computes taps and weights once, then loops over channels.
// Needs coordinates.wgsl (appended by the host).

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

@compute @workgroup_size(WORKGROUP_SIZE)
fn grid_sample_2d(@builtin(global_invocation_id) gid: vec3<u32>) {
  let pixel = gid.x + gid.y * params.row_pitch;
  let out_plane = params.out_h * params.out_w;
  if (pixel >= params.n * out_plane) {
    return;
  }
  let batch = pixel / out_plane;
  let in_plane = params.in_h * params.in_w;
  let in_base = batch * params.c * in_plane;
  let out_base = batch * params.c * out_plane + (pixel - batch * out_plane);
  let g = grid[pixel];
  if (is_nan(g.x) || is_nan(g.y)) {
    // a NaN coordinate samples nothing
    for (var c = 0u; c < params.c; c++) {
      output[out_base + c * out_plane] = 0.0;
    }
    return;
  }
  let w = f32(params.in_w);
  let h = f32(params.in_h);
  if (MODE == 0u) {
    sample_bilinear(g, w, h, in_base, in_plane, out_base, out_plane);
  } else if (MODE == 1u) {
    sample_nearest(g, w, h, in_base, in_plane, out_base, out_plane);
  } else {
    sample_bicubic(g, w, h, in_base, in_plane, out_base, out_plane);
  }
}

fn sample_bilinear(g: vec2<f32>, w: f32, h: f32, in_base: u32, in_plane: u32, out_base: u32, out_plane: u32) {
  let x = grid_sampler_compute_source_index(g.x, w);
  let y = grid_sampler_compute_source_index(g.y, h);
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
  let in_x0 = inside(x0, w);
  let in_x1 = inside(x0 + 1.0, w);
  let in_y0 = inside(y0, h);
  let in_y1 = inside(y0 + 1.0, h);
  let row0 = safe_index(y0, h) * params.in_w;
  let row1 = safe_index(y0 + 1.0, h) * params.in_w;
  let col0 = safe_index(x0, w);
  let col1 = safe_index(x0 + 1.0, w);
  for (var c = 0u; c < params.c; c++) {
    let plane = in_base + c * in_plane;
    let v_nw = select(0.0, input[plane + row0 + col0], in_y0 && in_x0);
    let v_ne = select(0.0, input[plane + row0 + col1], in_y0 && in_x1);
    let v_sw = select(0.0, input[plane + row1 + col0], in_y1 && in_x0);
    let v_se = select(0.0, input[plane + row1 + col1], in_y1 && in_x1);
    output[out_base + c * out_plane] = v_nw * w_nw + v_ne * w_ne + v_sw * w_sw + v_se * w_se;
  }
}

fn sample_nearest(g: vec2<f32>, w: f32, h: f32, in_base: u32, in_plane: u32, out_base: u32, out_plane: u32) {
  // WGSL round() rounds half to even, like PyTorch's std::nearbyint
  let x = round(grid_sampler_compute_source_index(g.x, w));
  let y = round(grid_sampler_compute_source_index(g.y, h));
  let valid = inside(x, w) && inside(y, h);
  let offset = safe_index(y, h) * params.in_w + safe_index(x, w);
  for (var c = 0u; c < params.c; c++) {
    output[out_base + c * out_plane] = select(0.0, input[in_base + c * in_plane + offset], valid);
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

fn sample_bicubic(g: vec2<f32>, w: f32, h: f32, in_base: u32, in_plane: u32, out_base: u32, out_plane: u32) {
  // Bicubic pads each of its 16 integer taps, not the continuous coordinate.
  let x = grid_sampler_unnormalize(g.x, w);
  let y = grid_sampler_unnormalize(g.y, h);
  let x0 = floor(x);
  let y0 = floor(y);
  let cx = cubic_coefficients(x - x0);
  let cy = cubic_coefficients(y - y0);
  var cols: array<u32, 4>;
  var rows: array<u32, 4>;
  var col_in: array<bool, 4>;
  var row_in: array<bool, 4>;
  for (var i = 0u; i < 4u; i++) {
    // one rounding, as PyTorch's ix + (i - 1): near 2^24, (x0 - 1) + i would round twice
    let offset = f32(i) - 1.0;
    let tx = compute_coordinates(x0 + offset, w);
    let ty = compute_coordinates(y0 + offset, h);
    col_in[i] = inside(tx, w);
    row_in[i] = inside(ty, h);
    cols[i] = safe_index(tx, w);
    rows[i] = safe_index(ty, h) * params.in_w;
  }
  for (var c = 0u; c < params.c; c++) {
    let plane = in_base + c * in_plane;
    var rows_interp: vec4<f32>;
    for (var j = 0u; j < 4u; j++) {
      let r = plane + rows[j];
      let v = vec4<f32>(
        select(0.0, input[r + cols[0]], row_in[j] && col_in[0]),
        select(0.0, input[r + cols[1]], row_in[j] && col_in[1]),
        select(0.0, input[r + cols[2]], row_in[j] && col_in[2]),
        select(0.0, input[r + cols[3]], row_in[j] && col_in[3]),
      );
      rows_interp[j] = cx.x * v.x + cx.y * v.y + cx.z * v.z + cx.w * v.w;
    }
    output[out_base + c * out_plane] =
      cy.x * rows_interp.x + cy.y * rows_interp.y + cy.z * rows_interp.z + cy.w * rows_interp.w;
  }
}
