// Backward of grid_sample on the GPU (channels first or last: CHANNELS_LAST), in pieces as the forward (chunking.ts plans
// both: a piece's gradInput is its input slice, its gradGrid its grid slice). gradInput accumulates
// over the pieces of output rows of one (batch, channels) slice, by the kernel's atomic adds into one
// zeroed buffer; gradGrid over pieces of channels of one grid slice, by ACCUMULATE_GRAD_GRID (encode)
// or on the host (Tensor API).
import atomicAddWgsl from '../../../shaders/atomic-add.wgsl?raw';
import backwardLayoutWgsl from '../../../shaders/backward-layout.wgsl?raw';
import coordinatesGradWgsl from '../../../shaders/coordinates-grad.wgsl?raw';
import gridSampleBackward2dWgsl from '../../../shaders/grid-sample-backward-2d.wgsl?raw';
import gridSampleBackward3dWgsl from '../../../shaders/grid-sample-backward-3d.wgsl?raw';
import { allocateOutput, type ResolvedOptions, type SampleGeometry } from '../../options.js';
import type { Tensor } from '../../types.js';
import {
  gridRange,
  inputRange,
  isWhole,
  outputRuns,
  pieceGeometry,
  planGridSample,
  type SamplePiece,
} from '../chunking.js';
import { checkSliceUsage } from '../gpu-args.js';
import {
  type BufferBinding,
  BufferUsage,
  defineKernel,
  type GpuContext,
  runOf,
  type Variant,
  wgslPart,
} from '../runtime.js';
import {
  COORDINATES,
  layoutConstants,
  SAMPLE_PARAMS,
  SAMPLE_UNIFORM,
  samplePoints,
  sampleUniforms,
  samplingConstants,
} from './grid-sample.js';

const backwardKernel = (dims: 2 | 3, code: string) =>
  defineKernel({
    name: `grid-sample-backward-${dims}d`,
    parts: [
      COORDINATES,
      wgslPart('shaders/coordinates-grad.wgsl', coordinatesGradWgsl),
      SAMPLE_PARAMS,
      wgslPart('shaders/backward-layout.wgsl', backwardLayoutWgsl),
      wgslPart('shaders/atomic-add.wgsl', atomicAddWgsl),
      wgslPart(`shaders/grid-sample-backward-${dims}d.wgsl`, code),
    ],
    entryPoint: `grid_sample_${dims}d_backward`,
    bindings: {
      grad_output: 'read-only-storage',
      input: 'read-only-storage',
      grid: 'read-only-storage',
      // f32 bits added atomically: zeroed before the first piece that adds into it
      grad_input: 'storage',
      grad_grid: 'storage',
      params: 'uniform',
    },
    uniform: SAMPLE_UNIFORM,
  });

export const GRID_SAMPLE_BACKWARD_KERNELS = {
  2: backwardKernel(2, gridSampleBackward2dWgsl),
  3: backwardKernel(3, gridSampleBackward3dWgsl),
};

/** Which gradients a call computes, and whether its gradGrid adds to the one there (a later channel piece). */
function variantOf(
  geo: SampleGeometry,
  opts: ResolvedOptions,
  gradInput: boolean,
  gradGrid: boolean,
  accumulate = false,
): Variant {
  return {
    kernel: GRID_SAMPLE_BACKWARD_KERNELS[geo.spatialDims],
    constants: {
      ...samplingConstants(opts),
      ...layoutConstants(geo),
      GRAD_INPUT: Number(gradInput),
      GRAD_GRID: Number(gradGrid),
      ACCUMULATE_GRAD_GRID: Number(accumulate),
    },
  };
}

const STORAGE_OUT = BufferUsage.STORAGE | BufferUsage.COPY_SRC;
// gradInput is cleared (COPY_DST) before the kernel adds into it
const GRAD_INPUT_USAGE = STORAGE_OUT | BufferUsage.COPY_DST;

/** Whether pieces `a` and `b` (either may be missing) share their input slice, or their grid slice. */
const sameInput = (geo: SampleGeometry, a?: SamplePiece, b?: SamplePiece) =>
  a !== undefined && b !== undefined && inputRange(geo, a).start === inputRange(geo, b).start;
const sameGrid = (geo: SampleGeometry, a?: SamplePiece, b?: SamplePiece) =>
  a !== undefined && b !== undefined && gridRange(geo, a).start === gridRange(geo, b).start;

/** `GridSampler.gridSampleBackward` on checked, non-empty arguments: gradInput and gradGrid data. */
export async function gridSampleBackwardTensors(
  ctx: GpuContext,
  gradOutput: Tensor,
  input: Tensor,
  grid: Tensor,
  geo: SampleGeometry,
  opts: ResolvedOptions,
): Promise<[gradInput: Float32Array, gradGrid: Float32Array]> {
  const pieces = planGridSample(geo, ctx.limit);
  const variant = variantOf(geo, opts, true, true);
  await ctx.compile(variant, 'grid_sample backward');
  return ctx.lease(async (lease) => {
    const whole = pieces.length === 1;
    const gradInput = whole ? undefined : allocateOutput('grid_sample backward', input.shape);
    const gradGrid = whole ? undefined : allocateOutput('grid_sample backward', grid.shape);
    // the input slice and gradInput of the current (batch, channels), kept over its pieces of rows
    let slices: { input: BufferBinding; gradInput: BufferBinding } | undefined;
    for (const [i, piece] of pieces.entries()) {
      const sub = pieceGeometry(geo, piece);
      const inRange = inputRange(geo, piece);
      const gRange = gridRange(geo, piece);
      const last = !sameInput(geo, piece, pieces[i + 1]);
      const what = whole ? 'grid_sample backward' : `grid_sample backward (piece ${i + 1} of ${pieces.length})`;
      let pieceBuffers: GPUBuffer[] = [];
      const [pieceGrid, pieceInput] = await ctx.readBack(what, lease, (encoder) => {
        if (!sameInput(geo, pieces[i - 1], piece) || !slices) {
          if (slices) for (const [buffer] of [slices.input, slices.gradInput]) lease.release(buffer);
          const bytes = inRange.length * 4;
          const cleared = lease.acquire(bytes, GRAD_INPUT_USAGE, 'grid_sample backward gradInput');
          encoder.clearBuffer(cleared, 0, bytes);
          const upload = ctx.upload(lease, input.data, runOf(inRange), 'grid_sample backward input');
          slices = { input: upload, gradInput: [cleared, bytes] };
        }
        const bytes = gRange.length * 4;
        const gradGridSlice: BufferBinding = [
          lease.acquire(bytes, STORAGE_OUT, 'grid_sample backward gradGrid'),
          bytes,
        ];
        const gradOutputSlice = ctx.upload(
          lease,
          gradOutput.data,
          outputRuns(geo, piece),
          'grid_sample backward gradOutput',
        );
        const gridSlice = ctx.upload(lease, grid.data, runOf(gRange), 'grid_sample backward grid');
        pieceBuffers = [gradGridSlice[0], gradOutputSlice[0], gridSlice[0]];
        ctx.dispatch(encoder, variant, {
          uniforms: sampleUniforms(sub),
          bindings: {
            grad_output: gradOutputSlice,
            input: slices.input,
            grid: gridSlice,
            grad_input: slices.gradInput,
            grad_grid: gradGridSlice,
          },
          invocations: samplePoints(sub),
        });
        return last ? [gradGridSlice, slices.gradInput] : [gradGridSlice];
      });
      for (const buffer of pieceBuffers) lease.release(buffer);
      if (!gradInput || !gradGrid) return [pieceInput, pieceGrid];
      // channel pieces of one grid slice add up their gradGrid, as the kernel sums channels
      if (piece.channel === 0) gradGrid.set(pieceGrid, gRange.start);
      else for (let k = 0; k < pieceGrid.length; k++) gradGrid[gRange.start + k] += pieceGrid[k];
      if (last) gradInput.set(pieceInput, inRange.start);
    }
    return [gradInput as Float32Array, gradGrid as Float32Array];
  });
}

/** The caller's buffers of `GridSampler.encodeGridSampleBackward`, checked; a gradient left out is undefined. */
export interface BackwardBuffers {
  gradOutput: GPUBuffer;
  input: GPUBuffer;
  grid: GPUBuffer;
  gradInput?: GPUBuffer;
  gradGrid?: GPUBuffer;
}

/**
 * `GridSampler.encodeGridSampleBackward` on checked arguments: clears gradInput, then records every
 * piece. Slices of gradInput and gradGrid that span several pieces stay in their scratch buffer until
 * their last piece, then are copied into the caller's buffer.
 */
export function encodeGridSampleBackwardInPieces(
  ctx: GpuContext,
  encoder: GPUCommandEncoder,
  buffers: BackwardBuffers,
  geo: SampleGeometry,
  opts: ResolvedOptions,
): void {
  const total = {
    gradOutput: geo.c * samplePoints(geo),
    input: geo.n * geo.c * geo.inD * geo.inH * geo.inW,
    grid: samplePoints(geo) * geo.spatialDims,
  };
  const { gradInput, gradGrid } = buffers;
  const pieces = total.gradOutput > 0 ? planGridSample(geo, ctx.limit) : [];
  checkBackwardSlices(pieces, buffers, geo, total);
  if (gradInput && total.input > 0) encoder.clearBuffer(gradInput, 0, total.input * 4);
  // with an empty output, gradInput stays zero; gradGrid still needs its zeros written
  const wantInput = gradInput !== undefined && total.gradOutput > 0;
  const wantGrid = gradGrid !== undefined && total.grid > 0;
  if (!wantInput && !wantGrid) return;
  if (total.gradOutput === 0) {
    // C = 0: one pass writes gradGrid's zeros; the empty tensors bind placeholders
    ctx.dispatch(encoder, variantOf(geo, opts, false, true), {
      uniforms: sampleUniforms(geo),
      bindings: {
        grad_output: ctx.placeholder('read'),
        input: ctx.placeholder('read'),
        grid: [buffers.grid, total.grid * 4],
        grad_input: ctx.placeholder('write'),
        grad_grid: [gradGrid as GPUBuffer, total.grid * 4],
      },
      invocations: samplePoints(geo),
    });
    return;
  }
  let inputSlice: BufferBinding | undefined;
  let gradInputSlice: BufferBinding | undefined;
  let gradGridSlice: BufferBinding | undefined;
  for (const [i, piece] of pieces.entries()) {
    const [previous, next] = [pieces[i - 1], pieces[i + 1]];
    const sub = pieceGeometry(geo, piece);
    const inRuns = runOf(inputRange(geo, piece));
    const gridRuns = runOf(gridRange(geo, piece));
    if (!sameInput(geo, previous, piece) || !inputSlice) {
      inputSlice = ctx.readSlice(encoder, buffers.input, inRuns, total.input, 'input');
      if (gradInput) {
        gradInputSlice = ctx.writeSlice(gradInput, inRuns, total.input, 'gradInput');
        if (gradInputSlice[0] !== gradInput) encoder.clearBuffer(gradInputSlice[0], 0, gradInputSlice[1]);
      }
    }
    // a later piece of channels adds its gradGrid to the slice's (in scratch, or copied back in)
    const accumulate = wantGrid && piece.channel > 0;
    if (gradGrid && (!sameGrid(geo, previous, piece) || !gradGridSlice)) {
      gradGridSlice = accumulate
        ? ctx.readSlice(encoder, gradGrid, gridRuns, total.grid, 'gradGrid')
        : ctx.writeSlice(gradGrid, gridRuns, total.grid, 'gradGrid');
    }
    ctx.dispatch(encoder, variantOf(geo, opts, wantInput, wantGrid, accumulate), {
      uniforms: sampleUniforms(sub),
      bindings: {
        grad_output: ctx.readSlice(encoder, buffers.gradOutput, outputRuns(geo, piece), total.gradOutput, 'gradOutput'),
        input: inputSlice,
        grid: ctx.readSlice(encoder, buffers.grid, gridRuns, total.grid, 'grid'),
        grad_input: gradInputSlice ?? ctx.placeholder('write'),
        grad_grid: gradGridSlice ?? ctx.placeholder('write'),
      },
      invocations: samplePoints(sub),
    });
    if (gradInput && gradInputSlice && !sameInput(geo, piece, next)) {
      ctx.storeSlice(encoder, gradInputSlice, gradInput, inRuns);
    }
    if (gradGrid && gradGridSlice && !sameGrid(geo, piece, next))
      ctx.storeSlice(encoder, gradGridSlice, gradGrid, gridRuns);
  }
}

/** Checks, before anything is recorded, the copy usages the pieces need of the caller's buffers. */
function checkBackwardSlices(
  pieces: SamplePiece[],
  buffers: BackwardBuffers,
  geo: SampleGeometry,
  total: { gradOutput: number; input: number; grid: number },
): void {
  const op = 'encodeGridSampleBackward';
  const inputSliced = pieces.some((p) => !isWhole(runOf(inputRange(geo, p)), total.input));
  const gridSliced = pieces.some((p) => !isWhole(runOf(gridRange(geo, p)), total.grid));
  const outputSliced = pieces.some((p) => !isWhole(outputRuns(geo, p), total.gradOutput));
  // a grid slice that comes back after other slices is read back in to add to it
  const revisited = gridSliced && pieces.some((p, i) => p.channel > 0 && !sameGrid(geo, pieces[i - 1], p));
  checkSliceUsage(op, 'gradOutput', buffers.gradOutput, outputSliced, 'COPY_SRC');
  checkSliceUsage(op, 'input', buffers.input, inputSliced, 'COPY_SRC');
  checkSliceUsage(op, 'grid', buffers.grid, gridSliced, 'COPY_SRC');
  if (buffers.gradGrid) {
    checkSliceUsage(op, 'gradGrid', buffers.gradGrid, gridSliced, 'COPY_DST');
    checkSliceUsage(op, 'gradGrid', buffers.gradGrid, revisited, 'COPY_SRC');
  }
}
