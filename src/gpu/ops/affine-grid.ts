// affine_grid on the GPU: the Tensor API and the encode API, in pieces along the batch, then the grid
// points of one item (chunking.ts).
import affineBaseWgsl from '../../../shaders/affine-base.wgsl?raw';
import affineGridWgsl from '../../../shaders/affine-grid.wgsl?raw';
import { type AffineGeometry, allocateOutput, elementCount } from '../../options.js';
import type { Tensor } from '../../types.js';
import { type AffinePiece, affineOutputRange, planAffineGrid, thetaRange } from '../chunking.js';
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

export const AFFINE_BASE = wgslPart('shaders/affine-base.wgsl', affineBaseWgsl);

export const AFFINE_GRID = defineKernel({
  name: 'affine-grid',
  parts: [AFFINE_BASE, wgslPart('shaders/affine-grid.wgsl', affineGridWgsl)],
  entryPoint: 'affine_grid',
  bindings: { theta: 'read-only-storage', grid: 'storage', params: 'uniform' },
  uniform: { n: 'u32', d: 'u32', h: 'u32', w: 'u32', row_pitch: 'u32', point_offset: 'u32', point_count: 'u32' },
});

const variantOf = (geo: AffineGeometry, alignCorners: boolean): Variant => ({
  kernel: AFFINE_GRID,
  constants: { SPATIAL_DIMS: geo.spatialDims, ALIGN_CORNERS: Number(alignCorners) },
});

/** Records one piece: `points` grid points of its batch items from `point` on. */
function dispatchPiece(
  ctx: GpuContext,
  encoder: GPUCommandEncoder,
  variant: Variant,
  geo: AffineGeometry,
  piece: AffinePiece,
  theta: BufferBinding,
  grid: BufferBinding,
): void {
  const { d, h, w } = geo;
  ctx.dispatch(encoder, variant, {
    uniforms: { n: piece.batches, d, h, w, point_offset: piece.point, point_count: piece.points },
    bindings: { theta, grid },
    invocations: piece.points,
  });
}

/** `GridSampler.affineGrid` on checked arguments: one piece after the other, each read back. */
export async function affineGridTensors(
  ctx: GpuContext,
  theta: Tensor,
  geo: AffineGeometry,
  alignCorners: boolean,
): Promise<Float32Array> {
  const pieces = planAffineGrid(geo, ctx.limit);
  const variant = variantOf(geo, alignCorners);
  await ctx.compile(variant, 'affine_grid');
  return ctx.lease(async (lease) => {
    const output = pieces.length > 1 ? allocateOutput('affine_grid', geo.gridShape) : undefined;
    for (const piece of pieces) {
      const outRange = affineOutputRange(geo, piece);
      const what =
        pieces.length > 1
          ? `affine_grid (batch ${piece.batch}+${piece.batches}, points ${piece.point}+${piece.points})`
          : 'affine_grid';
      let pieceBuffers: GPUBuffer[] = [];
      const [data] = await ctx.readBack(what, lease, (encoder) => {
        const thetaSlice = ctx.upload(lease, theta.data, runOf(thetaRange(geo, piece)), 'affine_grid theta');
        const bytes = outRange.length * 4;
        const grid: BufferBinding = [
          lease.acquire(bytes, BufferUsage.STORAGE | BufferUsage.COPY_SRC, 'affine_grid output'),
          bytes,
        ];
        pieceBuffers = [thetaSlice[0], grid[0]];
        dispatchPiece(ctx, encoder, variant, geo, piece, thetaSlice, grid);
        return [grid];
      });
      for (const buffer of pieceBuffers) lease.release(buffer);
      if (!output) return data;
      output.set(data, outRange.start);
    }
    return output as Float32Array;
  });
}

/** `GridSampler.encodeAffineGrid` on checked arguments: every piece recorded in order. */
export function encodeAffineGridInPieces(
  ctx: GpuContext,
  encoder: GPUCommandEncoder,
  buffers: { theta: GPUBuffer; output: GPUBuffer },
  geo: AffineGeometry,
  alignCorners: boolean,
): void {
  const pieces = planAffineGrid(geo, ctx.limit);
  const variant = variantOf(geo, alignCorners);
  const thetaTotal = geo.n * geo.spatialDims * (geo.spatialDims + 1);
  const outputTotal = elementCount(geo.gridShape);
  const thetaSliced = pieces.some((p) => thetaRange(geo, p).length !== thetaTotal);
  checkSliceUsage('encodeAffineGrid', 'theta', buffers.theta, thetaSliced, 'COPY_SRC');
  checkSliceUsage('encodeAffineGrid', 'output', buffers.output, pieces.length > 1, 'COPY_DST');
  for (const piece of pieces) {
    const theta = ctx.readSlice(encoder, buffers.theta, runOf(thetaRange(geo, piece)), thetaTotal, 'theta');
    const runs = runOf(affineOutputRange(geo, piece));
    const grid = ctx.writeSlice(buffers.output, runs, outputTotal, 'output');
    dispatchPiece(ctx, encoder, variant, geo, piece, theta, grid);
    ctx.storeSlice(encoder, grid, buffers.output, runs);
  }
}
