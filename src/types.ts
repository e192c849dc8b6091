/**
 * Interpolation mode, as in `torch.nn.functional.grid_sample`. Bicubic is 2-D only.
 *
 * @example
 * const mode: Mode = 'bicubic';
 */
export type Mode = 'bilinear' | 'nearest' | 'bicubic';

/**
 * How samples outside the input are treated, as in PyTorch's `padding_mode`.
 *
 * @example
 * const padding: PaddingMode = 'reflection';
 */
export type PaddingMode = 'zeros' | 'border' | 'reflection';

/**
 * Memory order of grid_sample's input and output. `'nchw'` (channels first, PyTorch's): input
 * `[N, C, H, W]`, output `[N, C, H_out, W_out]`. `'nhwc'` (channels last, as images and many web
 * tensors are): input `[N, H, W, C]`, output `[N, H_out, W_out, C]`; in 3-D `[N, D, H, W, C]` and
 * `[N, D_out, H_out, W_out, C]`. The grid is the same in both.
 *
 * @example
 * const layout: Layout = 'nhwc';
 */
export type Layout = 'nchw' | 'nhwc';

/**
 * How `GridSampler.encodeGridSample` finds values in its GPU buffers. `'float32'`: 4 bytes each.
 * `'float16'`: IEEE binary16, 2 bytes each (the layout of onnxruntime-web's float16 `gpuBuffer` and of a
 * `Float16Array`), read and written on any adapter (no `shader-f16` needed) with float32 arithmetic.
 *
 * @example
 * const dtype: Dtype = 'float16';
 */
export type Dtype = 'float32' | 'float16';

/**
 * The sampling options every grid_sample entry point takes (the backward passes and `warpImage`
 * take only these); every default is PyTorch's.
 *
 * @example
 * const options: SamplingOptions = { mode: 'bicubic', paddingMode: 'border', alignCorners: true };
 */
export interface SamplingOptions {
  /** Default `'bilinear'` (trilinear for 5-D input). */
  mode?: Mode;
  /** Default `'zeros'`. */
  paddingMode?: PaddingMode;
  /** Default `false`: -1 and +1 are the outer edges of the corner pixels, not their centres. */
  alignCorners?: boolean;
}

/**
 * Options of `grid_sample` (`gridSampleCpu`, `gridSample`, `GridSampler.gridSample`); every default is
 * PyTorch's.
 *
 * @example
 * const options: GridSampleOptions = { mode: 'nearest', paddingMode: 'border', alignCorners: true };
 */
export interface GridSampleOptions extends SamplingOptions {
  /**
   * Default `'nchw'`. `'nhwc'`: the input is channels-last `[N, H, W, C]` (`[N, D, H, W, C]`) and so
   * is the output, `[N, H_out, W_out, C]`; the grid is unchanged. Read as is, without a transpose.
   */
  layout?: Layout;
}

/**
 * Options of `GridSampler.encodeGridSample`: those of grid_sample, and the element type of its buffers.
 *
 * @example
 * sampler.encodeGridSample(encoder, args, { mode: 'bilinear', dtype: 'float16' } satisfies EncodeGridSampleOptions);
 */
export interface EncodeGridSampleOptions extends GridSampleOptions {
  /**
   * Default `'float32'`. `'float16'`: the input, grid and output buffers hold float16 values (2 bytes
   * each); the arithmetic is float32.
   */
  dtype?: Dtype;
}

/**
 * Options of the backward of grid_sample (`gridSampleBackwardCpu`, `GridSampler.gridSampleBackward`,
 * `GridSampler.encodeGridSampleBackward`): the forward's options.
 *
 * @example
 * const grads = gridSampleBackwardCpu(gradOutput, input, grid, { mode: 'bicubic' } satisfies GridSampleBackwardOptions);
 * const channelsLast = gridSampleBackwardCpu(gradOutputNhwc, inputNhwc, grid, { layout: 'nhwc' });
 */
export interface GridSampleBackwardOptions extends SamplingOptions {
  /**
   * Default `'nchw'`. `'nhwc'`: input, gradOutput and gradInput are channels-last (`[N, H, W, C]`,
   * `[N, H_out, W_out, C]`, 3-D likewise), read and written as they are; grid and gradGrid are unchanged.
   */
  layout?: Layout;
}

/**
 * Options of `affine_grid`.
 *
 * @example
 * const grid = affineGridCpu(theta, [1, 3, 64, 64], { alignCorners: true });
 */
export interface AffineGridOptions {
  /** Default `false`, as in PyTorch. */
  alignCorners?: boolean;
}

/**
 * A dense, row-major float32 tensor: NCHW / NCDHW for inputs (NHWC / NDHWC with `layout: 'nhwc'`),
 * NHW2 / NDHW3 for grids.
 *
 * @example
 * const input: Tensor = { data: new Float32Array(1 * 3 * 32 * 32), shape: [1, 3, 32, 32] };
 */
export interface Tensor {
  /** The values, row-major; its length must equal the product of `shape`. */
  data: Float32Array;
  /** The sizes of each dimension, outermost first. */
  shape: readonly number[];
}

/**
 * Pixels in memory: an `ImageData` or anything shaped like one (RGBA8, row-major).
 *
 * @example
 * const pixels: ImageDataLike = { data: new Uint8ClampedArray(4 * 4 * 4), width: 4, height: 4 };
 */
export interface ImageDataLike {
  /** RGBA bytes, `width * height * 4` of them. */
  data: Uint8ClampedArray | Uint8Array;
  /** Width in pixels. */
  width: number;
  /** Height in pixels. */
  height: number;
}

/**
 * Options of `GridSampler.encodeMsDeformAttn`: the element type of its buffers.
 *
 * @example
 * sampler.encodeMsDeformAttn(encoder, args, { dtype: 'float16' } satisfies EncodeMsDeformAttnOptions);
 */
export interface EncodeMsDeformAttnOptions {
  /**
   * Default `'float32'`. `'float16'`: value, sampling locations, attention weights and output hold
   * float16 values (2 bytes each, rounded up to whole 4-byte words); the arithmetic is float32.
   */
  dtype?: Dtype;
}
