// Packs float32 values into float16 words: the store of a float16 grid_sample. The sampling kernel
// writes f32 into a scratch buffer, then each invocation here owns two output words (four values).
// Two neighbouring float16 outputs share a u32 word but belong to different sampling invocations (the
// neighbouring pixel, channels first), so storing halves from the sampler would race; here no two
// invocations touch the same word. The last word of an odd count keeps its high half (bytes past the
// output) as it was. Four values per invocation measured 4-5 % less work than two on SwiftShader.
//
// Rounding is done here by hand, to nearest even as IEEE and PyTorch's .half() do, with overflow to
// ±Inf and NaN kept NaN: WGSL leaves pack2x16float's result undefined outside the finite float16 range
// and lets it round either way.

override WORKGROUP_SIZE: u32 = 64u;

struct Params {
  // float16 values to write
  count: u32,
  // invocations per row of a 2-D dispatch
  row_pitch: u32,
}

// the f32 values, 4 at a time (bound rounded up to 16 bytes; lanes past `count` are not stored)
@group(0) @binding(0) var<storage, read> source: array<vec4<f32>>;
@group(0) @binding(1) var<storage, read_write> output: array<u32>;
@group(0) @binding(2) var<uniform> params: Params;

// The binary16 bits of `v`, rounded to nearest even. Every case is computed and one selected, without
// branches: software GPUs run both sides of a branch anyway, and this measured faster there.
fn float16_bits(v: vec4<f32>) -> vec4<u32> {
  let bits = bitcast<vec4<u32>>(v);
  let sign = (bits >> vec4<u32>(16u)) & vec4<u32>(0x8000u);
  let magnitude = bits & vec4<u32>(0x7fffffffu);
  // normal (>= 2^-14): rebias the exponent (127 - 15 = 112) and round off 13 mantissa bits, ties to
  // even; a carry into the exponent is the right result. Wraps below 2^-14, where it is not selected.
  let odd = (magnitude >> vec4<u32>(13u)) & vec4<u32>(1u);
  let normal = (magnitude - vec4<u32>(0x38000000u - 0xfffu) + odd) >> vec4<u32>(13u);
  // subnormal: a multiple of 2^-24, found exactly by scaling (a power of two) and round(), which rounds
  // half to even; 1024 comes out as the smallest normal's bits. Clamped (not selected) for large v.
  let subnormal = vec4<u32>(round(min(abs(v), vec4<f32>(1.0)) * 16777216.0));
  var half = select(normal, subnormal, magnitude < vec4<u32>(0x38800000u));
  // 65520 and above round to Inf, as does Inf; NaN stays NaN
  half = select(half, vec4<u32>(0x7c00u), magnitude >= vec4<u32>(0x477ff000u));
  half = select(half, vec4<u32>(0x7e00u), magnitude > vec4<u32>(0x7f800000u));
  return sign | half;
}

@compute @workgroup_size(WORKGROUP_SIZE)
fn float16_pack(@builtin(global_invocation_id) gid: vec3<u32>) {
  let quad = gid.x + gid.y * params.row_pitch;
  let first = quad * 4u;
  if (first >= params.count) {
    return;
  }
  let h = float16_bits(source[quad]);
  let word = quad * 2u;
  let left = params.count - first;
  if (left >= 4u) {
    output[word] = h.x | (h.y << 16u);
    output[word + 1u] = h.z | (h.w << 16u);
    return;
  }
  // the last 1 to 3 values: a half word keeps its high half
  if (left >= 2u) {
    output[word] = h.x | (h.y << 16u);
  } else {
    output[word] = (output[word] & 0xffff0000u) | h.x;
  }
  if (left == 3u) {
    output[word + 1u] = (output[word + 1u] & 0xffff0000u) | h.z;
  }
}
