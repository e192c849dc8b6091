// Backward of affine_grid: d loss / d theta from d loss / d grid. The grid is base @ theta^T with base
// (x, y[, z], 1), so grad_theta[n, r, k] = sum over points of grad_grid[n, point, r] * base[point, k].
// Two passes, each summing in a fixed order, so results are deterministic run to run:
//   affine_grid_backward_partial: one invocation per (batch item, chunk of CHUNK points)
//   affine_grid_backward_total:   one invocation per batch item adds its chunks in order
// A grad_grid larger than one binding runs as pieces of whole chunks (src/gpu/ops/affine-grid-backward.ts),
// each binding its slice of grad_grid and its own partial sums; a batch item split between pieces adds
// the sums of each later piece to grad_theta.
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
  // this piece: tasks (batch item, chunk) first_task .. first_task + tasks - 1; grad_grid holds their
  // points, from the first point of first_task on, and partials their sums
  first_task: u32,
  tasks: u32,
}

@group(0) @binding(0) var<storage, read> grad_grid: array<f32>;
// per task of the piece: three rows of sums (x, y, z, 1) * grad, row r for output coordinate r
@group(0) @binding(1) var<storage, read_write> partials: array<vec4<f32>>;
@group(0) @binding(2) var<storage, read_write> grad_theta: array<f32>;
@group(0) @binding(3) var<uniform> params: Params;

@compute @workgroup_size(WORKGROUP_SIZE)
fn affine_grid_backward_partial(@builtin(global_invocation_id) gid: vec3<u32>) {
  let local = gid.x + gid.y * params.row_pitch;
  if (local >= params.tasks) {
    return;
  }
  let task = params.first_task + local;
  let batch = task / params.chunks;
  let plane = params.h * params.w;
  let volume = params.d * plane;
  let first = (task - batch * params.chunks) * CHUNK;
  let last = min(first + CHUNK, volume);
  // the slice of grad_grid starts at point slice_point of batch item slice_batch (u32 wraps cancel)
  let slice_batch = params.first_task / params.chunks;
  let slice_point = (params.first_task - slice_batch * params.chunks) * CHUNK;
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
    let at = ((batch - slice_batch) * volume + point - slice_point) * SPATIAL_DIMS;
    row0 += grad_grid[at] * base;
    row1 += grad_grid[at + 1u] * base;
    if (SPATIAL_DIMS == 3u) {
      row2 += grad_grid[at + 2u] * base;
    }
  }
  partials[local * 3u] = row0;
  partials[local * 3u + 1u] = row1;
  partials[local * 3u + 2u] = row2;
}

@compute @workgroup_size(WORKGROUP_SIZE)
fn affine_grid_backward_total(@builtin(global_invocation_id) gid: vec3<u32>) {
  // the batch items of this piece, from the one of its first task on
  let end_task = params.first_task + params.tasks;
  let batch = params.first_task / params.chunks + gid.x + gid.y * params.row_pitch;
  if (batch * params.chunks >= end_task) {
    return;
  }
  // its tasks in this piece
  let first = max(params.first_task, batch * params.chunks);
  let last = min(end_task, (batch + 1u) * params.chunks);
  var rows = array<vec4<f32>, 3>(vec4<f32>(0.0), vec4<f32>(0.0), vec4<f32>(0.0));
  for (var task = first; task < last; task++) {
    let at = (task - params.first_task) * 3u;
    rows[0] += partials[at];
    rows[1] += partials[at + 1u];
    rows[2] += partials[at + 2u];
  }
  // begun in an earlier piece: add to what that piece wrote
  let continued = first > batch * params.chunks;
  // theta row r is (x, y, 1) in 2-D and (x, y, z, 1) in 3-D
  let cols = SPATIAL_DIMS + 1u;
  for (var r = 0u; r < SPATIAL_DIMS; r++) {
    let out = (batch * SPATIAL_DIMS + r) * cols;
    var row = rows[r];
    if (continued) {
      let z = select(0.0, grad_theta[out + 2u], SPATIAL_DIMS == 3u);
      row += vec4<f32>(grad_theta[out], grad_theta[out + 1u], z, grad_theta[out + SPATIAL_DIMS]);
    }
    grad_theta[out] = row.x;
    grad_theta[out + 1u] = row.y;
    if (SPATIAL_DIMS == 3u) {
      grad_theta[out + 2u] = row.z;
    }
    grad_theta[out + SPATIAL_DIMS] = row.w;
  }
}
