// grid_sample for 5-D input [N, C, D, H, W] and grid [N, D_out, H_out, W_out, 3] (x, y, z): trilinear
// and nearest, one invocation per output voxel looping over channels. Needs coordinates.wgsl.

// 0 trilinear, 1 nearest
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
  row_pitch: u32,
}

@group(0) @binding(0) var<storage, read> input: array<f32>;
@group(0) @binding(1) var<storage, read> grid: array<f32>;
@group(0) @binding(2) var<storage, read_write> output: array<f32>;
@group(0) @binding(3) var<uniform> params: Params;

@compute @workgroup_size(WORKGROUP_SIZE)
fn grid_sample_3d(@builtin(global_invocation_id) gid: vec3<u32>) {
  let voxel = gid.x + gid.y * params.row_pitch;
  let out_volume = params.out_d * params.out_h * params.out_w;
  if (voxel >= params.n * out_volume) {
    return;
  }
  let batch = voxel / out_volume;
  let in_volume = params.in_d * params.in_h * params.in_w;
  let in_base = batch * params.c * in_volume;
  let out_base = batch * params.c * out_volume + (voxel - batch * out_volume);
  let g = vec3<f32>(grid[voxel * 3u], grid[voxel * 3u + 1u], grid[voxel * 3u + 2u]);
  let size = vec3<f32>(f32(params.in_w), f32(params.in_h), f32(params.in_d));
  if (is_nan(g.x) || is_nan(g.y) || is_nan(g.z)) {
    // a NaN coordinate samples nothing
    for (var c = 0u; c < params.c; c++) {
      output[out_base + c * out_volume] = 0.0;
    }
    return;
  }
  let p = vec3<f32>(
    grid_sampler_compute_source_index(g.x, size.x),
    grid_sampler_compute_source_index(g.y, size.y),
    grid_sampler_compute_source_index(g.z, size.z),
  );
  if (MODE == 1u) {
    // WGSL round() rounds half to even, like PyTorch's std::nearbyint
    let r = round(p);
    let valid = inside(r.x, size.x) && inside(r.y, size.y) && inside(r.z, size.z);
    let offset = voxel_offset(safe_index(r.x, size.x), safe_index(r.y, size.y), safe_index(r.z, size.z));
    for (var c = 0u; c < params.c; c++) {
      output[out_base + c * out_volume] = select(0.0, input[in_base + c * in_volume + offset], valid);
    }
    return;
  }
  let p0 = floor(p);
  // Distances to the far and near faces, as PyTorch forms them: (p0 + 1) - p and p - p0.
  let far = (p0 + 1.0) - p;
  let near = p - p0;
  var offsets: array<u32, 8>;
  var weights: array<f32, 8>;
  var valid: array<bool, 8>;
  // Corner order t/b (z), n/s (y), w/e (x): tnw, tne, tsw, tse, bnw, bne, bsw, bse.
  for (var k = 0u; k < 8u; k++) {
    let d = vec3<f32>(f32(k & 1u), f32((k >> 1u) & 1u), f32(k >> 2u));
    let corner = p0 + d;
    let weight = select(far, near, d == vec3<f32>(1.0));
    weights[k] = (weight.x * weight.y) * weight.z;
    valid[k] = inside(corner.x, size.x) && inside(corner.y, size.y) && inside(corner.z, size.z);
    offsets[k] = voxel_offset(safe_index(corner.x, size.x), safe_index(corner.y, size.y), safe_index(corner.z, size.z));
  }
  for (var c = 0u; c < params.c; c++) {
    let volume = in_base + c * in_volume;
    var sum = 0.0;
    for (var k = 0u; k < 8u; k++) {
      sum += select(0.0, input[volume + offsets[k]] * weights[k], valid[k]);
    }
    output[out_base + c * out_volume] = sum;
  }
}

fn voxel_offset(x: u32, y: u32, z: u32) -> u32 {
  return (z * params.in_h + y) * params.in_w + x;
}
