// Backward of affine_grid: d loss / d theta from d loss / d grid. The grid is base @ theta^T with base
// (x, y[, z], 1), so grad_theta[n, r, k] = sum over points of grad_grid[n, point, r] * base[point, k].
// Two passes, each summing in a fixed order, so results are deterministic run to run:
//   affine_grid_backward_partial: one invocation per (batch item, chunk of CHUNK points)
//   affine_grid_backward_total:   one invocation per batch item adds its chunks in order
// (No workgroup memory: software renderers such as SwiftShader compile it slowly.)

// #import affine-base.wgsl (linspace_from_neg_one, ALIGN_CORNERS)

override SPATIAL_DIMS: u32 = 2u;
override WORKGROUP_SIZE: u32 = 64u;
const CHUNK: u32 = 256u;

struct Params {
  n: u32,
  d: u32,
  h: u32,
  w: u32,
  // chunks per batch item: max(1, ceil(d * h * w / CHUNK))
  chunks: u32,
  // invocations per row of a 2-D dispatch
  row_pitch: u32,
}

@group(0) @binding(0) var<storage, read> grad_grid: array<f32>;
// per (batch item, chunk): three rows of sums (x, y, z, 1) * grad, row r for output coordinate r
@group(0) @binding(1) var<storage, read_write> partials: array<vec4<f32>>;
@group(0) @binding(2) var<storage, read_write> grad_theta: array<f32>;
@group(0) @binding(3) var<uniform> params: Params;

@compute @workgroup_size(WORKGROUP_SIZE)
fn affine_grid_backward_partial(@builtin(global_invocation_id) gid: vec3<u32>) {
  let task = gid.x + gid.y * params.row_pitch;
  if (task >= params.n * params.chunks) {
    return;
  }
  let batch = task / params.chunks;
  let plane = params.h * params.w;
  let volume = params.d * plane;
  let first = (task - batch * params.chunks) * CHUNK;
  let last = min(first + CHUNK, volume);
  var row0 = vec4<f32>(0.0);
  var row1 = vec4<f32>(0.0);
  var row2 = vec4<f32>(0.0);
  for (var point = first; point < last; point++) {
    let z = point / plane;
    let y = (point - z * plane) / params.w;
    let x = point - z * plane - y * params.w;
    let base = vec4<f32>(
      linspace_from_neg_one(x, params.w),
      linspace_from_neg_one(y, params.h),
      linspace_from_neg_one(z, params.d),
      1.0,
    );
    let at = (batch * volume + point) * SPATIAL_DIMS;
    row0 += grad_grid[at] * base;
    row1 += grad_grid[at + 1u] * base;
    if (SPATIAL_DIMS == 3u) {
      row2 += grad_grid[at + 2u] * base;
    }
  }
  partials[task * 3u] = row0;
  partials[task * 3u + 1u] = row1;
  partials[task * 3u + 2u] = row2;
}

@compute @workgroup_size(WORKGROUP_SIZE)
fn affine_grid_backward_total(@builtin(global_invocation_id) gid: vec3<u32>) {
  let batch = gid.x + gid.y * params.row_pitch;
  if (batch >= params.n) {
    return;
  }
  var rows = array<vec4<f32>, 3>(vec4<f32>(0.0), vec4<f32>(0.0), vec4<f32>(0.0));
  for (var chunk = 0u; chunk < params.chunks; chunk++) {
    let task = batch * params.chunks + chunk;
    rows[0] += partials[task * 3u];
    rows[1] += partials[task * 3u + 1u];
    rows[2] += partials[task * 3u + 2u];
  }
  // theta row r is (x, y, 1) in 2-D and (x, y, z, 1) in 3-D
  let cols = SPATIAL_DIMS + 1u;
  for (var r = 0u; r < SPATIAL_DIMS; r++) {
    let out = (batch * SPATIAL_DIMS + r) * cols;
    grad_theta[out] = rows[r].x;
    grad_theta[out + 1u] = rows[r].y;
    if (SPATIAL_DIMS == 3u) {
      grad_theta[out + 2u] = rows[r].z;
    }
    grad_theta[out + SPATIAL_DIMS] = rows[r].w;
  }
}
