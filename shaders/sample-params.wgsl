// The uniform of the grid_sample kernels, forward and backward, 2-D and 3-D: the shape of one call,
// filled by field name from SAMPLE_UNIFORM (src/gpu/ops/grid-sample.ts). 2-D calls have
// in_d = out_d = 1.

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
