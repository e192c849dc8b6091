// The channels-last copy of a channels-first grid_sample input: [N, C, ...spatial] to [N, ...spatial,
// C]. The channels-last kernel then samples it with the channels of a tap in one cache line, instead of
// one plane apart. One invocation per 4 neighbouring pixels (voxels) of a batch item (the plane a
// multiple of 4): few invocations, since on software GPUs each costs more than its loads and stores.

override WORKGROUP_SIZE: u32 = 64u;

// The Params of grid-sample-2d.wgsl / grid-sample-3d.wgsl: one uniform layout for both passes.
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
  // floats per pixel of the copy
  in_stride: u32,
}

@group(0) @binding(0) var<storage, read> input: array<f32>;
@group(0) @binding(1) var<storage, read_write> output: array<f32>;
@group(0) @binding(2) var<uniform> params: Params;

@compute @workgroup_size(WORKGROUP_SIZE)
fn channels_last(@builtin(global_invocation_id) gid: vec3<u32>) {
  let index = gid.x + gid.y * params.row_pitch;
  let plane = params.in_d * params.in_h * params.in_w;
  let blocks = plane / 4u;
  if (index >= params.n * blocks) {
    return;
  }
  let batch = index / blocks;
  let q = index - batch * blocks;
  let stride = params.in_stride;
  // pixels q, q + blocks, q + 2 blocks, q + 3 blocks: neighbouring invocations read neighbouring floats
  var src = batch * params.c * plane + q;
  var dst = (batch * plane + q) * stride;
  let far = blocks * stride;
  for (var c = 0u; c < params.c; c++) {
    output[dst] = input[src];
    output[dst + far] = input[src + blocks];
    output[dst + 2u * far] = input[src + 2u * blocks];
    output[dst + 3u * far] = input[src + 3u * blocks];
    src += plane;
    dst += 1u;
  }
}
