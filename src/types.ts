/** Interpolation mode, as in `torch.nn.functional.grid_sample`. Bicubic is 2-D only. */
export type Mode = 'bilinear' | 'nearest' | 'bicubic';

/** How samples outside the input are treated, as in PyTorch's `padding_mode`. */
export type PaddingMode = 'zeros' | 'border' | 'reflection';

/** Options of `grid_sample`; every default is PyTorch's. */
export interface GridSampleOptions {
  /** Default `'bilinear'` (trilinear for 5-D input). */
  mode?: Mode;
  /** Default `'zeros'`. */
  paddingMode?: PaddingMode;
  /** Default `false`: -1 and +1 are the outer edges of the corner pixels, not their centres. */
  alignCorners?: boolean;
}

/** Options of `affine_grid`. */
export interface AffineGridOptions {
  /** Default `false`, as in PyTorch. */
  alignCorners?: boolean;
}

/** A dense, row-major float32 tensor: NCHW / NCDHW for inputs, NHW2 / NDHW3 for grids. */
export interface Tensor {
  data: Float32Array;
  shape: readonly number[];
}
