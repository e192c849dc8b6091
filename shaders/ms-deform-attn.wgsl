// Multi-scale deformable attention (MSDeformAttn), fused: for each (batch, query, head), the sum over
// levels l and points p of weight * bilinear(value of level l and that head, at the point), sampled as
// grid_sample(bilinear, zeros, align_corners=False) at grid 2 * loc - 1. One invocation owns a
// (batch, query, head) and a block of GROUPS groups of 4 of its d channels (all of them up to d = 32):
// it reads each location and weight once, computes the four taps and their weights once per (level,
// point), accumulates its channels in a private array (registers, once a GPU compiler unrolls the
// loops over it) and writes its part of the output row. Nothing in between goes to memory.
//
// Two entry points: ms_deform_attn_vec4 loads each group of 4 channels as one vec4 (d a multiple of 4,
// so every group is aligned); ms_deform_attn loads them one by one (any d; past d the lanes of the last
// group read channel d - 1 again and are not stored). A block per (batch, query, head) rather than a
// group per invocation: on SwiftShader, where invocations are CPU SIMD lanes, computing the taps once
// for 8 groups measured 2.7x less worker CPU on the D2 benchmark than once per group (bench/NOTES.md).

// #import coordinates.wgsl (grid_sampler_unnormalize, is_nan, inside, safe_index)
// #import ms-deform-attn-storage-*.wgsl (bindings 0-2: value, locations, weights, float32 or float16,
//   read through load_value, load_value4, load_location and load_weight)

override WORKGROUP_SIZE: u32 = 64u;

struct Params {
  // batch items, and queries per batch item, in this piece (a piece is whole batch items, or a range of
  // one item's queries)
  batches: u32,
  queries: u32,
  heads: u32,
  // channels per head (d)
  channels: u32,
  levels: u32,
  points: u32,
  // value positions per batch item: S, the sum of H_l * W_l
  positions: u32,
  // invocations per row of a 2-D dispatch (large calls exceed 65535 workgroups in x)
  row_pitch: u32,
}

// per level: (H, W, first value position of the level, unused)
@group(0) @binding(3) var<storage, read> level_shapes: array<vec4<u32>>;
@group(0) @binding(4) var<storage, read_write> output: array<f32>;
@group(0) @binding(5) var<uniform> params: Params;

// Groups of 4 channels per invocation: a divisor of ceil(d / 4), at most 8 (msDeformAttnGroups in
// src/gpu/ops/ms-deform-attn.ts). A pipeline constant, so a GPU compiler can unroll the loops over it
// and keep the sums in registers. (Written out by hand as 8 registers, D2 took 1.3x the worker CPU on
// SwiftShader; one flat loop over the (level, point) pairs instead of two nested ones, 0.96x.)
override GROUPS: u32 = 8u;

// What one invocation computes: output row `row` ((batch * queries + query) * heads + head), channel
// groups first_group .. first_group + GROUPS - 1, reading the value from element `base` (position 0 of
// its batch item, its head, channel 4 * first_group).
struct Item {
  row: u32,
  first_group: u32,
  base: u32,
  valid: bool,
}

fn item_at(gid: vec3<u32>) -> Item {
  let blocks = (params.channels + 3u) / 4u / GROUPS;
  let index = gid.x + gid.y * params.row_pitch;
  let row = index / blocks;
  let first_group = (index % blocks) * GROUPS;
  let head = row % params.heads;
  let batch = row / (params.queries * params.heads);
  let base = (batch * params.positions * params.heads + head) * params.channels + 4u * first_group;
  return Item(row, first_group, base, row < params.batches * params.queries * params.heads);
}

// The four bilinear taps of one sampling point (nw, ne, sw, se): value positions (clamped into the
// level, so every read is in bounds), weights, and which taps lie inside the level. A NaN location has
// no tap inside: it samples 0, as gridSampleCpu. ±Infinity and huge values are clamped by
// grid_sampler_unnormalize and land outside.
struct Taps {
  positions: vec4<u32>,
  weights: vec4<f32>,
  inside: vec4<bool>,
}

fn bilinear_taps(level: vec4<u32>, raw: vec2<f32>) -> Taps {
  let sampled = !(is_nan(raw.x) || is_nan(raw.y));
  let loc = select(vec2<f32>(0.0), raw, sampled);
  let h = f32(level.x);
  let w = f32(level.y);
  // grid_sample's grid is 2 * loc - 1; its pixel coordinate ((g + 1) * W - 1) / 2
  let x = grid_sampler_unnormalize(2.0 * loc.x - 1.0, w);
  let y = grid_sampler_unnormalize(2.0 * loc.y - 1.0, h);
  let x0 = floor(x);
  let y0 = floor(y);
  let east = x - x0;
  let west = 1.0 - east;
  let south = y - y0;
  let north = 1.0 - south;
  let in_x0 = inside(x0, w);
  let in_x1 = inside(x0 + 1.0, w);
  let in_y0 = inside(y0, h) && sampled;
  let in_y1 = inside(y0 + 1.0, h) && sampled;
  let row0 = level.z + safe_index(y0, h) * level.y;
  let row1 = level.z + safe_index(y0 + 1.0, h) * level.y;
  let col0 = safe_index(x0, w);
  let col1 = safe_index(x0 + 1.0, w);
  return Taps(
    vec4<u32>(row0 + col0, row0 + col1, row1 + col0, row1 + col1),
    vec4<f32>(north * west, north * east, south * west, south * east),
    vec4<bool>(in_y0 && in_x0, in_y0 && in_x1, in_y1 && in_x0, in_y1 && in_x1),
  );
}

// One term: the point's bilinear sample of 4 channels (taps outside the level are 0, never read) times
// its attention weight, in PyTorch's order: ((nw + ne) + sw) + se, then * weight.
fn term(v_nw: vec4<f32>, v_ne: vec4<f32>, v_sw: vec4<f32>, v_se: vec4<f32>, t: Taps, weight: f32) -> vec4<f32> {
  let zero = vec4<f32>(0.0);
  let sample = select(zero, v_nw, t.inside.x) * t.weights.x + select(zero, v_ne, t.inside.y) * t.weights.y +
    select(zero, v_sw, t.inside.z) * t.weights.z + select(zero, v_se, t.inside.w) * t.weights.w;
  return sample * weight;
}

// Channels `lanes` from element `at` (lanes clamped below d: in bounds).
fn load_channels(at: u32, lanes: vec4<u32>) -> vec4<f32> {
  return vec4<f32>(load_value(at + lanes.x), load_value(at + lanes.y), load_value(at + lanes.z), load_value(at + lanes.w));
}

@compute @workgroup_size(WORKGROUP_SIZE)
fn ms_deform_attn(@builtin(global_invocation_id) gid: vec3<u32>) {
  let item = item_at(gid);
  if (!item.valid) {
    return;
  }
  // channel offsets of each group's lanes from item.base, clamped to d - 1
  var lanes: array<vec4<u32>, 8>;
  for (var k = 0u; k < GROUPS; k++) {
    lanes[k] = min(vec4<u32>(4u * k) + vec4<u32>(0u, 1u, 2u, 3u), vec4<u32>(params.channels - 1u - 4u * item.first_group));
  }
  let stride = params.heads * params.channels;
  var sums: array<vec4<f32>, 8>;
  let n = params.levels * params.points;
  let first = item.row * n;
  for (var i = 0u; i < n; i++) {
    let point = first + i;
    let t = bilinear_taps(level_shapes[i / params.points], load_location(point));
    let a = load_weight(point);
    let at = t.positions * stride + item.base;
    for (var k = 0u; k < GROUPS; k++) {
      let v = lanes[k];
      sums[k] += term(load_channels(at.x, v), load_channels(at.y, v), load_channels(at.z, v), load_channels(at.w, v), t, a);
    }
  }
  let out = item.row * params.channels + 4u * item.first_group;
  let count = min(4u * GROUPS, params.channels - 4u * item.first_group);
  for (var c = 0u; c < count; c++) {
    output[out + c] = sums[c / 4u][c % 4u];
  }
}

@compute @workgroup_size(WORKGROUP_SIZE)
fn ms_deform_attn_vec4(@builtin(global_invocation_id) gid: vec3<u32>) {
  let item = item_at(gid);
  if (!item.valid) {
    return;
  }
  // in vec4 units: positions are heads * d floats apart, and d is a multiple of 4
  let stride = params.heads * params.channels / 4u;
  let base = item.base / 4u;
  var sums: array<vec4<f32>, 8>;
  let n = params.levels * params.points;
  let first = item.row * n;
  for (var i = 0u; i < n; i++) {
    let point = first + i;
    let t = bilinear_taps(level_shapes[i / params.points], load_location(point));
    let a = load_weight(point);
    let at = t.positions * stride + base;
    for (var k = 0u; k < GROUPS; k++) {
      sums[k] += term(load_value4(at.x + k), load_value4(at.y + k), load_value4(at.z + k), load_value4(at.w + k), t, a);
    }
  }
  let out = item.row * params.channels + 4u * item.first_group;
  for (var k = 0u; k < GROUPS; k++) {
    output[out + 4u * k] = sums[k].x;
    output[out + 4u * k + 1u] = sums[k].y;
    output[out + 4u * k + 2u] = sums[k].z;
    output[out + 4u * k + 3u] = sums[k].w;
  }
}
