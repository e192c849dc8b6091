// grid_sample of an RGBA8 image texture into an RGBA8 storage texture: one invocation per output
// pixel, the four channels as one vec4. Same coordinate math as grid-sample-2d.wgsl; values are the
// texture's [0, 1] floats, rounded to 8 bits on store.

// #import coordinates.wgsl (coordinate math, PADDING, ALIGN_CORNERS and cubic_coefficients)

// 0 bilinear, 1 nearest, 2 bicubic
override MODE: u32 = 0u;

struct Params {
  out_w: u32,
  out_h: u32,
}

@group(0) @binding(0) var source: texture_2d<f32>;
@group(0) @binding(1) var<storage, read> grid: array<vec2<f32>>;
@group(0) @binding(2) var destination: texture_storage_2d<rgba8unorm, write>;
@group(0) @binding(3) var<uniform> params: Params;

@compute @workgroup_size(8, 8)
fn grid_sample_image(@builtin(global_invocation_id) gid: vec3<u32>) {
  if (gid.x >= params.out_w || gid.y >= params.out_h) {
    return;
  }
  let g = grid[gid.y * params.out_w + gid.x];
  let size = vec2<f32>(textureDimensions(source));
  var color = vec4<f32>(0.0);
  // a NaN coordinate samples nothing
  if (!is_nan(g.x) && !is_nan(g.y)) {
    if (MODE == 0u) {
      color = bilinear(g, size);
    } else if (MODE == 1u) {
      color = nearest(g, size);
    } else {
      color = bicubic(g, size);
    }
  }
  textureStore(destination, gid.xy, color);
}

// The texel at (x, y), or 0 where the tap lies outside (zeros padding).
fn tap(x: f32, y: f32, size: vec2<f32>) -> vec4<f32> {
  let texel = textureLoad(source, vec2<u32>(safe_index(x, size.x), safe_index(y, size.y)), 0);
  return select(vec4<f32>(0.0), texel, inside(x, size.x) && inside(y, size.y));
}

fn bilinear(g: vec2<f32>, size: vec2<f32>) -> vec4<f32> {
  let x = grid_sampler_compute_source_index(g.x, size.x);
  let y = grid_sampler_compute_source_index(g.y, size.y);
  let x0 = floor(x);
  let y0 = floor(y);
  let east = x - x0;
  let west = 1.0 - east;
  let south = y - y0;
  let north = 1.0 - south;
  return tap(x0, y0, size) * (north * west) + tap(x0 + 1.0, y0, size) * (north * east) +
    tap(x0, y0 + 1.0, size) * (south * west) + tap(x0 + 1.0, y0 + 1.0, size) * (south * east);
}

fn nearest(g: vec2<f32>, size: vec2<f32>) -> vec4<f32> {
  // round() rounds half to even, like PyTorch's std::nearbyint
  return tap(round(grid_sampler_compute_source_index(g.x, size.x)), round(grid_sampler_compute_source_index(g.y, size.y)), size);
}

fn bicubic(g: vec2<f32>, size: vec2<f32>) -> vec4<f32> {
  // padding applies to each of the 16 integer taps; cubic_coefficients is in coordinates.wgsl
  let x = grid_sampler_unnormalize(g.x, size.x);
  let y = grid_sampler_unnormalize(g.y, size.y);
  let x0 = floor(x);
  let y0 = floor(y);
  let cx = cubic_coefficients(x - x0);
  let cy = cubic_coefficients(y - y0);
  var color = vec4<f32>(0.0);
  for (var j = 0u; j < 4u; j++) {
    let ty = trunc(compute_coordinates(y0 + (f32(j) - 1.0), size.y));
    var row = vec4<f32>(0.0);
    for (var i = 0u; i < 4u; i++) {
      let tx = trunc(compute_coordinates(x0 + (f32(i) - 1.0), size.x));
      row += cx[i] * tap(tx, ty, size);
    }
    color += cy[j] * row;
  }
  return color;
}
