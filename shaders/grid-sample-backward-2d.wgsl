// Backward of grid_sample for 4-D input [N, C, H, W] ([N, H, W, C] under CHANNELS_LAST). One invocation
// per output pixel reads its grid point once, computes taps and weights once (exactly as
// grid-sample-2d.wgsl), then loops over the channels: it scatters grad_output * weight into grad_input
// and sums the grid gradient.
//
// grad_input is a scatter: several output pixels add into the same input pixel. WGSL has no float
// atomics, so atomic_add_f32 adds with a compare-exchange loop on the f32 bit pattern. The order of
// the adds, hence the last bits of a sum, can change from run to run; grad_grid is deterministic.
// A call larger than one binding runs in pieces (src/gpu/ops/grid-sample-backward.ts): grad_input
// accumulates across pieces of output rows, grad_grid across pieces of channels (ACCUMULATE_GRAD_GRID).

// #import coordinates.wgsl (coordinate math, PADDING, ALIGN_CORNERS and cubic_coefficients)
// #import coordinates-grad.wgsl (their derivatives and chain_grad)
// #import sample-params.wgsl (struct Params: the call's shape and row pitch)
// #import backward-layout.wgsl (CHANNELS_LAST: pixel_offset, channel steps, output_base)
// #import atomic-add.wgsl (atomic_add_f32 into grad_input, under GRAD_INPUT)

// 0 bilinear, 1 nearest, 2 bicubic
override MODE: u32 = 0u;
override WORKGROUP_SIZE: u32 = 64u;
// which gradients to compute; the binding of one not computed is a placeholder never touched
override GRAD_INPUT: bool = true;
override GRAD_GRID: bool = true;
// grad_grid += this piece's gradient (a piece of channels after the first), instead of =
override ACCUMULATE_GRAD_GRID: bool = false;

@group(0) @binding(0) var<storage, read> grad_output: array<f32>;
@group(0) @binding(1) var<storage, read> input: array<f32>;
@group(0) @binding(2) var<storage, read> grid: array<vec2<f32>>;
// f32 bit patterns, zeroed by the host before the dispatch
@group(0) @binding(3) var<storage, read_write> grad_input: array<atomic<u32>>;
@group(0) @binding(4) var<storage, read_write> grad_grid: array<vec2<f32>>;
@group(0) @binding(5) var<uniform> params: Params;

@compute @workgroup_size(WORKGROUP_SIZE)
fn grid_sample_2d_backward(@builtin(global_invocation_id) gid: vec3<u32>) {
  let pixel = gid.x + gid.y * params.row_pitch;
  let out_plane = params.out_h * params.out_w;
  if (pixel >= params.n * out_plane) {
    return;
  }
  let batch = pixel / out_plane;
  let in_plane = params.in_h * params.in_w;
  let in_base = batch * params.c * in_plane;
  let out_base = output_base(pixel, batch, out_plane);
  let in_step = in_channel_step(in_plane);
  let out_step = out_channel_step(out_plane);
  let g = grid[pixel];
  // a NaN point sampled nothing: it gets no gradient and gives none
  var grad = vec2<f32>(0.0);
  if (!is_nan(g.x) && !is_nan(g.y)) {
    let w = f32(params.in_w);
    let h = f32(params.in_h);
    if (MODE == 0u) {
      grad = bilinear_backward(g, w, h, in_base, in_step, out_base, out_step);
    } else if (MODE == 1u) {
      nearest_backward(g, w, h, in_base, in_step, out_base, out_step);
    } else {
      grad = bicubic_backward(g, w, h, in_base, in_step, out_base, out_step);
    }
  }
  if (GRAD_GRID) {
    if (ACCUMULATE_GRAD_GRID) {
      grad += grad_grid[pixel];
    }
    grad_grid[pixel] = grad;
  }
}

// `in_step` and `out_step` are the floats between two channels of a pixel (in_channel_step,
// out_channel_step); tap offsets are from the batch item's first element (pixel_offset).
fn bilinear_backward(g: vec2<f32>, w: f32, h: f32, in_base: u32, in_step: u32, out_base: u32, out_step: u32) -> vec2<f32> {
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
  let in_nw = inside(y0, h) && inside(x0, w);
  let in_ne = inside(y0, h) && inside(x0 + 1.0, w);
  let in_sw = inside(y0 + 1.0, h) && inside(x0, w);
  let in_se = inside(y0 + 1.0, h) && inside(x0 + 1.0, w);
  let row0 = safe_index(y0, h) * params.in_w;
  let row1 = safe_index(y0 + 1.0, h) * params.in_w;
  let col0 = safe_index(x0, w);
  let col1 = safe_index(x0 + 1.0, w);
  let o_nw = pixel_offset(row0 + col0);
  let o_ne = pixel_offset(row0 + col1);
  let o_sw = pixel_offset(row1 + col0);
  let o_se = pixel_offset(row1 + col1);
  var sum = vec2<f32>(0.0);
  for (var c = 0u; c < params.c; c++) {
    let plane = in_base + c * in_step;
    let go = grad_output[out_base + c * out_step];
    if (in_nw) {
      atomic_add_f32(plane + o_nw, w_nw * go);
    }
    if (in_ne) {
      atomic_add_f32(plane + o_ne, w_ne * go);
    }
    if (in_sw) {
      atomic_add_f32(plane + o_sw, w_sw * go);
    }
    if (in_se) {
      atomic_add_f32(plane + o_se, w_se * go);
    }
    if (GRAD_GRID) {
      let v_nw = select(0.0, input[plane + o_nw], in_nw);
      let v_ne = select(0.0, input[plane + o_ne], in_ne);
      let v_sw = select(0.0, input[plane + o_sw], in_sw);
      let v_se = select(0.0, input[plane + o_se], in_se);
      // d out / d x and d out / d y of the bilinear blend
      sum.x += ((v_ne - v_nw) * north + (v_se - v_sw) * south) * go;
      sum.y += ((v_sw - v_nw) * west + (v_se - v_ne) * east) * go;
    }
  }
  return vec2<f32>(
    chain_grad(sum.x, grid_sampler_compute_source_index_grad(g.x, w)),
    chain_grad(sum.y, grid_sampler_compute_source_index_grad(g.y, h)),
  );
}

// Nearest is piecewise constant: its grid gradient is 0 (as in PyTorch); grad_output goes to the pixel picked.
fn nearest_backward(g: vec2<f32>, w: f32, h: f32, in_base: u32, in_step: u32, out_base: u32, out_step: u32) {
  // WGSL round() rounds half to even, like the forward
  let x = round(grid_sampler_compute_source_index(g.x, w));
  let y = round(grid_sampler_compute_source_index(g.y, h));
  if (!(inside(x, w) && inside(y, h))) {
    return;
  }
  let offset = pixel_offset(safe_index(y, h) * params.in_w + safe_index(x, w));
  for (var c = 0u; c < params.c; c++) {
    atomic_add_f32(in_base + c * in_step + offset, grad_output[out_base + c * out_step]);
  }
}

// cubic_coefficients (the forward's weights) is in coordinates.wgsl.

// d/dx of cubic_convolution1: 3 (A + 2) x^2 - 2 (A + 3) x
fn cubic_convolution1_grad(x: f32) -> f32 {
  return (3.75 * x - 4.5) * x;
}

// d/dx of cubic_convolution2: 3A x^2 - 10A x + 8A
fn cubic_convolution2_grad(x: f32) -> f32 {
  return (-2.25 * x + 7.5) * x - 6.0;
}

// d/dt of cubic_coefficients(t), tap order -1, 0, 1, 2 (PyTorch get_cubic_coefficients_grad, negated)
fn cubic_coefficients_grad(t: f32) -> vec4<f32> {
  return vec4<f32>(
    cubic_convolution2_grad(t + 1.0),
    cubic_convolution1_grad(t),
    -cubic_convolution1_grad(1.0 - t),
    -cubic_convolution2_grad(2.0 - t),
  );
}

// Bicubic pads each of its 16 taps (as the forward); the grid gradient comes from the weights only, so
// padding does not scale it (PyTorch multiplies by the unnormalize factor alone).
fn bicubic_backward(g: vec2<f32>, w: f32, h: f32, in_base: u32, in_step: u32, out_base: u32, out_step: u32) -> vec2<f32> {
  let x = grid_sampler_unnormalize(g.x, w);
  let y = grid_sampler_unnormalize(g.y, h);
  let x0 = floor(x);
  let y0 = floor(y);
  let cx = cubic_coefficients(x - x0);
  let cy = cubic_coefficients(y - y0);
  let dcx = cubic_coefficients_grad(x - x0);
  let dcy = cubic_coefficients_grad(y - y0);
  var cols: array<u32, 4>;
  var rows: array<u32, 4>;
  var col_in: array<bool, 4>;
  var row_in: array<bool, 4>;
  for (var i = 0u; i < 4u; i++) {
    let offset = f32(i) - 1.0;
    let tx = compute_coordinates(x0 + offset, w);
    let ty = compute_coordinates(y0 + offset, h);
    col_in[i] = inside(tx, w);
    row_in[i] = inside(ty, h);
    cols[i] = pixel_offset(safe_index(tx, w));
    rows[i] = pixel_offset(safe_index(ty, h) * params.in_w);
  }
  var sum = vec2<f32>(0.0);
  for (var c = 0u; c < params.c; c++) {
    let plane = in_base + c * in_step;
    let go = grad_output[out_base + c * out_step];
    for (var j = 0u; j < 4u; j++) {
      for (var i = 0u; i < 4u; i++) {
        if (!(row_in[j] && col_in[i])) {
          continue;
        }
        let at = plane + rows[j] + cols[i];
        atomic_add_f32(at, cx[i] * cy[j] * go);
        if (GRAD_GRID) {
          let v = input[at] * go;
          sum.x += v * dcx[i] * cy[j];
          sum.y += v * cx[i] * dcy[j];
        }
      }
    }
  }
  return vec2<f32>(
    chain_grad(sum.x, grid_sampler_unnormalize_grad(g.x, w)),
    chain_grad(sum.y, grid_sampler_unnormalize_grad(g.y, h)),
  );
}
