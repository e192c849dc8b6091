// The base grid of affine_grid, imported by affine-grid.wgsl and affine-grid-backward.wgsl. Valid WGSL
// on its own.

override ALIGN_CORNERS: bool = false;

// torch.linspace(-1, 1, steps)[i] (filled from -1 for the first half, back from +1 for the second),
// scaled by (steps - 1) / steps unless ALIGN_CORNERS: PyTorch's linspace_from_neg_one
fn linspace_from_neg_one(i: u32, steps: u32) -> f32 {
  if (steps <= 1u) {
    return 0.0;
  }
  let n = f32(steps);
  let step = 2.0 / (n - 1.0);
  var v: f32;
  if (i < steps / 2u) {
    v = -1.0 + step * f32(i);
  } else {
    v = 1.0 - step * f32(steps - 1u - i);
  }
  if (ALIGN_CORNERS) {
    return v;
  }
  return (v * (n - 1.0)) / n;
}
