// The arguments of GridSampler's encode* methods: their public types, and the checks that turn them
// into geometry, resolved options and the bytes of each buffer to bind, before anything is recorded.
import { type MsDeformAttnGeometry, msDeformAttnGeometry } from '../ms-deform-attn-shapes.js';
import {
  type AffineGeometry,
  affineGeometry,
  checkShape,
  elementCount,
  layoutOf,
  type ResolvedOptions,
  resolveAffineOptions,
  resolveOptions,
  type SampleGeometry,
  sampleGeometry,
} from '../options.js';
import type {
  AffineGridOptions,
  Dtype,
  EncodeGridSampleOptions,
  EncodeMsDeformAttnOptions,
  GridSampleBackwardOptions,
} from '../types.js';
import { BufferUsage } from './flags.js';
import { checkBuffer, checkEncodeArgs, describeValue } from './gpu-args.js';
import { thetaCount } from './ops/affine-grid-backward.js';

/**
 * GPU buffers of a GPU-resident grid_sample; see {@link GridSampler.encodeGridSample}.
 *
 * @example
 * const args: EncodeGridSampleArgs = { input, inputShape: [1, 3, 64, 64], grid, gridShape: [1, 32, 32, 2], output };
 */
export interface EncodeGridSampleArgs {
  /**
   * Dense float32 input (float16 with `dtype: 'float16'`), STORAGE usage (and COPY_SRC if it must be
   * split into pieces).
   */
  input: GPUBuffer;
  /** `[N, C, H, W]` or `[N, C, D, H, W]`; `[N, H, W, C]` or `[N, D, H, W, C]` with `layout: 'nhwc'`. */
  inputShape: readonly number[];
  /** Dense float32 grid (float16 with `dtype: 'float16'`), STORAGE usage (and COPY_SRC if split). */
  grid: GPUBuffer;
  /** `[N, H_out, W_out, 2]` or `[N, D_out, H_out, W_out, 3]`. */
  gridShape: readonly number[];
  /**
   * Receives `[N, C, H_out, W_out]` (or 3-D; `[N, H_out, W_out, C]` with `layout: 'nhwc'`) float32
   * values (float16 with `dtype: 'float16'`); STORAGE usage (and COPY_DST if split).
   */
  output: GPUBuffer;
}

/**
 * GPU buffers of a GPU-resident affine_grid; see {@link GridSampler.encodeAffineGrid}.
 *
 * @example
 * const args: EncodeAffineGridArgs = { theta, size: [1, 3, 64, 64], output: grid };
 */
export interface EncodeAffineGridArgs {
  /** `[N, 2, 3]` (2-D) or `[N, 3, 4]` (3-D) float32 matrices, STORAGE usage. */
  theta: GPUBuffer;
  /** The output size `[N, C, H, W]` or `[N, C, D, H, W]`, as in `F.affine_grid`. */
  size: readonly number[];
  /** Receives the grid `[N, H, W, 2]` or `[N, D, H, W, 3]`; STORAGE usage. */
  output: GPUBuffer;
}

/**
 * GPU buffers of a GPU-resident grid_sample backward; see `GridSampler.encodeGridSampleBackward`.
 *
 * @example
 * const args: EncodeGridSampleBackwardArgs = { gradOutput, input, inputShape, grid, gridShape, gradInput, gradGrid };
 */
export interface EncodeGridSampleBackwardArgs {
  /** d loss / d output, in the output shape of grid_sample(input, grid) (COPY_SRC if split) */
  gradOutput: GPUBuffer;
  /** The forward's input, dense float32, STORAGE usage (and COPY_SRC if split). */
  input: GPUBuffer;
  /** `[N, C, H, W]` or `[N, C, D, H, W]`; `[N, H, W, C]` or `[N, D, H, W, C]` with `layout: 'nhwc'`. */
  inputShape: readonly number[];
  /** The forward's grid, dense float32, STORAGE usage (and COPY_SRC if split). */
  grid: GPUBuffer;
  /** `[N, H_out, W_out, 2]` or `[N, D_out, H_out, W_out, 3]`. */
  gridShape: readonly number[];
  /**
   * Receives d loss / d input in the input's layout (overwritten). Needs STORAGE and COPY_DST usage.
   * Leave out to skip it.
   */
  gradInput?: GPUBuffer;
  /** Receives d loss / d grid (overwritten; COPY_DST if split, and COPY_SRC if split by channels and rows). Leave out to skip it. */
  gradGrid?: GPUBuffer;
}

/**
 * GPU buffers of a GPU-resident affine_grid backward; see `GridSampler.encodeAffineGridBackward`.
 *
 * @example
 * const args: EncodeAffineGridBackwardArgs = { gradGrid, size: [1, 3, 64, 64], gradTheta };
 */
export interface EncodeAffineGridBackwardArgs {
  /** d loss / d grid, [N, H, W, 2] or [N, D, H, W, 3] for `size`; STORAGE usage (and COPY_SRC if split). */
  gradGrid: GPUBuffer;
  /** The forward's size `[N, C, H, W]` or `[N, C, D, H, W]`. */
  size: readonly number[];
  /** Receives d loss / d theta, [N, 2, 3] or [N, 3, 4] (overwritten). */
  gradTheta: GPUBuffer;
}

/** A checked encode call: its sizes, options, and the bytes of each buffer that a kernel binds. */
export interface CheckedSample {
  geo: SampleGeometry;
  opts: ResolvedOptions;
  bytes: { input: number; grid: number; output: number };
}

export function checkEncodeGridSample(
  encoder: unknown,
  args: EncodeGridSampleArgs,
  options: EncodeGridSampleOptions | undefined,
): CheckedSample {
  checkEncodeArgs('encodeGridSample', encoder, args, '{ input, inputShape, grid, gridShape, output }');
  const geo = sampleGeometry(args.inputShape, args.gridShape, layoutOf(options));
  const opts = resolveOptions(options, geo.spatialDims, true);
  const bytes = {
    input: checkBuffer('input', args.input, elementCount(args.inputShape), opts.dtype),
    grid: checkBuffer('grid', args.grid, elementCount(args.gridShape), opts.dtype),
    output: checkBuffer('output', args.output, elementCount(geo.outputShape), opts.dtype),
  };
  return { geo, opts, bytes };
}

/** The geometry of an affine_grid encode call from `size` alone (theta's shape is implied). */
function affineOf(size: readonly number[]): AffineGeometry {
  checkShape('affine_grid size', size);
  const dims = size.length === 5 ? 3 : 2;
  return affineGeometry([size[0] ?? 0, dims, dims + 1], size);
}

export function checkEncodeAffineGrid(
  encoder: unknown,
  args: EncodeAffineGridArgs,
  options: AffineGridOptions | undefined,
): { geo: AffineGeometry; alignCorners: boolean } {
  checkEncodeArgs('encodeAffineGrid', encoder, args, '{ theta, size, output }');
  const geo = affineOf(args.size);
  const alignCorners = resolveAffineOptions(options);
  checkBuffer('theta', args.theta, thetaCount(geo));
  checkBuffer('output', args.output, elementCount(geo.gridShape));
  return { geo, alignCorners };
}

export function checkEncodeGridSampleBackward(
  encoder: unknown,
  args: EncodeGridSampleBackwardArgs,
  options: GridSampleBackwardOptions | undefined,
): { geo: SampleGeometry; opts: ResolvedOptions } {
  checkEncodeArgs('encodeGridSampleBackward', encoder, args, '{ gradOutput, input, inputShape, grid, gridShape, ... }');
  const geo = sampleGeometry(args.inputShape, args.gridShape, layoutOf(options));
  const opts = resolveOptions(options, geo.spatialDims);
  if (!args.gradInput && !args.gradGrid) {
    throw new TypeError(
      'encodeGridSampleBackward: give gradInput, gradGrid or both (the buffers that receive the gradients)',
    );
  }
  const inputCount = elementCount(args.inputShape);
  const gridCount = elementCount(args.gridShape);
  checkBuffer('gradOutput', args.gradOutput, elementCount(geo.outputShape));
  checkBuffer('input', args.input, inputCount);
  checkBuffer('grid', args.grid, gridCount);
  if (args.gradInput) checkBuffer('gradInput', args.gradInput, inputCount);
  if (args.gradGrid) checkBuffer('gradGrid', args.gradGrid, gridCount);
  if (args.gradInput && !(args.gradInput.usage & BufferUsage.COPY_DST)) {
    throw new TypeError(
      'gradInput buffer needs GPUBufferUsage.COPY_DST: it is cleared before the gradients are added into it',
    );
  }
  return { geo, opts };
}

export function checkEncodeAffineGridBackward(
  encoder: unknown,
  args: EncodeAffineGridBackwardArgs,
  options: AffineGridOptions | undefined,
): { geo: AffineGeometry; alignCorners: boolean; bytes: { gradGrid: number; gradTheta: number } } {
  checkEncodeArgs('encodeAffineGridBackward', encoder, args, '{ gradGrid, size, gradTheta }');
  const geo = affineOf(args.size);
  const alignCorners = resolveAffineOptions(options);
  const bytes = {
    gradGrid: checkBuffer('gradGrid', args.gradGrid, elementCount(geo.gridShape)),
    gradTheta: checkBuffer('gradTheta', args.gradTheta, thetaCount(geo)),
  };
  return { geo, alignCorners, bytes };
}

/**
 * GPU buffers of a GPU-resident multi-scale deformable attention; see `GridSampler.encodeMsDeformAttn`.
 *
 * @example
 * const args: EncodeMsDeformAttnArgs = {
 *   value, valueShape: [1, 8400, 8, 32], spatialShapes: [[80, 80], [40, 40], [20, 20]],
 *   samplingLocations, locationsShape: [1, 300, 8, 3, 4, 2], attentionWeights, output,
 * };
 */
export interface EncodeMsDeformAttnArgs {
  /** Dense float32 (float16 with `dtype: 'float16'`) `[bs, S, heads, d]`; STORAGE usage (and COPY_SRC if split). */
  value: GPUBuffer;
  /** `[bs, S, heads, d]`, S = sum of H_l * W_l. */
  valueShape: readonly number[];
  /** `[[H_0, W_0], ...]`: one pair of positive integers per level. */
  spatialShapes: readonly (readonly [number, number])[];
  /** `[bs, Nq, heads, L, P, 2]` (x, y) in [0, 1]; STORAGE usage (and COPY_SRC if split). */
  samplingLocations: GPUBuffer;
  /** `[bs, Nq, heads, L, P, 2]`; the attention weights are `[bs, Nq, heads, L, P]`. */
  locationsShape: readonly number[];
  /** `[bs, Nq, heads, L, P]`; STORAGE usage (and COPY_SRC if split). */
  attentionWeights: GPUBuffer;
  /** Receives `[bs, Nq, heads * d]` (overwritten); STORAGE usage (and COPY_DST if split). */
  output: GPUBuffer;
}

const DTYPES: readonly Dtype[] = ['float32', 'float16'];

export function checkEncodeMsDeformAttn(
  encoder: unknown,
  args: EncodeMsDeformAttnArgs,
  options: EncodeMsDeformAttnOptions | undefined,
): { geo: MsDeformAttnGeometry; dtype: Dtype; bytes: Record<'value' | 'locations' | 'weights' | 'output', number> } {
  checkEncodeArgs(
    'encodeMsDeformAttn',
    encoder,
    args,
    '{ value, valueShape, spatialShapes, samplingLocations, locationsShape, attentionWeights, output }',
  );
  if (options !== undefined && (typeof options !== 'object' || options === null)) {
    throw new TypeError(`encodeMsDeformAttn: options must be an object { dtype? }, got ${describeValue(options)}`);
  }
  const dtype = options?.dtype ?? 'float32';
  if (!DTYPES.includes(dtype)) {
    throw new TypeError(
      `encodeMsDeformAttn: dtype must be 'float32' or 'float16' (the element type of every buffer), got ${describeValue(dtype)}`,
    );
  }
  checkShape('locationsShape', args.locationsShape);
  const weightsShape = args.locationsShape.slice(0, 5);
  const geo = msDeformAttnGeometry(args.valueShape, args.spatialShapes, args.locationsShape, weightsShape);
  const bytes = {
    value: checkBuffer('value', args.value, elementCount(args.valueShape), dtype),
    locations: checkBuffer('samplingLocations', args.samplingLocations, elementCount(args.locationsShape), dtype),
    weights: checkBuffer('attentionWeights', args.attentionWeights, elementCount(weightsShape), dtype),
    output: checkBuffer('output', args.output, elementCount(geo.outputShape), dtype),
  };
  return { geo, dtype, bytes };
}
