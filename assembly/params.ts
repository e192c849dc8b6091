// One grid_sample call as the host lays it out in memory: src/wasm/plan.ts writes these fields, in
// this order, as 32-bit integers.

/** Interpolation mode, as `Params.mode`. */
export const BILINEAR = 0;
export const NEAREST = 1;
export const BICUBIC = 2;

/** Padding mode, as `Params.padding`. */
export const ZEROS = 0;
export const BORDER = 1;
export const REFLECTION = 2;

/** How the input reaches the kernels' layout, as `Params.packing`. */
export const PACK_NONE = 0;
export const PACK_CHANNELS_FIRST = 1;

@unmanaged
export class Params {
  /** 2 (4-D input) or 3 (5-D input). */
  spatialDims: i32;
  mode: i32;
  padding: i32;
  alignCorners: i32;
  /** 1: the output is channels last ([N, ..., C]); 0: channels first ([N, C, ...]). */
  channelsLastOut: i32;
  n: i32;
  c: i32;
  inD: i32;
  inH: i32;
  inW: i32;
  outD: i32;
  outH: i32;
  outW: i32;
  /** The input as the caller laid it out. */
  input: usize;
  /** How the input becomes the kernels' layout: PACK_NONE (channels last already), PACK_CHANNELS_FIRST. */
  packing: i32;
  /**
   * The input in the kernels' layout: channels last, `pixelStride` (= C) floats per pixel; the input
   * itself with PACK_NONE. The kernels read four channels at a time, so up to 3 floats past a pixel
   * (into the next pixel, or the slack after the last): those lanes are never written out.
   */
  source: usize;
  pixelStride: i32;
  /** C zero floats (and 3 more): where a tap outside the input (or of a NaN grid point) reads from. */
  zero: usize;
  grid: usize;
  output: usize;
}
