// affine_grid: one invocation per grid point computes (x, y[, z], 1) @ theta^T, with the base
// coordinates of PyTorch's linspace_from_neg_one. theta is [N, 2, 3] (2-D) or [N, 3, 4] (3-D).

override SPATIAL_DIMS: u32 = 2u;
override ALIGN_CORNERS: bool = false;
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

// torch.linspace(-1, 1, steps)[i] (filled from -1 for the first half, back from +1 for the second),
// scaled by (steps - 1) / steps unless ALIGN_CORNERS
fn linspace_from_neg_one(i: u32, steps: u32) -> f32 {
  if (steps <= 1u) {
    return 0.0;
  }
  let n = f32(steps);
  let step = 2.0 / (n - 1.0);
  var v: f32;
  if (i < steps / 2u) {
    v = -1.0 + step * f32(i);
  } else {
    v = 1.0 - step * f32(steps - 1u - i);
  }
  if (ALIGN_CORNERS) {
    return v;
  }
  return (v * (n - 1.0)) / n;
}

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
