// float16 storage of ms-deform-attn.wgsl: value, sampling locations and attention weights hold IEEE
// binary16 values, two per u32 word (element i in the low half of word i / 2 when i is even, the high
// half when odd: a little-endian Float16Array). Read with core WGSL's unpack2x16float, so no adapter
// needs `shader-f16`; the arithmetic stays f32. A sampling point (x, y) is exactly one word.

@group(0) @binding(0) var<storage, read> value: array<u32>;
@group(0) @binding(1) var<storage, read> locations: array<u32>;
@group(0) @binding(2) var<storage, read> weights: array<u32>;

fn load_value(i: u32) -> f32 {
  return unpack2x16float(value[i >> 1u])[i & 1u];
}

// values 4i .. 4i + 3: two whole words
fn load_value4(i: u32) -> vec4<f32> {
  return vec4<f32>(unpack2x16float(value[2u * i]), unpack2x16float(value[2u * i + 1u]));
}

// sampling point `i`: (x, y)
fn load_location(i: u32) -> vec2<f32> {
  return unpack2x16float(locations[i]);
}

fn load_weight(i: u32) -> f32 {
  return unpack2x16float(weights[i >> 1u])[i & 1u];
}
