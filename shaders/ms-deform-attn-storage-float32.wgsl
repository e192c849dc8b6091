// float32 storage of ms-deform-attn.wgsl (the default): value, sampling locations and attention
// weights as they are in memory, and their loads. ms-deform-attn-storage-float16.wgsl is its float16
// twin; the kernel record picks one.

@group(0) @binding(0) var<storage, read> value: array<f32>;
// The value again, 4 floats at a time, for ms_deform_attn_vec4 (d a multiple of 4); one resource, bound
// at the same binding: each entry point uses one of the two.
@group(0) @binding(0) var<storage, read> value4: array<vec4<f32>>;
@group(0) @binding(1) var<storage, read> locations: array<vec2<f32>>;
@group(0) @binding(2) var<storage, read> weights: array<f32>;

fn load_value(i: u32) -> f32 {
  return value[i];
}

// values 4i .. 4i + 3
fn load_value4(i: u32) -> vec4<f32> {
  return value4[i];
}

// sampling point `i`: (x, y)
fn load_location(i: u32) -> vec2<f32> {
  return locations[i];
}

fn load_weight(i: u32) -> f32 {
  return weights[i];
}
