// affine_grid: one invocation per grid point computes (x, y[, z], 1) @ theta^T, with the base
// coordinates of PyTorch's linspace_from_neg_one. theta is [N, 2, 3] (2-D) or [N, 3, 4] (3-D).

// #import affine-base.wgsl (linspace_from_neg_one, ALIGN_CORNERS)

override SPATIAL_DIMS: u32 = 2u;
override WORKGROUP_SIZE: u32 = 64u;

struct Params {
  n: u32,
  d: u32,
  h: u32,
  w: u32,
  row_pitch: u32,
  // this dispatch writes point_count points, from point point_offset of its first batch item on
  // (a grid larger than one storage binding is made in pieces)
  point_offset: u32,
  point_count: u32,
}

@group(0) @binding(0) var<storage, read> theta: array<f32>;
@group(0) @binding(1) var<storage, read_write> grid: array<f32>;
@group(0) @binding(2) var<uniform> params: Params;

@compute @workgroup_size(WORKGROUP_SIZE)
fn affine_grid(@builtin(global_invocation_id) gid: vec3<u32>) {
  let local = gid.x + gid.y * params.row_pitch;
  if (local >= params.point_count) {
    return;
  }
  let point = params.point_offset + local;
  let plane = params.h * params.w;
  let volume = params.d * plane;
  let batch = point / volume;
  let rest = point - batch * volume;
  let z = rest / plane;
  let y = (rest - z * plane) / params.w;
  let x = rest - z * plane - y * params.w;
  let base = vec3<f32>(
    linspace_from_neg_one(x, params.w),
    linspace_from_neg_one(y, params.h),
    linspace_from_neg_one(z, params.d),
  );
  let row_length = SPATIAL_DIMS + 1u;
  for (var r = 0u; r < SPATIAL_DIMS; r++) {
    let t = (batch * SPATIAL_DIMS + r) * row_length;
    var v = base.x * theta[t] + base.y * theta[t + 1u];
    if (SPATIAL_DIMS == 3u) {
      v += base.z * theta[t + 2u];
    }
    grid[local * SPATIAL_DIMS + r] = v + theta[t + SPATIAL_DIMS];
  }
}
