// Derivatives of the coordinate math, after PyTorch's *_set_grad functions: the GPU twin of
// src/cpu/coordinates-grad.ts. The coordinates themselves are the forward's, so the backward scatters
// exactly where the forward gathers.

// #import coordinates.wgsl

// d(pixel coordinate) / d(grid value) of grid_sampler_unnormalize_set_grad: (size - 1) / 2 or size / 2;
// 0 where the +-2^24 clamps hold the coordinate constant (huge or infinite grid values)
fn grid_sampler_unnormalize_grad(coord: f32, size: f32) -> f32 {
  if (abs(coord) >= COORD_LIMIT || abs(grid_sampler_unnormalize(coord, size)) >= COORD_LIMIT) {
    return 0.0;
  }
  if (ALIGN_CORNERS) {
    return (size - 1.0) / 2.0;
  }
  return size / 2.0;
}

// Sign of d(reflected) / d(x) in reflect_coordinates_get_grad: -1 below the low edge XOR on a falling
// stretch of the triangle wave; the same steps as reflect_coordinates
fn reflect_coordinates_grad_sign(x: f32, twice_low: f32, twice_high: f32) -> f32 {
  let low = twice_low / 2.0;
  let twice_span = twice_high - twice_low;
  let d = x - low;
  let a = abs(d);
  let extra = a - trunc(a / twice_span) * twice_span;
  let falling = extra > twice_span - extra;
  return select(1.0, -1.0, falling != (d < 0.0));
}

// d(source index) / d(grid value) of grid_sampler_compute_source_index_set_grad: clipping gives 0 (the
// borders count as out of bounds, as in PyTorch), reflection multiplies by +-1
fn grid_sampler_compute_source_index_grad(coord: f32, size: f32) -> f32 {
  let scale = grid_sampler_unnormalize_grad(coord, size);
  if (PADDING == 0u || scale == 0.0) {
    return scale;
  }
  let x = grid_sampler_unnormalize(coord, size);
  let padded = compute_coordinates(x, size);
  if (!(padded > 0.0 && padded < size - 1.0)) {
    return 0.0;
  }
  if (PADDING == 1u) {
    return scale;
  }
  var twice_low = -1.0;
  var twice_high = 2.0 * size - 1.0;
  if (ALIGN_CORNERS) {
    twice_low = 0.0;
    twice_high = 2.0 * (size - 1.0);
  }
  if (twice_low == twice_high) {
    return 0.0;
  }
  return reflect_coordinates_grad_sign(x, twice_low, twice_high) * scale;
}

// Chain rule for one grid coordinate; a clipped or clamped coordinate gets exactly 0, even next to
// non-finite input values
fn chain_grad(sum: f32, grad: f32) -> f32 {
  return select(sum * grad, 0.0, grad == 0.0);
}
