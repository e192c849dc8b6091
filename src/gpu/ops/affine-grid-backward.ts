// Backward of affine_grid on the GPU: d loss / d theta from d loss / d grid, in two deterministic passes
// (affine-grid-backward.wgsl): sums per chunk of points into a buffer of partial sums, then per batch
// item. A grad_grid larger than one binding runs the first pass in pieces of whole chunks.
import affineGridBackwardWgsl from '../../../shaders/affine-grid-backward.wgsl?raw';
import { type AffineGeometry, elementCount } from '../../options.js';
import type { Tensor } from '../../types.js';
import { splitEvenly } from '../chunking.js';
import { checkSliceUsage } from '../gpu-args.js';
import {
  type BufferBinding,
  BufferUsage,
  type ChunkLimit,
  defineKernel,
  type GpuContext,
  type Run,
  runOf,
  type Variant,
  wgslPart,
} from '../runtime.js';
import { AFFINE_BASE } from './affine-grid.js';

const affineBackwardKernel = (name: string, entryPoint: string) =>
  defineKernel({
    name,
    parts: [AFFINE_BASE, wgslPart('shaders/affine-grid-backward.wgsl', affineGridBackwardWgsl)],
    entryPoint,
    bindings: { grad_grid: 'read-only-storage', partials: 'storage', grad_theta: 'storage', params: 'uniform' },
    uniform: {
      n: 'u32',
      d: 'u32',
      h: 'u32',
      w: 'u32',
      chunks: 'u32',
      row_pitch: 'u32',
      first_task: 'u32',
      tasks: 'u32',
    },
  });

// two entry points of one file, one layout: sums per (batch item, chunk), then per batch item
export const AFFINE_GRID_BACKWARD_PARTIAL = affineBackwardKernel(
  'affine-grid-backward-partial',
  'affine_grid_backward_partial',
);
export const AFFINE_GRID_BACKWARD_TOTAL = affineBackwardKernel(
  'affine-grid-backward-total',
  'affine_grid_backward_total',
);

// Points per invocation of affine_grid_backward_partial (CHUNK in affine-grid-backward.wgsl).
const AFFINE_CHUNK = 256;
const PARTIAL_BYTES = 3 * 16; // three vec4 rows per (batch item, chunk)
const OP = 'affine_grid backward';

function variantsOf(geo: AffineGeometry, alignCorners: boolean): [Variant, Variant] {
  const constants = { SPATIAL_DIMS: geo.spatialDims, ALIGN_CORNERS: Number(alignCorners) };
  return [
    { kernel: AFFINE_GRID_BACKWARD_PARTIAL, constants },
    { kernel: AFFINE_GRID_BACKWARD_TOTAL, constants },
  ];
}

/** Elements of theta (and of its gradient) for `geo`. */
export const thetaCount = (geo: AffineGeometry) => geo.n * geo.spatialDims * (geo.spatialDims + 1);

/** A piece: tasks (batch item, chunk) `task` .. `task + tasks - 1`, and the gradGrid elements they read. */
export interface AffineBackwardPiece {
  task: number;
  tasks: number;
  gradGrid: Run[];
}

/** The pieces, the chunks per batch item, and the bytes of the largest piece's partial sums. */
export interface AffineBackwardPlan {
  chunks: number;
  partialBytes: number;
  pieces: AffineBackwardPiece[];
}

function tooLarge(what: string, limit: ChunkLimit): RangeError {
  return new RangeError(
    `${OP}: ${what}, more than ${limit.name} = ${limit.bytes} bytes; ` +
      'raise maxChunkBytes (GridSampler.create), or use a device with larger limits',
  );
}

/**
 * One piece, or runs of whole chunks whose gradGrid slice and partial sums (48 bytes per chunk) each
 * fit one binding. theta's gradient is bound whole.
 */
export function planAffineGridBackward(geo: AffineGeometry, limit: ChunkLimit): AffineBackwardPlan {
  const volume = geo.d * geo.h * geo.w;
  const chunks = Math.max(1, Math.ceil(volume / AFFINE_CHUNK));
  const tasks = geo.n * chunks;
  const pointBytes = geo.spatialDims * 4;
  const thetaBytes = thetaCount(geo) * 4;
  if (thetaBytes > limit.bytes) throw tooLarge(`gradTheta is ${thetaBytes} bytes`, limit);
  const gradGridBytes = geo.n * volume * pointBytes;
  if (gradGridBytes <= limit.bytes && tasks * PARTIAL_BYTES <= limit.bytes) {
    const gradGrid = runOf({ start: 0, length: geo.n * volume * geo.spatialDims });
    return { chunks, partialBytes: tasks * PARTIAL_BYTES, pieces: [{ task: 0, tasks, gradGrid }] };
  }
  const chunkBytes = Math.min(AFFINE_CHUNK, volume) * pointBytes;
  const most = Math.min(Math.floor(limit.bytes / chunkBytes), Math.floor(limit.bytes / PARTIAL_BYTES));
  if (most < 1) {
    throw tooLarge(
      `gradGrid (${gradGridBytes} bytes) runs in pieces of whole chunks of up to ${AFFINE_CHUNK} grid points, ` +
        `each ${chunkBytes} bytes with ${PARTIAL_BYTES} bytes of partial sums`,
      limit,
    );
  }
  // the first gradGrid element of task t (t = tasks: the end of gradGrid)
  const elementOf = (t: number) =>
    (Math.floor(t / chunks) * volume + Math.min((t % chunks) * AFFINE_CHUNK, volume)) * geo.spatialDims;
  const pieces = splitEvenly(tasks, most).map(([task, count]) => {
    const start = elementOf(task);
    return { task, tasks: count, gradGrid: runOf({ start, length: elementOf(task + count) - start }) };
  });
  return { chunks, partialBytes: Math.max(...pieces.map((p) => p.tasks)) * PARTIAL_BYTES, pieces };
}

/** What every piece of one call binds besides its gradGrid slice. */
interface Passes {
  geo: AffineGeometry;
  variants: [Variant, Variant];
  chunks: number;
  partials: BufferBinding;
  gradTheta: BufferBinding;
}

/** Records both passes of one piece: its chunks' sums, then their totals into (or onto) gradTheta. */
function dispatchPiece(
  ctx: GpuContext,
  encoder: GPUCommandEncoder,
  p: Passes,
  piece: AffineBackwardPiece,
  gradGrid: BufferBinding,
): void {
  const { n, d, h, w } = p.geo;
  const uniforms = { n, d, h, w, chunks: p.chunks, first_task: piece.task, tasks: piece.tasks };
  const bindings = { grad_grid: gradGrid, partials: p.partials, grad_theta: p.gradTheta };
  ctx.dispatch(encoder, p.variants[0], { uniforms, bindings, invocations: piece.tasks });
  const batches = Math.floor((piece.task + piece.tasks - 1) / p.chunks) - Math.floor(piece.task / p.chunks) + 1;
  ctx.dispatch(encoder, p.variants[1], { uniforms, bindings, invocations: batches });
}

/**
 * `GridSampler.encodeAffineGridBackward` on checked arguments: every piece in order. The partial sums
 * go to a scratch buffer that every piece writes (first pass) before reading it (second pass), so any
 * number of recorded calls can share it.
 */
export function encodeAffineGridBackwardInPieces(
  ctx: GpuContext,
  encoder: GPUCommandEncoder,
  buffers: { gradGrid: GPUBuffer; gradTheta: GPUBuffer },
  geo: AffineGeometry,
  alignCorners: boolean,
): void {
  const { chunks, partialBytes, pieces } = planAffineGridBackward(geo, ctx.limit);
  checkSliceUsage('encodeAffineGridBackward', 'gradGrid', buffers.gradGrid, pieces.length > 1, 'COPY_SRC');
  const total = elementCount(geo.gridShape);
  const passes: Passes = {
    geo,
    variants: variantsOf(geo, alignCorners),
    chunks,
    partials: [ctx.scratch('affine_grid backward partial sums', partialBytes), partialBytes],
    gradTheta: [buffers.gradTheta, thetaCount(geo) * 4],
  };
  for (const piece of pieces) {
    const gradGrid =
      total > 0 ? ctx.readSlice(encoder, buffers.gradGrid, piece.gradGrid, total, 'gradGrid') : ctx.placeholder('read');
    dispatchPiece(ctx, encoder, passes, piece, gradGrid);
  }
}

/**
 * `GridSampler.affineGridBackward` on checked, non-empty arguments: each piece uploaded and run in its
 * own submit (so about one piece of gradGrid is on the GPU at a time), then gradTheta read back.
 */
export async function affineGridBackwardTensors(
  ctx: GpuContext,
  gradGrid: Tensor,
  geo: AffineGeometry,
  alignCorners: boolean,
): Promise<Float32Array> {
  const { chunks, partialBytes, pieces } = planAffineGridBackward(geo, ctx.limit);
  const variants = variantsOf(geo, alignCorners);
  await Promise.all(variants.map((v) => ctx.compile(v, OP)));
  return ctx.lease(async (lease) => {
    const thetaBytes = thetaCount(geo) * 4;
    const passes: Passes = {
      geo,
      variants,
      chunks,
      // leased, not scratch: this call's pieces are submitted apart, and other calls may run between
      partials: [lease.acquire(partialBytes, BufferUsage.STORAGE, `${OP} partial sums`), partialBytes],
      gradTheta: [lease.acquire(thetaBytes, BufferUsage.STORAGE | BufferUsage.COPY_SRC, `${OP} gradTheta`), thetaBytes],
    };
    const run = (encoder: GPUCommandEncoder, piece: AffineBackwardPiece) => {
      const slice = ctx.upload(lease, gradGrid.data, piece.gradGrid, `${OP} gradGrid`);
      dispatchPiece(ctx, encoder, passes, piece, slice);
      return slice[0];
    };
    const last = pieces[pieces.length - 1];
    for (const [i, piece] of pieces.slice(0, -1).entries()) {
      let slice: GPUBuffer | undefined;
      await ctx.submit(`${OP} (piece ${i + 1} of ${pieces.length})`, (encoder) => {
        slice = run(encoder, piece);
      });
      // the next piece may take it: the queue writes it only after this piece has run
      if (slice) lease.release(slice);
    }
    const what = pieces.length > 1 ? `${OP} (piece ${pieces.length} of ${pieces.length})` : OP;
    const [data] = await ctx.readBack(what, lease, (encoder) => {
      run(encoder, last);
      return [passes.gradTheta];
    });
    return data;
  });
}
