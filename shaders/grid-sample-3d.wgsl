// grid_sample for 5-D input and grid [N, D_out, H_out, W_out, 3] (x, y, z): trilinear and nearest.
// Input and output channels first ([N, C, D, H, W], [N, C, D_out, H_out, W_out]) or channels last
// ([N, D, H, W, C], [N, D_out, H_out, W_out, C]), chosen by override constants. One invocation per
// output voxel computes its 8 corners once, then loops over channels. grid-sample-3d-vec4.wgsl adds
// the entry point that loads 4 channels at a time.

// #import coordinates.wgsl (coordinate math, PADDING and ALIGN_CORNERS)
// #import sample-params.wgsl (struct Params: the call's shape and row pitch)
// #import grid-sample-storage-*-3d.wgsl (bindings 0 and 1, input and grid, float32 or float16, read
//   through load_input and load_grid)

// 0 trilinear, 1 nearest
override MODE: u32 = 0u;
override WORKGROUP_SIZE: u32 = 64u;
// Memory order of input and output, constant per pipeline (as in grid-sample-2d.wgsl).
override CHANNELS_LAST: bool = false;

@group(0) @binding(2) var<storage, read_write> output: array<f32>;
@group(0) @binding(3) var<uniform> params: Params;

// Where one output voxel reads and writes (as Pixel in grid-sample-2d.wgsl).
struct Voxel {
  g: vec3<f32>,
  // false for a NaN grid point, which samples nothing (0 in every channel)
  sampled: bool,
  src: u32,
  dst: u32,
}

fn in_pixel_step() -> u32 {
  return select(1u, params.c, CHANNELS_LAST);
}

fn in_channel_step() -> u32 {
  return select(params.in_d * params.in_h * params.in_w, 1u, CHANNELS_LAST);
}

fn out_channel_step(out_volume: u32) -> u32 {
  return select(out_volume, 1u, CHANNELS_LAST);
}

fn voxel_at(index: u32, out_volume: u32) -> Voxel {
  let batch = index / out_volume;
  let raw = load_grid(index);
  let sampled = !(is_nan(raw.x) || is_nan(raw.y) || is_nan(raw.z));
  let in_item = params.in_d * params.in_h * params.in_w * params.c;
  var dst = index + batch * (params.c - 1u) * out_volume;
  if (CHANNELS_LAST) {
    dst = index * params.c;
  }
  // a NaN point samples from (0, 0, 0), so every index stays in bounds; its result is zeroed
  return Voxel(select(vec3<f32>(0.0), raw, sampled), sampled, batch * in_item, dst);
}

@compute @workgroup_size(WORKGROUP_SIZE)
fn grid_sample_3d(@builtin(global_invocation_id) gid: vec3<u32>) {
  let index = gid.x + gid.y * params.row_pitch;
  let out_volume = params.out_d * params.out_h * params.out_w;
  if (index >= params.n * out_volume) {
    return;
  }
  let v = voxel_at(index, out_volume);
  let in_step = in_channel_step();
  let out_step = out_channel_step(out_volume);
  if (MODE == 1u) {
    let t = nearest_voxel(v);
    for (var c = 0u; c < params.c; c++) {
      output[v.dst + c * out_step] = select(0.0, load_input(v.src + t.offset + c * in_step), t.valid);
    }
    return;
  }
  let t = trilinear_taps(v);
  for (var c = 0u; c < params.c; c++) {
    let s = v.src + c * in_step;
    let top = vec4<f32>(
      select(0.0, load_input(s + t.top.x), t.in_top.x),
      select(0.0, load_input(s + t.top.y), t.in_top.y),
      select(0.0, load_input(s + t.top.z), t.in_top.z),
      select(0.0, load_input(s + t.top.w), t.in_top.w),
    ) * t.w_top;
    let bottom = vec4<f32>(
      select(0.0, load_input(s + t.bottom.x), t.in_bottom.x),
      select(0.0, load_input(s + t.bottom.y), t.in_bottom.y),
      select(0.0, load_input(s + t.bottom.z), t.in_bottom.z),
      select(0.0, load_input(s + t.bottom.w), t.in_bottom.w),
    ) * t.w_bottom;
    let sum = top.x + top.y + top.z + top.w + bottom.x + bottom.y + bottom.z + bottom.w;
    output[v.dst + c * out_step] = select(0.0, sum, v.sampled);
  }
}

fn voxel_offset(x: u32, y: u32, z: u32) -> u32 {
  return ((z * params.in_h + y) * params.in_w + x) * in_pixel_step();
}

fn input_size() -> vec3<f32> {
  return vec3<f32>(f32(params.in_w), f32(params.in_h), f32(params.in_d));
}

// The nearest voxel's offset from its batch item's first element, and whether it is sampled.
struct Nearest {
  offset: u32,
  valid: bool,
}

fn nearest_voxel(v: Voxel) -> Nearest {
  let size = input_size();
  // WGSL round() rounds half to even, like PyTorch's std::nearbyint
  let r = round(vec3<f32>(
    grid_sampler_compute_source_index(v.g.x, size.x),
    grid_sampler_compute_source_index(v.g.y, size.y),
    grid_sampler_compute_source_index(v.g.z, size.z),
  ));
  let valid = v.sampled && inside(r.x, size.x) && inside(r.y, size.y) && inside(r.z, size.z);
  return Nearest(voxel_offset(safe_index(r.x, size.x), safe_index(r.y, size.y), safe_index(r.z, size.z)), valid);
}

// The 8 corners of a trilinear sample, top (z0) and bottom (z0 + 1) faces, each in the order nw, ne,
// sw, se: offsets, weights ((wx * wy) * wz, as PyTorch) and which lie inside. Kept in vectors, not
// private arrays, which SwiftShader keeps in memory.
struct Trilinear {
  top: vec4<u32>,
  bottom: vec4<u32>,
  w_top: vec4<f32>,
  w_bottom: vec4<f32>,
  in_top: vec4<bool>,
  in_bottom: vec4<bool>,
}

fn trilinear_taps(v: Voxel) -> Trilinear {
  let size = input_size();
  let p = vec3<f32>(
    grid_sampler_compute_source_index(v.g.x, size.x),
    grid_sampler_compute_source_index(v.g.y, size.y),
    grid_sampler_compute_source_index(v.g.z, size.z),
  );
  let p0 = floor(p);
  // Distances to the far and near faces, as PyTorch forms them: (p0 + 1) - p and p - p0.
  let far = (p0 + 1.0) - p;
  let near = p - p0;
  let in_x0 = tap_inside(p0.x, size.x);
  let in_x1 = tap_inside(p0.x + 1.0, size.x);
  let in_y0 = tap_inside(p0.y, size.y);
  let in_y1 = tap_inside(p0.y + 1.0, size.y);
  let in_z0 = tap_inside(p0.z, size.z);
  let in_z1 = tap_inside(p0.z + 1.0, size.z);
  let x0 = safe_index(p0.x, size.x);
  let x1 = safe_index(p0.x + 1.0, size.x);
  let y0 = safe_index(p0.y, size.y);
  let y1 = safe_index(p0.y + 1.0, size.y);
  let z0 = safe_index(p0.z, size.z);
  let z1 = safe_index(p0.z + 1.0, size.z);
  let face = vec4<f32>(far.x * far.y, near.x * far.y, far.x * near.y, near.x * near.y);
  let face_in = vec4<bool>(in_y0 && in_x0, in_y0 && in_x1, in_y1 && in_x0, in_y1 && in_x1);
  return Trilinear(
    vec4<u32>(voxel_offset(x0, y0, z0), voxel_offset(x1, y0, z0), voxel_offset(x0, y1, z0), voxel_offset(x1, y1, z0)),
    vec4<u32>(voxel_offset(x0, y0, z1), voxel_offset(x1, y0, z1), voxel_offset(x0, y1, z1), voxel_offset(x1, y1, z1)),
    face * far.z,
    face * near.z,
    face_in & vec4<bool>(in_z0),
    face_in & vec4<bool>(in_z1),
  );
}
