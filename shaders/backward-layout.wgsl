// Memory order of the backward's input, grad_input and grad_output (`layout`): channels first
// ([N, C, H, W], [N, C, D, H, W]) or channels last ([N, H, W, C], [N, D, H, W, C]). A constant at pipeline
// creation, as the forward's CHANNELS_LAST, so each layout compiles to its own index arithmetic and no
// transpose pass runs. The grid and grad_grid are the same in both.

// #import sample-params.wgsl (struct Params: the call's shape; `params` is declared by the kernel)

override CHANNELS_LAST: bool = false;

// A pixel (or voxel) index within one input plane to its element offset from the batch item's first
// channel: the identity channels first, C floats per pixel channels last.
fn pixel_offset(i: u32) -> u32 {
  if (CHANNELS_LAST) {
    return i * params.c;
  }
  return i;
}

// Floats between two channels of one input pixel.
fn in_channel_step(in_plane: u32) -> u32 {
  if (CHANNELS_LAST) {
    return 1u;
  }
  return in_plane;
}

// Floats between two channels of one output pixel.
fn out_channel_step(out_plane: u32) -> u32 {
  if (CHANNELS_LAST) {
    return 1u;
  }
  return out_plane;
}

// The output element of channel 0 at output point `point` (< N * out_plane) of batch item `batch`.
fn output_base(point: u32, batch: u32, out_plane: u32) -> u32 {
  if (CHANNELS_LAST) {
    return point * params.c;
  }
  return batch * params.c * out_plane + (point - batch * out_plane);
}
