// Backward of affine_grid: d loss / d theta from d loss / d grid. The grid is base @ theta^T with base
// (x, y[, z], 1), so grad_theta[n, r, k] = sum over points of grad_grid[n, point, r] * base[point, k].
// One workgroup per batch item: each invocation sums a strided share of the points, then a tree
// reduction in workgroup memory adds the shares in a fixed order, so results are deterministic.

override SPATIAL_DIMS: u32 = 2u;
override ALIGN_CORNERS: bool = false;
const REDUCE_SIZE: u32 = 128u;

struct Params {
  n: u32,
  d: u32,
  h: u32,
  w: u32,
  // workgroups per dispatch row (batches past 65535 fold into y)
  groups_per_row: u32,
}

@group(0) @binding(0) var<storage, read> grad_grid: array<f32>;
@group(0) @binding(1) var<storage, read_write> grad_theta: array<f32>;
@group(0) @binding(2) var<uniform> params: Params;

// per invocation: the 3 x 4 sums [row r][x, y, z, 1] (2-D uses rows 0-1 and skips z)
var<workgroup> shares: array<array<f32, 12>, REDUCE_SIZE>;

// torch.linspace(-1, 1, steps)[i] scaled by (steps - 1) / steps unless ALIGN_CORNERS: the base grid of
// affine_grid, the same steps as linspace_from_neg_one in affine-grid.wgsl
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

@compute @workgroup_size(REDUCE_SIZE)
fn affine_grid_backward(@builtin(workgroup_id) wid: vec3<u32>, @builtin(local_invocation_index) lid: u32) {
  let batch = wid.x + wid.y * params.groups_per_row;
  if (batch >= params.n) {
    return;
  }
  let plane = params.h * params.w;
  let volume = params.d * plane;
  var sums: array<f32, 12>;
  for (var point = lid; point < volume; point += REDUCE_SIZE) {
    let z = point / plane;
    let y = (point - z * plane) / params.w;
    let x = point - z * plane - y * params.w;
    let base = vec4<f32>(
      linspace_from_neg_one(x, params.w),
      linspace_from_neg_one(y, params.h),
      linspace_from_neg_one(z, params.d),
      1.0,
    );
    for (var r = 0u; r < SPATIAL_DIMS; r++) {
      let g = grad_grid[(batch * volume + point) * SPATIAL_DIMS + r];
      for (var k = 0u; k < 4u; k++) {
        sums[r * 4u + k] += g * base[k];
      }
    }
  }
  shares[lid] = sums;
  workgroupBarrier();
  for (var stride = REDUCE_SIZE / 2u; stride > 0u; stride /= 2u) {
    if (lid < stride) {
      for (var k = 0u; k < 12u; k++) {
        shares[lid][k] += shares[lid + stride][k];
      }
    }
    workgroupBarrier();
  }
  if (lid == 0u) {
    // theta row r is (x, y, 1) in 2-D and (x, y, z, 1) in 3-D
    let cols = SPATIAL_DIMS + 1u;
    for (var r = 0u; r < SPATIAL_DIMS; r++) {
      for (var k = 0u; k < cols; k++) {
        let column = select(k, 3u, k == SPATIAL_DIMS);
        grad_theta[(batch * SPATIAL_DIMS + r) * cols + k] = shares[0][r * 4u + column];
      }
    }
  }
}
