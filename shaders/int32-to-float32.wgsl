// int32 values to float32, one invocation each: for TF.js's webgpu backend, which keeps int32 and bool
// tensors as i32 and, when such a tensor is cast to float32, keeps those i32 words under the float32
// tensor (the cast loses nothing, so it copies nothing). The kernels read float32 storage.

override WORKGROUP_SIZE: u32 = 64u;

struct Params {
  // values to convert
  count: u32,
  // invocations per row of a 2-D dispatch
  row_pitch: u32,
}

@group(0) @binding(0) var<storage, read> source: array<i32>;
@group(0) @binding(1) var<storage, read_write> output: array<f32>;
@group(0) @binding(2) var<uniform> params: Params;

@compute @workgroup_size(WORKGROUP_SIZE)
fn int32_to_float32(@builtin(global_invocation_id) gid: vec3<u32>) {
  let i = gid.x + gid.y * params.row_pitch;
  if (i < params.count) {
    output[i] = f32(source[i]);
  }
}
