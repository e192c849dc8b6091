// Backward of grid_sample for 5-D input [N, C, D, H, W] ([N, D, H, W, C] under CHANNELS_LAST):
// trilinear and nearest. One invocation per
// output voxel computes corners and weights once (exactly as grid-sample-3d.wgsl), then loops over
// the channels, scattering into grad_input and summing the grid gradient.
//
// grad_input is a scatter added with a compare-exchange loop on the f32 bits (WGSL has no float
// atomics): the order of the adds, hence the last bits of a sum, can change from run to run. In pieces,
// grad_grid accumulates across channels as in grid-sample-backward-2d.wgsl.

// #import coordinates.wgsl (coordinate math, PADDING and ALIGN_CORNERS)
// #import coordinates-grad.wgsl (their derivatives and chain_grad)
// #import sample-params.wgsl (struct Params: the call's shape and row pitch)
// #import backward-layout.wgsl (CHANNELS_LAST: pixel_offset, channel steps, output_base)
// #import atomic-add.wgsl (atomic_add_f32 into grad_input, under GRAD_INPUT)

// 0 trilinear, 1 nearest
override MODE: u32 = 0u;
override WORKGROUP_SIZE: u32 = 64u;
// which gradients to compute; the binding of one not computed is a placeholder never touched
override GRAD_INPUT: bool = true;
override GRAD_GRID: bool = true;
// grad_grid += this piece's gradient (a piece of channels after the first), instead of =
override ACCUMULATE_GRAD_GRID: bool = false;

@group(0) @binding(0) var<storage, read> grad_output: array<f32>;
@group(0) @binding(1) var<storage, read> input: array<f32>;
@group(0) @binding(2) var<storage, read> grid: array<f32>;
// f32 bit patterns, zeroed by the host before the dispatch
@group(0) @binding(3) var<storage, read_write> grad_input: array<atomic<u32>>;
@group(0) @binding(4) var<storage, read_write> grad_grid: array<f32>;
@group(0) @binding(5) var<uniform> params: Params;

@compute @workgroup_size(WORKGROUP_SIZE)
fn grid_sample_3d_backward(@builtin(global_invocation_id) gid: vec3<u32>) {
  let voxel = gid.x + gid.y * params.row_pitch;
  let out_volume = params.out_d * params.out_h * params.out_w;
  if (voxel >= params.n * out_volume) {
    return;
  }
  let batch = voxel / out_volume;
  let in_volume = params.in_d * params.in_h * params.in_w;
  let in_base = batch * params.c * in_volume;
  let out_base = output_base(voxel, batch, out_volume);
  let in_step = in_channel_step(in_volume);
  let out_step = out_channel_step(out_volume);
  let g = vec3<f32>(grid[voxel * 3u], grid[voxel * 3u + 1u], grid[voxel * 3u + 2u]);
  let size = vec3<f32>(f32(params.in_w), f32(params.in_h), f32(params.in_d));
  // a NaN point sampled nothing: it gets no gradient and gives none
  var grad = vec3<f32>(0.0);
  if (!is_nan(g.x) && !is_nan(g.y) && !is_nan(g.z)) {
    if (MODE == 1u) {
      nearest_backward(g, size, in_base, in_step, out_base, out_step);
    } else {
      grad = trilinear_backward(g, size, in_base, in_step, out_base, out_step);
    }
  }
  if (GRAD_GRID) {
    if (ACCUMULATE_GRAD_GRID) {
      grad += vec3<f32>(grad_grid[voxel * 3u], grad_grid[voxel * 3u + 1u], grad_grid[voxel * 3u + 2u]);
    }
    grad_grid[voxel * 3u] = grad.x;
    grad_grid[voxel * 3u + 1u] = grad.y;
    grad_grid[voxel * 3u + 2u] = grad.z;
  }
}

fn source_index(g: vec3<f32>, size: vec3<f32>) -> vec3<f32> {
  return vec3<f32>(
    grid_sampler_compute_source_index(g.x, size.x),
    grid_sampler_compute_source_index(g.y, size.y),
    grid_sampler_compute_source_index(g.z, size.z),
  );
}

// Nearest is piecewise constant: zero grid gradient; grad_output goes to the voxel picked.
// `in_step` and `out_step` are the floats between two channels of a voxel (in_channel_step,
// out_channel_step); voxel offsets are from the batch item's first element (voxel_offset).
fn nearest_backward(g: vec3<f32>, size: vec3<f32>, in_base: u32, in_step: u32, out_base: u32, out_step: u32) {
  // WGSL round() rounds half to even, like the forward
  let r = round(source_index(g, size));
  if (!(inside(r.x, size.x) && inside(r.y, size.y) && inside(r.z, size.z))) {
    return;
  }
  let offset = voxel_offset(safe_index(r.x, size.x), safe_index(r.y, size.y), safe_index(r.z, size.z));
  for (var c = 0u; c < params.c; c++) {
    atomic_add_f32(in_base + c * in_step + offset, grad_output[out_base + c * out_step]);
  }
}

fn trilinear_backward(g: vec3<f32>, size: vec3<f32>, in_base: u32, in_step: u32, out_base: u32, out_step: u32) -> vec3<f32> {
  let p = source_index(g, size);
  let p0 = floor(p);
  // Distances to the far and near faces, as the forward forms them: (p0 + 1) - p and p - p0.
  let far = (p0 + 1.0) - p;
  let near = p - p0;
  var offsets: array<u32, 8>;
  var weights: array<f32, 8>;
  // d weight / d (x, y, z) of each corner: moving x forward grows the east weights, shrinks the west
  var slopes: array<vec3<f32>, 8>;
  var valid: array<bool, 8>;
  // Corner order t/b (z), n/s (y), w/e (x): tnw, tne, tsw, tse, bnw, bne, bsw, bse.
  for (var k = 0u; k < 8u; k++) {
    let d = vec3<f32>(f32(k & 1u), f32((k >> 1u) & 1u), f32(k >> 2u));
    let corner = p0 + d;
    let weight = select(far, near, d == vec3<f32>(1.0));
    let sign = d * 2.0 - 1.0;
    weights[k] = (weight.x * weight.y) * weight.z;
    slopes[k] = sign * vec3<f32>(weight.y * weight.z, weight.x * weight.z, weight.x * weight.y);
    valid[k] = inside(corner.x, size.x) && inside(corner.y, size.y) && inside(corner.z, size.z);
    offsets[k] = voxel_offset(safe_index(corner.x, size.x), safe_index(corner.y, size.y), safe_index(corner.z, size.z));
  }
  var sum = vec3<f32>(0.0);
  for (var c = 0u; c < params.c; c++) {
    let volume = in_base + c * in_step;
    let go = grad_output[out_base + c * out_step];
    for (var k = 0u; k < 8u; k++) {
      if (!valid[k]) {
        continue;
      }
      atomic_add_f32(volume + offsets[k], weights[k] * go);
      if (GRAD_GRID) {
        sum += input[volume + offsets[k]] * go * slopes[k];
      }
    }
  }
  return vec3<f32>(
    chain_grad(sum.x, grid_sampler_compute_source_index_grad(g.x, size.x)),
    chain_grad(sum.y, grid_sampler_compute_source_index_grad(g.y, size.y)),
    chain_grad(sum.z, grid_sampler_compute_source_index_grad(g.z, size.z)),
  );
}

fn voxel_offset(x: u32, y: u32, z: u32) -> u32 {
  return pixel_offset((z * params.in_h + y) * params.in_w + x);
}
