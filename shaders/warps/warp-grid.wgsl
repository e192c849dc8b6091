// Sampling grids of the image warps (the `webgpu-grid-sample/warps` entry): one invocation per output
// pixel writes the normalized input point (x, y) that grid_sample reads for it. WARP picks the formula;
// src/warps/cpu.ts is the same arithmetic in TypeScript, and src/warps/gpu.ts declares this kernel.

// 0 lens, 1 swirl, 2 ripple, 3 perspective, 4 affine (WARP_CODES in src/warps/gpu.ts)
override WARP: u32 = 0u;
override ALIGN_CORNERS: bool = false;
override WORKGROUP_SIZE: u32 = 64u;

struct Params {
  width: u32,
  height: u32,
  // isotropic units per normalized unit, (W, H) / min(W, H): circles stay round on any aspect
  aspect: vec2<f32>,
  center: vec2<f32>,
  // invocations per dispatch row: past 65,535 workgroups the dispatch folds into a second dimension
  row_pitch: u32,
  // per-warp scalars, named in each function
  a: vec4<f32>,
  // perspective: rows of the 3x3 homography from output to input normalized coordinates;
  // affine: theta's two rows in h0 and h1
  h0: vec4<f32>,
  h1: vec4<f32>,
  h2: vec4<f32>,
}

// the grid [1, H, W, 2], written as bits so a point behind the perspective horizon can be a NaN
@group(0) @binding(0) var<storage, read_write> grid: array<vec2<u32>>;
@group(0) @binding(1) var<uniform> params: Params;

const NAN_BITS = 0x7fc00000u;
const TAU = 6.283185307179586;

// the output pixel's own normalized coordinate: affine_grid's base grid (linspace(-1, 1, steps),
// scaled by (steps - 1) / steps unless ALIGN_CORNERS)
fn base_coordinate(i: u32, steps: u32) -> f32 {
  if (steps <= 1u) {
    return 0.0;
  }
  if (ALIGN_CORNERS) {
    return f32(2u * i) / f32(steps - 1u) - 1.0;
  }
  return f32(2u * i + 1u) / f32(steps) - 1.0;
}

// (sin x, cos x) to about 1e-7. WGSL's sin and cos may be off by 2^-11, and SwiftShader's are off by
// 2e-4: at a sharp edge that moves a swirled pixel by 4/255. Cody-Waite reduction by pi / 2 (two
// constants), then Taylor polynomials on [-pi/4, pi/4], where their remainders are below 2e-9.
fn sin_cos(x: f32) -> vec2<f32> {
  let k = round(x * 0.63661977236758134);
  let r = (x - k * 1.5707963705062866) + k * 4.371139000186243e-8;
  let r2 = r * r;
  let s = r * (1.0 + r2 * (-1.0 / 6.0 + r2 * (1.0 / 120.0 + r2 * (-1.0 / 5040.0 + r2 * (1.0 / 362880.0)))));
  let c = 1.0 + r2 * (-0.5 + r2 * (1.0 / 24.0 + r2 * (-1.0 / 720.0 + r2 * (1.0 / 40320.0 + r2 * (-1.0 / 3628800.0)))));
  switch (i32(k) & 3) {
    case 0: { return vec2<f32>(s, c); }
    case 1: { return vec2<f32>(c, -s); }
    case 2: { return vec2<f32>(-s, -c); }
    default: { return vec2<f32>(-c, s); }
  }
}

// radial distortion (Brown-Conrady): q' = q (1 + k1 r^2 + k2 r^4) / zoom; a = (k1, k2, zoom)
fn lens_distortion(q: vec2<f32>) -> vec2<f32> {
  let r2 = dot(q, q);
  return q * (1.0 + params.a.x * r2 + params.a.y * r2 * r2) / params.a.z;
}

// rotation by strength * (1 - r / radius)^2 inside radius; a = (strength, radius)
fn swirl(q: vec2<f32>) -> vec2<f32> {
  let t = max(0.0, 1.0 - length(q) / params.a.y);
  let sc = sin_cos(params.a.x * t * t);
  return vec2<f32>(sc.y * q.x - sc.x * q.y, sc.x * q.x + sc.y * q.y);
}

// radial sine wave: r' = r + amplitude sin(2 pi r / wavelength - phase); a = (amplitude, wavelength, phase)
fn ripple(q: vec2<f32>) -> vec2<f32> {
  let r = length(q);
  if (r == 0.0) {
    return q;
  }
  let offset = params.a.x * sin_cos(TAU * r / params.a.y - params.a.z).x;
  return q * (1.0 + offset / r);
}

@compute @workgroup_size(WORKGROUP_SIZE)
fn warp_grid(@builtin(global_invocation_id) gid: vec3<u32>) {
  // the grid fits one binding, so its pixel count fits a u32
  let index = gid.x + gid.y * params.row_pitch;
  if (index >= params.width * params.height) {
    return;
  }
  let y = index / params.width;
  let x = index - y * params.width;
  let u = vec2<f32>(base_coordinate(x, params.width), base_coordinate(y, params.height));
  var point: vec2<f32>;
  if (WARP == 4u) {
    // affine_grid: theta times (x, y, 1)
    let h = vec3<f32>(u, 1.0);
    point = vec2<f32>(dot(params.h0.xyz, h), dot(params.h1.xyz, h));
  } else if (WARP == 3u) {
    let h = vec3<f32>(u, 1.0);
    let w = dot(params.h2.xyz, h);
    if (!(w > 1e-6)) {
      // behind the horizon: no point of the input maps here
      grid[index] = vec2<u32>(NAN_BITS, NAN_BITS);
      return;
    }
    point = vec2<f32>(dot(params.h0.xyz, h), dot(params.h1.xyz, h)) / w;
  } else {
    let q = (u - params.center) * params.aspect;
    var warped: vec2<f32>;
    if (WARP == 0u) {
      warped = lens_distortion(q);
    } else if (WARP == 1u) {
      warped = swirl(q);
    } else {
      warped = ripple(q);
    }
    point = warped / params.aspect + params.center;
  }
  grid[index] = bitcast<vec2<u32>>(point);
}
