// The push brush. brush_stroke is one step: pixels near the cursor take the stroke's motion into their
// displacement, so the content under the brush follows it. brush_grid makes the grid grid_sample
// reads: each pixel's own coordinate plus its displacement. src/brush.ts has the same arithmetic.

override ALIGN_CORNERS: bool = false;

struct Params {
  width: u32,
  height: u32,
  aspect: vec2<f32>,
  // the cursor's new position, in normalized output coordinates
  to: vec2<f32>,
  // the cursor's motion since the last step, normalized
  delta: vec2<f32>,
  // brush radius in isotropic units, and how much of the motion the centre takes
  radius: f32,
  strength: f32,
}

@group(0) @binding(0) var<storage, read_write> displacement: array<vec2<f32>>;
@group(0) @binding(1) var<uniform> params: Params;
// the grid [1, H, W, 2] (brush_grid only)
@group(0) @binding(2) var<storage, read_write> grid: array<vec2<f32>>;

fn base_coordinate(i: u32, steps: u32) -> f32 {
  if (steps <= 1u) {
    return 0.0;
  }
  if (ALIGN_CORNERS) {
    return f32(2u * i) / f32(steps - 1u) - 1.0;
  }
  return f32(2u * i + 1u) / f32(steps) - 1.0;
}

// smooth falloff (1 - d^2)^2 for d = distance / radius < 1
fn brush_weight(d: f32) -> f32 {
  let t = max(0.0, 1.0 - d * d);
  return t * t;
}

@compute @workgroup_size(8, 8)
fn brush_stroke(@builtin(global_invocation_id) gid: vec3<u32>) {
  if (gid.x >= params.width || gid.y >= params.height) {
    return;
  }
  let u = vec2<f32>(base_coordinate(gid.x, params.width), base_coordinate(gid.y, params.height));
  let d = length((u - params.to) * params.aspect) / params.radius;
  if (d >= 1.0) {
    return;
  }
  let index = gid.y * params.width + gid.x;
  // backward warp: output(u) = input(u + displacement), so pushing by delta subtracts it
  displacement[index] -= params.strength * brush_weight(d) * params.delta;
}

@compute @workgroup_size(8, 8)
fn brush_grid(@builtin(global_invocation_id) gid: vec3<u32>) {
  if (gid.x >= params.width || gid.y >= params.height) {
    return;
  }
  let index = gid.y * params.width + gid.x;
  let u = vec2<f32>(base_coordinate(gid.x, params.width), base_coordinate(gid.y, params.height));
  grid[index] = u + displacement[index];
}
