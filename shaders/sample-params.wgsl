// The uniform of the grid_sample kernels, forward and backward, 2-D and 3-D: the shape of one call,
// written by sampleParams (src/gpu/variants.ts) into a 48-byte buffer. 2-D calls have in_d = out_d = 1.
// The host appends this file to each of those kernels.

struct Params {
  n: u32,
  c: u32,
  in_d: u32,
  in_h: u32,
  in_w: u32,
  out_d: u32,
  out_h: u32,
  out_w: u32,
  // invocations per row of a 2-D dispatch (large outputs exceed 65535 workgroups in x)
  row_pitch: u32,
}
