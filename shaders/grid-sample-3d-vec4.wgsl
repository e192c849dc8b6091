// grid_sample of a channels-last 5-D input with C a multiple of 4 (`layout: 'nhwc'`): each corner loads
// 4 channels at once, and each voxel's output channels are stored 4 at a time: a second entry point of
// grid-sample-3d.wgsl, whose corners it shares.

// #import grid-sample-3d.wgsl (and what it imports)

// The input again, 4 floats at a time (one resource, bound at the same binding as `input`).
@group(0) @binding(0) var<storage, read> input4: array<vec4<f32>>;

@compute @workgroup_size(WORKGROUP_SIZE)
fn grid_sample_3d_vec4(@builtin(global_invocation_id) gid: vec3<u32>) {
  let index = gid.x + gid.y * params.row_pitch;
  let out_volume = params.out_d * params.out_h * params.out_w;
  if (index >= params.n * out_volume) {
    return;
  }
  let v = voxel_at(index, out_volume);
  let groups = params.c / 4u; // C is a multiple of 4
  if (MODE == 1u) {
    let t = nearest_voxel(v);
    let src = (v.src + t.offset) / 4u;
    for (var k = 0u; k < groups; k++) {
      store4(v, k, select(vec4<f32>(0.0), input4[src + k], t.valid));
    }
    return;
  }
  let t = trilinear_taps(v);
  // in vec4 units: voxel offsets are multiples of C, itself a multiple of 4
  let top = t.top / 4u;
  let bottom = t.bottom / 4u;
  let src = v.src / 4u;
  let zero = vec4<f32>(0.0);
  for (var k = 0u; k < groups; k++) {
    let s = src + k;
    let sum = select(zero, input4[s + top.x], t.in_top.x) * t.w_top.x +
      select(zero, input4[s + top.y], t.in_top.y) * t.w_top.y +
      select(zero, input4[s + top.z], t.in_top.z) * t.w_top.z +
      select(zero, input4[s + top.w], t.in_top.w) * t.w_top.w +
      select(zero, input4[s + bottom.x], t.in_bottom.x) * t.w_bottom.x +
      select(zero, input4[s + bottom.y], t.in_bottom.y) * t.w_bottom.y +
      select(zero, input4[s + bottom.z], t.in_bottom.z) * t.w_bottom.z +
      select(zero, input4[s + bottom.w], t.in_bottom.w) * t.w_bottom.w;
    store4(v, k, sum);
  }
}

// Stores channels 4k .. 4k + 3 of one output voxel (channels last).
fn store4(v: Voxel, k: u32, value: vec4<f32>) {
  let kept = select(vec4<f32>(0.0), value, v.sampled);
  let c = v.dst + 4u * k;
  output[c] = kept.x;
  output[c + 1u] = kept.y;
  output[c + 2u] = kept.z;
  output[c + 3u] = kept.w;
}
