// Backward of affine_grid on the GPU: d loss / d theta from d loss / d grid, in two deterministic passes
// (affine-grid-backward.wgsl): sums per chunk of points into a scratch buffer, then per batch item.
import affineGridBackwardWgsl from '../../../shaders/affine-grid-backward.wgsl?raw';
import type { AffineGeometry } from '../../options.js';
import type { Tensor } from '../../types.js';
import {
  type BufferBinding,
  BufferUsage,
  defineKernel,
  type GpuContext,
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
    uniform: { n: 'u32', d: 'u32', h: 'u32', w: 'u32', chunks: 'u32', row_pitch: 'u32' },
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

function variantsOf(geo: AffineGeometry, alignCorners: boolean): [Variant, Variant] {
  const constants = { SPATIAL_DIMS: geo.spatialDims, ALIGN_CORNERS: Number(alignCorners) };
  return [
    { kernel: AFFINE_GRID_BACKWARD_PARTIAL, constants },
    { kernel: AFFINE_GRID_BACKWARD_TOTAL, constants },
  ];
}

/** Elements of theta (and of its gradient) for `geo`. */
export const thetaCount = (geo: AffineGeometry) => geo.n * geo.spatialDims * (geo.spatialDims + 1);

/**
 * Records both passes. The partial sums go to a scratch buffer that every use writes (first pass)
 * before reading it (second pass), so any number of recorded calls can share it.
 */
export function encodeAffineGridBackwardPasses(
  ctx: GpuContext,
  encoder: GPUCommandEncoder,
  geo: AffineGeometry,
  alignCorners: boolean,
  gradGrid: BufferBinding,
  gradTheta: BufferBinding,
): void {
  const [partial, total] = variantsOf(geo, alignCorners);
  const chunks = Math.max(1, Math.ceil((geo.d * geo.h * geo.w) / AFFINE_CHUNK));
  const partialBytes = geo.n * chunks * PARTIAL_BYTES;
  const { n, d, h, w } = geo;
  const pass = (invocations: number) => ({
    uniforms: { n, d, h, w, chunks },
    bindings: {
      grad_grid: gradGrid,
      partials: [ctx.scratch('affine_grid backward partial sums', partialBytes), partialBytes] as const,
      grad_theta: gradTheta,
    },
    invocations,
  });
  ctx.dispatch(encoder, partial, pass(geo.n * chunks));
  ctx.dispatch(encoder, total, pass(geo.n));
}

/** `GridSampler.affineGridBackward` on checked, non-empty arguments: uploaded, run, read back. */
export async function affineGridBackwardTensors(
  ctx: GpuContext,
  gradGrid: Tensor,
  geo: AffineGeometry,
  alignCorners: boolean,
): Promise<Float32Array> {
  await Promise.all(variantsOf(geo, alignCorners).map((v) => ctx.compile(v, 'affine_grid backward')));
  return ctx.lease(async (lease) => {
    const bytes = thetaCount(geo) * 4;
    const [data] = await ctx.readBack('affine_grid backward', lease, (encoder) => {
      const input = ctx.upload(
        lease,
        gradGrid.data,
        runOf({ start: 0, length: gradGrid.data.length }),
        'affine_grid backward gradGrid',
      );
      const gradTheta: BufferBinding = [
        lease.acquire(bytes, BufferUsage.STORAGE | BufferUsage.COPY_SRC, 'affine_grid backward gradTheta'),
        bytes,
      ];
      encodeAffineGridBackwardPasses(ctx, encoder, geo, alignCorners, input, gradTheta);
      return [gradTheta];
    });
    return data;
  });
}
