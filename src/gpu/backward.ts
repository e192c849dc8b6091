// Host code of the backward passes on the GPU: GridSampler.gridSampleBackward, encodeGridSampleBackward,
// affineGridBackward and encodeAffineGridBackward delegate here. Kernels: shaders/*-backward*.wgsl.
import { affineBackwardGeometry, backwardGeometry, rejectChannelsLast } from '../backward-options.js';
import type { GridSampleGradients } from '../cpu/grid-sample-backward.js';
import {
  type AffineGeometry,
  affineGeometry,
  checkShape,
  checkTensor,
  elementCount,
  type ResolvedOptions,
  resolveAffineOptions,
  resolveOptions,
  type SampleGeometry,
  sampleGeometry,
} from '../options.js';
import type { AffineGridOptions, GridSampleOptions, Tensor } from '../types.js';
import type { BufferPool } from './buffer-pool.js';
import { BufferUsage } from './flags.js';
import { pipelineAsync, pipelineSync } from './pipelines.js';
import type { Binding, SamplerInternals } from './sampler-internals.js';
import { sampleParams, sampleVariant, type Variant, WORKGROUP_SIZE } from './variants.js';

/**
 * GPU buffers of a GPU-resident grid_sample backward; see `GridSampler.encodeGridSampleBackward`.
 *
 * @example
 * const args: EncodeGridSampleBackwardArgs = { gradOutput, input, inputShape, grid, gridShape, gradInput, gradGrid };
 */
export interface EncodeGridSampleBackwardArgs {
  /** d loss / d output, in the output shape of grid_sample(input, grid) */
  gradOutput: GPUBuffer;
  /** The forward's input, dense float32, STORAGE usage. */
  input: GPUBuffer;
  /** `[N, C, H, W]` or `[N, C, D, H, W]`. */
  inputShape: readonly number[];
  /** The forward's grid, dense float32, STORAGE usage. */
  grid: GPUBuffer;
  /** `[N, H_out, W_out, 2]` or `[N, D_out, H_out, W_out, 3]`. */
  gridShape: readonly number[];
  /** Receives d loss / d input (overwritten). Needs STORAGE and COPY_DST usage. Leave out to skip it. */
  gradInput?: GPUBuffer;
  /** Receives d loss / d grid (overwritten). Leave out to skip it. */
  gradGrid?: GPUBuffer;
}

/**
 * GPU buffers of a GPU-resident affine_grid backward; see `GridSampler.encodeAffineGridBackward`.
 *
 * @example
 * const args: EncodeAffineGridBackwardArgs = { gradGrid, size: [1, 3, 64, 64], gradTheta };
 */
export interface EncodeAffineGridBackwardArgs {
  /** d loss / d grid, [N, H, W, 2] or [N, D, H, W, 3] for `size` */
  gradGrid: GPUBuffer;
  /** The forward's size `[N, C, H, W]` or `[N, C, D, H, W]`. */
  size: readonly number[];
  /** Receives d loss / d theta, [N, 2, 3] or [N, 3, 4] (overwritten). */
  gradTheta: GPUBuffer;
}

const STORAGE_OUT = BufferUsage.STORAGE | BufferUsage.COPY_SRC;
// gradInput is cleared (COPY_DST) before the kernel adds into it
const GRAD_INPUT_USAGE = STORAGE_OUT | BufferUsage.COPY_DST;
const PLACEHOLDER_BYTES = 16;

// Bound where a gradient is not computed or a tensor is empty (a binding cannot be 0 bytes); one
// read-only and one writable, since one pass may not bind a buffer both ways. Freed with the pool.
const placeholders = new WeakMap<BufferPool, { read: Binding; write: Binding }>();

function placeholder(s: SamplerInternals, access: 'read' | 'write'): Binding {
  let pair = placeholders.get(s.pool);
  if (!pair) {
    const make = (label: string): Binding => [
      s.pool.acquire(PLACEHOLDER_BYTES, BufferUsage.STORAGE, label),
      PLACEHOLDER_BYTES,
    ];
    pair = { read: make('unused read-only binding'), write: make('unused writable binding') };
    placeholders.set(s.pool, pair);
  }
  return pair[access];
}

const readBinding = (s: SamplerInternals, buffer: GPUBuffer, bytes: number): Binding =>
  bytes > 0 ? [buffer, bytes] : placeholder(s, 'read');

function sampleBackwardVariant(
  geo: SampleGeometry,
  opts: ResolvedOptions,
  gradInput: boolean,
  gradGrid: boolean,
): Variant {
  return {
    kernel: geo.spatialDims === 2 ? 'grid-sample-backward-2d' : 'grid-sample-backward-3d',
    constants: {
      ...sampleVariant(geo.spatialDims, opts).constants,
      GRAD_INPUT: Number(gradInput),
      GRAD_GRID: Number(gradGrid),
    },
  };
}

const samplePoints = (geo: SampleGeometry) => geo.n * geo.outD * geo.outH * geo.outW;

/** `GridSampler.gridSampleBackward`: uploads, runs, reads both gradients back. */
export async function gridSampleBackward(
  s: SamplerInternals,
  gradOutput: Tensor,
  input: Tensor,
  grid: Tensor,
  options?: GridSampleOptions,
): Promise<GridSampleGradients> {
  s.checkAlive();
  checkTensor('gradOutput', gradOutput);
  checkTensor('input', input);
  checkTensor('grid', grid);
  rejectChannelsLast('grid_sample backward', options);
  const geo = backwardGeometry(gradOutput.shape, input.shape, grid.shape);
  const opts = resolveOptions(options, geo.spatialDims);
  const inputCount = input.data.length;
  const gridCount = grid.data.length;
  const result = (gradInput: Float32Array, gradGrid: Float32Array): GridSampleGradients => ({
    gradInput: { data: gradInput, shape: [...input.shape] },
    gradGrid: { data: gradGrid, shape: [...grid.shape] },
  });
  // an empty output (N, C or an output size of 0) gives all-zero gradients, without GPU work
  if (gradOutput.data.length === 0) return result(new Float32Array(inputCount), new Float32Array(gridCount));
  const variant = sampleBackwardVariant(geo, opts, true, true);
  const pipeline = await pipelineAsync(s.device, variant.kernel, variant.constants);
  s.checkAlive();
  const buffers = [
    s.upload(gradOutput.data, 'grid_sample backward gradOutput'),
    s.upload(input.data, 'grid_sample backward input'),
    s.upload(grid.data, 'grid_sample backward grid'),
    s.pool.acquire(inputCount * 4, GRAD_INPUT_USAGE, 'grid_sample backward gradInput'),
    s.pool.acquire(gridCount * 4, STORAGE_OUT, 'grid_sample backward gradGrid'),
  ];
  const [gradInputBuffer, gradGridBuffer] = buffers.slice(3);
  // both gradients are copied into one buffer, so one readback brings them back
  const both = s.pool.acquire((inputCount + gridCount) * 4, BufferUsage.COPY_SRC | BufferUsage.COPY_DST, 'gradients');
  try {
    const data = await s.run(both, (encoder) => {
      encoder.clearBuffer(gradInputBuffer);
      s.record(
        encoder,
        pipeline,
        variant,
        sampleParams(geo, 0),
        samplePoints(geo),
        buffers.map((buffer) => [buffer, buffer.size]),
      );
      encoder.copyBufferToBuffer(gradInputBuffer, 0, both, 0, inputCount * 4);
      encoder.copyBufferToBuffer(gradGridBuffer, 0, both, inputCount * 4, gridCount * 4);
    });
    return result(data.slice(0, inputCount), data.slice(inputCount));
  } finally {
    for (const buffer of [...buffers, both]) s.pool.release(buffer);
  }
}

/** `GridSampler.encodeGridSampleBackward`: records the backward into `encoder` on the caller's buffers. */
export function encodeGridSampleBackward(
  s: SamplerInternals,
  encoder: GPUCommandEncoder,
  args: EncodeGridSampleBackwardArgs,
  options?: GridSampleOptions,
): void {
  s.checkAlive();
  rejectChannelsLast('encodeGridSampleBackward', options);
  const geo = sampleGeometry(args.inputShape, args.gridShape);
  const opts = resolveOptions(options, geo.spatialDims);
  if (!args.gradInput && !args.gradGrid) {
    throw new TypeError(
      'encodeGridSampleBackward: give gradInput, gradGrid or both (the buffers that receive the gradients)',
    );
  }
  const outputCount = elementCount(geo.outputShape);
  const inputCount = elementCount(args.inputShape);
  const gridCount = elementCount(args.gridShape);
  const gradOutputBytes = s.checkBuffer('gradOutput', args.gradOutput, outputCount);
  const inputBytes = s.checkBuffer('input', args.input, inputCount);
  const gridBytes = s.checkBuffer('grid', args.grid, gridCount);
  const gradInputBytes = args.gradInput ? s.checkBuffer('gradInput', args.gradInput, inputCount) : 0;
  const gradGridBytes = args.gradGrid ? s.checkBuffer('gradGrid', args.gradGrid, gridCount) : 0;
  if (args.gradInput && !(args.gradInput.usage & BufferUsage.COPY_DST)) {
    throw new TypeError(
      'gradInput buffer needs GPUBufferUsage.COPY_DST: it is cleared before the gradients are added into it',
    );
  }
  if (args.gradInput && gradInputBytes > 0) encoder.clearBuffer(args.gradInput, 0, gradInputBytes);
  // with an empty output, gradInput stays zero; gradGrid still needs its zeros written
  const wantInput = args.gradInput !== undefined && outputCount > 0;
  const wantGrid = args.gradGrid !== undefined && gridCount > 0;
  if (!wantInput && !wantGrid) return;
  const variant = sampleBackwardVariant(geo, opts, wantInput, wantGrid);
  const pipeline = pipelineSync(s.device, variant.kernel, variant.constants);
  s.record(encoder, pipeline, variant, sampleParams(geo, 0), samplePoints(geo), [
    readBinding(s, args.gradOutput, gradOutputBytes),
    readBinding(s, args.input, inputBytes),
    readBinding(s, args.grid, gridBytes),
    wantInput ? [args.gradInput as GPUBuffer, gradInputBytes] : placeholder(s, 'write'),
    wantGrid ? [args.gradGrid as GPUBuffer, gradGridBytes] : placeholder(s, 'write'),
  ]);
}

// Points per invocation of affine_grid_backward_partial (CHUNK in affine-grid-backward.wgsl).
const AFFINE_CHUNK = 256;
const PARTIAL_BYTES = 3 * 16; // three vec4 rows per (batch item, chunk)

// Scratch for the partial sums, one growing buffer per sampler. Every use writes it (first pass) before
// reading it (second pass) in one command buffer, and the queue runs command buffers in order, so any
// number of recorded calls can share it. An outgrown one stays alive (an encoder not yet submitted may
// hold it) until the sampler is destroyed.
const scratch = new WeakMap<BufferPool, GPUBuffer>();

function scratchBuffer(s: SamplerInternals, bytes: number): GPUBuffer {
  let buffer = scratch.get(s.pool);
  if (!buffer || buffer.size < bytes) {
    const size = Math.max(bytes, 2 * (buffer?.size ?? 0));
    buffer = s.pool.acquire(size, BufferUsage.STORAGE, 'affine_grid backward partial sums');
    scratch.set(s.pool, buffer);
  }
  return buffer;
}

function affineBackwardVariants(geo: AffineGeometry, alignCorners: boolean): [Variant, Variant] {
  const constants = { SPATIAL_DIMS: geo.spatialDims, ALIGN_CORNERS: Number(alignCorners), WORKGROUP_SIZE };
  return [
    { kernel: 'affine-grid-backward-partial', constants },
    { kernel: 'affine-grid-backward-total', constants },
  ];
}

const thetaCount = (geo: AffineGeometry) => geo.n * geo.spatialDims * (geo.spatialDims + 1);

/** The two passes of affine-grid-backward.wgsl: sums per chunk of points, then per batch item. */
function recordAffineBackward(
  s: SamplerInternals,
  encoder: GPUCommandEncoder,
  variants: [Variant, Variant],
  pipelines: GPUComputePipeline[],
  geo: AffineGeometry,
  gradGrid: Binding,
  gradTheta: Binding,
): void {
  const chunks = Math.max(1, Math.ceil((geo.d * geo.h * geo.w) / AFFINE_CHUNK));
  const partialBytes = geo.n * chunks * PARTIAL_BYTES;
  const bindings: Binding[] = [gradGrid, [scratchBuffer(s, partialBytes), partialBytes], gradTheta];
  // record() writes the row pitch into params[8], so each pass gets its own array
  const params = () => new Uint32Array([geo.n, geo.d, geo.h, geo.w, chunks, 0, 0, 0, 0, 0, 0, 0]);
  s.record(encoder, pipelines[0], variants[0], params(), geo.n * chunks, bindings);
  s.record(encoder, pipelines[1], variants[1], params(), geo.n, bindings);
}

/** `GridSampler.affineGridBackward`: d loss / d theta from d loss / d grid, uploaded and read back. */
export async function affineGridBackward(
  s: SamplerInternals,
  gradGrid: Tensor,
  size: readonly number[],
  options?: AffineGridOptions,
): Promise<Tensor> {
  s.checkAlive();
  checkTensor('gradGrid', gradGrid);
  const geo = affineBackwardGeometry(gradGrid.shape, size);
  const alignCorners = resolveAffineOptions(options);
  const count = thetaCount(geo);
  const shape = [geo.n, geo.spatialDims, geo.spatialDims + 1];
  if (count === 0 || gradGrid.data.length === 0) return { data: new Float32Array(count), shape };
  const variants = affineBackwardVariants(geo, alignCorners);
  const pipelines = await Promise.all(variants.map((v) => pipelineAsync(s.device, v.kernel, v.constants)));
  s.checkAlive();
  const gradGridBuffer = s.upload(gradGrid.data, 'affine_grid backward gradGrid');
  const gradTheta = s.pool.acquire(count * 4, STORAGE_OUT, 'affine_grid backward gradTheta');
  try {
    const data = await s.run(gradTheta, (encoder) => {
      const gradGridBinding: Binding = [gradGridBuffer, gradGrid.data.byteLength];
      recordAffineBackward(s, encoder, variants, pipelines, geo, gradGridBinding, [gradTheta, count * 4]);
    });
    return { data, shape };
  } finally {
    s.pool.release(gradGridBuffer);
    s.pool.release(gradTheta);
  }
}

/** `GridSampler.encodeAffineGridBackward`: records d loss / d theta into `encoder`, all on the GPU. */
export function encodeAffineGridBackward(
  s: SamplerInternals,
  encoder: GPUCommandEncoder,
  args: EncodeAffineGridBackwardArgs,
  options?: AffineGridOptions,
): void {
  s.checkAlive();
  checkShape('affine_grid size', args.size);
  const dims = args.size.length === 5 ? 3 : 2;
  const geo = affineGeometry([args.size[0] ?? 0, dims, dims + 1], args.size);
  const alignCorners = resolveAffineOptions(options);
  const gradGridBytes = s.checkBuffer('gradGrid', args.gradGrid, elementCount(geo.gridShape));
  const gradThetaBytes = s.checkBuffer('gradTheta', args.gradTheta, thetaCount(geo));
  if (gradThetaBytes === 0) return;
  const variants = affineBackwardVariants(geo, alignCorners);
  const pipelines = variants.map((v) => pipelineSync(s.device, v.kernel, v.constants));
  const gradGrid = readBinding(s, args.gradGrid, gradGridBytes);
  recordAffineBackward(s, encoder, variants, pipelines, geo, gradGrid, [args.gradTheta, gradThetaBytes]);
}
