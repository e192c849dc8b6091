// Coordinate math of PyTorch's grid sampler: the GPU twin of src/cpu/coordinates.ts, with the same
// operations in the same order. Imported by every grid-sample kernel; valid WGSL on its own.

// 0 zeros, 1 border, 2 reflection
override PADDING: u32 = 0u;
override ALIGN_CORNERS: bool = false;

// Bound on |grid value| and |pixel coordinate|: past 2^24 float32 has no fractional part; clamping
// turns +-Infinity into a huge finite value and keeps the reflection arithmetic exact.
const COORD_LIMIT: f32 = 16777216.0;

// NaN test on the bit pattern, which no fast-math optimisation can fold away.
fn is_nan(v: f32) -> bool {
  return (bitcast<u32>(v) & 0x7fffffffu) > 0x7f800000u;
}

// PyTorch grid_sampler_unnormalize: align ? ((coord + 1) / 2) * (size - 1) : ((coord + 1) * size - 1) / 2
fn grid_sampler_unnormalize(coord: f32, size: f32) -> f32 {
  let p = clamp(coord, -COORD_LIMIT, COORD_LIMIT) + 1.0;
  var x: f32;
  if (ALIGN_CORNERS) {
    x = (p / 2.0) * (size - 1.0);
  } else {
    x = (p * size - 1.0) / 2.0;
  }
  return clamp(x, -COORD_LIMIT, COORD_LIMIT);
}

// PyTorch clip_coordinates: min(size - 1, max(x, 0))
fn clip_coordinates(x: f32, size: f32) -> f32 {
  return min(size - 1.0, max(x, 0.0));
}

// PyTorch reflect_coordinates (vectorized CPU form): triangle wave of period twice_high - twice_low
fn reflect_coordinates(x: f32, twice_low: f32, twice_high: f32) -> f32 {
  if (twice_low == twice_high) {
    return 0.0;
  }
  let low = twice_low / 2.0;
  let twice_span = twice_high - twice_low;
  let d = abs(x - low);
  let extra = d - trunc(d / twice_span) * twice_span;
  return min(extra, twice_span - extra) + low;
}

// PyTorch compute_coordinates: applies the padding mode to a pixel coordinate
fn compute_coordinates(x: f32, size: f32) -> f32 {
  if (PADDING == 1u) {
    return clip_coordinates(x, size);
  }
  if (PADDING == 2u) {
    var reflected: f32;
    if (ALIGN_CORNERS) {
      reflected = reflect_coordinates(x, 0.0, 2.0 * (size - 1.0));
    } else {
      reflected = reflect_coordinates(x, -1.0, 2.0 * size - 1.0);
    }
    return clip_coordinates(reflected, size);
  }
  return x;
}

// PyTorch grid_sampler_compute_source_index: unnormalize, then pad
fn grid_sampler_compute_source_index(coord: f32, size: f32) -> f32 {
  return compute_coordinates(grid_sampler_unnormalize(coord, size), size);
}

// One axis of a sample: which of its taps lie inside the input, and clamped indices that are safe to
// read even for taps outside (their values are then discarded).
fn inside(i: f32, size: f32) -> bool {
  return i >= 0.0 && i < size;
}

fn safe_index(i: f32, size: f32) -> u32 {
  return u32(clamp(i, 0.0, size - 1.0));
}

// Whether a bilinear tap at integer coordinate i (floor of a padded coordinate, or one above it) lies
// inside [0, size). After border or reflection padding the coordinate is already inside [0, size - 1],
// so only the tap one above it needs the upper check, and for the tap itself this folds to true (so
// its select disappears).
fn tap_inside(i: f32, size: f32) -> bool {
  if (PADDING != 0u) {
    return i < size;
  }
  return inside(i, size);
}

// PyTorch cubic_convolution1: ((A + 2) * x - (A + 3)) * x * x + 1, A = -0.75
fn cubic_convolution1(x: f32) -> f32 {
  return ((1.25 * x - 2.25) * x) * x + 1.0;
}

// PyTorch cubic_convolution2: ((A * x - 5A) * x + 8A) * x - 4A, A = -0.75
fn cubic_convolution2(x: f32) -> f32 {
  return ((-0.75 * x + 3.75) * x - 6.0) * x + 3.0;
}

// PyTorch get_cubic_upsample_coefficients: the four bicubic weights for fractional offset t, in tap
// order -1, 0, 1, 2
fn cubic_coefficients(t: f32) -> vec4<f32> {
  return vec4<f32>(cubic_convolution2(t + 1.0), cubic_convolution1(t), cubic_convolution1(1.0 - t), cubic_convolution2(2.0 - t));
}
