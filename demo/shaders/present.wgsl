// Draws grid_sample's output [1, 3, H, W] (float32, planar RGB) onto the canvas, one fragment per
// output pixel, straight from the storage buffer: no readback to the CPU.

struct Params {
  width: u32,
  height: u32,
}

@group(0) @binding(0) var<storage, read> image: array<f32>;
@group(0) @binding(1) var<uniform> params: Params;

// one triangle that covers the whole viewport
@vertex
fn fullscreen_vertex(@builtin(vertex_index) i: u32) -> @builtin(position) vec4<f32> {
  let xy = vec2<f32>(f32((i << 1u) & 2u), f32(i & 2u));
  return vec4<f32>(xy * 2.0 - 1.0, 0.0, 1.0);
}

@fragment
fn present_fragment(@builtin(position) position: vec4<f32>) -> @location(0) vec4<f32> {
  let x = min(u32(position.x), params.width - 1u);
  let y = min(u32(position.y), params.height - 1u);
  let plane = params.width * params.height;
  let i = y * params.width + x;
  let rgb = vec3<f32>(image[i], image[plane + i], image[2u * plane + i]);
  return vec4<f32>(clamp(rgb, vec3<f32>(0.0), vec3<f32>(1.0)), 1.0);
}
