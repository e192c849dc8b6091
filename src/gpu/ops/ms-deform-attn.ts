// Multi-scale deformable attention on the GPU: one fused kernel (shaders/ms-deform-attn.wgsl), no
// intermediate tensors. A call larger than one binding runs in pieces of whole batch items, or of one
// item's queries (ms-deform-attn-plan.ts); each piece binds its batch items' value whole. The Tensor
// API uploads, runs and reads back each piece; the encode API records every piece on the caller's
// buffers (slices copied through scratch buffers), float32 or float16.
import msDeformAttnWgsl from '../../../shaders/ms-deform-attn.wgsl?raw';
import storageFloat16Wgsl from '../../../shaders/ms-deform-attn-storage-float16.wgsl?raw';
import storageFloat32Wgsl from '../../../shaders/ms-deform-attn-storage-float32.wgsl?raw';
import type { MsDeformAttnGeometry } from '../../ms-deform-attn-shapes.js';
import { allocateOutput, elementCount } from '../../options.js';
import type { Dtype, Tensor } from '../../types.js';
import { checkSliceUsage } from '../gpu-args.js';
import {
  type BufferBinding,
  BufferUsage,
  defineKernel,
  type GpuContext,
  type Variant,
  type WgslPart,
  wgslPart,
} from '../runtime.js';
import { FLOAT16_PACK } from './float16.js';
import { COORDINATES } from './grid-sample.js';
import { type MsDeformAttnPiece, pieceRuns, planMsDeformAttn, type Tensors } from './ms-deform-attn-plan.js';

const KERNEL = wgslPart('shaders/ms-deform-attn.wgsl', msDeformAttnWgsl);

const msDeformAttnKernel = (name: string, storage: WgslPart, entryPoint: string) =>
  defineKernel({
    name,
    parts: [COORDINATES, storage, KERNEL],
    entryPoint,
    bindings: {
      value: 'read-only-storage',
      locations: 'read-only-storage',
      weights: 'read-only-storage',
      level_shapes: 'read-only-storage',
      output: 'storage',
      params: 'uniform',
    },
    uniform: {
      batches: 'u32',
      queries: 'u32',
      heads: 'u32',
      channels: 'u32',
      levels: 'u32',
      points: 'u32',
      positions: 'u32',
      row_pitch: 'u32',
    },
  });

const FLOAT32 = wgslPart('shaders/ms-deform-attn-storage-float32.wgsl', storageFloat32Wgsl);
const FLOAT16 = wgslPart('shaders/ms-deform-attn-storage-float16.wgsl', storageFloat16Wgsl);

/** The kernels by storage: channels loaded one by one (any d), or 4 at a time (d a multiple of 4). */
export const MS_DEFORM_ATTN_KERNELS = {
  float32: msDeformAttnKernel('ms-deform-attn', FLOAT32, 'ms_deform_attn'),
  float32Vec4: msDeformAttnKernel('ms-deform-attn-vec4', FLOAT32, 'ms_deform_attn_vec4'),
  float16: msDeformAttnKernel('ms-deform-attn-float16', FLOAT16, 'ms_deform_attn'),
  float16Vec4: msDeformAttnKernel('ms-deform-attn-float16-vec4', FLOAT16, 'ms_deform_attn_vec4'),
};

const OP = 'ms_deform_attn';

/**
 * Groups of 4 channels per invocation (the kernels' GROUPS): the largest divisor of ceil(d / 4) up to
 * 8, so every invocation has a whole block and d = 32 is one invocation per (batch, query, head).
 */
export function msDeformAttnGroups(d: number): number {
  const groups = Math.ceil(d / 4);
  let g = Math.min(8, groups);
  while (groups % g !== 0) g--;
  return g;
}

/** The kernel of a call: the vec4 entry point where d is a multiple of 4. */
function variantOf(geo: MsDeformAttnGeometry, dtype: Dtype): Variant {
  const vec4 = geo.d % 4 === 0;
  const k = MS_DEFORM_ATTN_KERNELS;
  const kernel = dtype === 'float16' ? (vec4 ? k.float16Vec4 : k.float16) : vec4 ? k.float32Vec4 : k.float32;
  return { kernel, constants: { GROUPS: msDeformAttnGroups(geo.d) } };
}

/** The level table of shaders/ms-deform-attn.wgsl: (H, W, first position, 0) per level. */
function levelTable(ctx: GpuContext, geo: MsDeformAttnGeometry): BufferBinding {
  const table = new Uint32Array(4 * geo.levels);
  for (const [l, [h, w]] of geo.levelShapes.entries()) table.set([h, w, geo.levelStarts[l]], 4 * l);
  return ctx.table(table, `${OP} level shapes`);
}

/** Records the kernel over one piece. */
function dispatchPiece(
  ctx: GpuContext,
  encoder: GPUCommandEncoder,
  variant: Variant,
  geo: MsDeformAttnGeometry,
  piece: MsDeformAttnPiece,
  bindings: Record<Tensors | 'level_shapes', BufferBinding>,
): void {
  const { heads, d, levels, points, s } = geo;
  ctx.dispatch(encoder, variant, {
    uniforms: { batches: piece.batches, queries: piece.queries, heads, channels: d, levels, points, positions: s },
    bindings,
    invocations: (piece.batches * piece.queries * heads * Math.ceil(d / 4)) / variant.constants.GROUPS,
  });
}

const STORAGE_OUT = BufferUsage.STORAGE | BufferUsage.COPY_SRC;

/** `GridSampler.msDeformAttn` on checked arguments with a non-empty output: each piece read back. */
export async function msDeformAttnTensors(
  ctx: GpuContext,
  inputs: Record<'value' | 'locations' | 'weights', Tensor>,
  geo: MsDeformAttnGeometry,
): Promise<Float32Array> {
  const pieces = planMsDeformAttn(geo, ctx.limit);
  const variant = variantOf(geo, 'float32');
  await ctx.compile(variant, OP);
  return ctx.lease(async (lease) => {
    const output = pieces.length > 1 ? allocateOutput(OP, geo.outputShape) : undefined;
    const levels = levelTable(ctx, geo);
    let value: BufferBinding | undefined;
    let valueStart = -1;
    for (const [i, piece] of pieces.entries()) {
      const runs = pieceRuns(geo, piece);
      const upload = (name: 'locations' | 'weights') =>
        runs[name][0].length > 0 ? ctx.upload(lease, inputs[name].data, runs[name], `${OP} ${name}`) : undefined;
      const outBytes = runs.output[0].length * 4;
      let held: GPUBuffer[] = [];
      const what = pieces.length > 1 ? `${OP} (piece ${i + 1} of ${pieces.length})` : OP;
      const [data] = await ctx.readBack(what, lease, (encoder) => {
        // the query pieces of one batch item share its value
        if (runs.value[0].to !== valueStart || !value) {
          if (value) lease.release(value[0]);
          value = ctx.upload(lease, inputs.value.data, runs.value, `${OP} value`);
          valueStart = runs.value[0].to;
        }
        const locations = upload('locations');
        const weights = upload('weights');
        const out: BufferBinding = [lease.acquire(outBytes, STORAGE_OUT, `${OP} output`), outBytes];
        held = [locations?.[0], weights?.[0], out[0]].filter((b) => b !== undefined);
        dispatchPiece(ctx, encoder, variant, geo, piece, {
          value,
          locations: locations ?? ctx.placeholder('read'),
          weights: weights ?? ctx.placeholder('read'),
          level_shapes: levels,
          output: out,
        });
        return [out];
      });
      for (const buffer of held) lease.release(buffer);
      if (!output) return data;
      output.set(data, runs.output[0].to);
    }
    return output as Float32Array;
  });
}

/** The caller's buffers of `GridSampler.encodeMsDeformAttn`. */
export type MsDeformAttnBuffers = Record<Tensors, GPUBuffer>;

/**
 * `GridSampler.encodeMsDeformAttn` on checked arguments with a non-empty output, float32 (in pieces)
 * or float16 (one piece).
 */
export function encodeMsDeformAttnBuffers(
  ctx: GpuContext,
  encoder: GPUCommandEncoder,
  buffers: MsDeformAttnBuffers,
  geo: MsDeformAttnGeometry,
  dtype: Dtype,
): void {
  if (dtype === 'float32') encodeInPieces(ctx, encoder, buffers, geo);
  else encodeFloat16(ctx, encoder, buffers, geo);
}

/** float32: every piece recorded in order; slices of the caller's buffers go through one scratch buffer per role. */
function encodeInPieces(
  ctx: GpuContext,
  encoder: GPUCommandEncoder,
  buffers: MsDeformAttnBuffers,
  geo: MsDeformAttnGeometry,
): void {
  const pieces = planMsDeformAttn(geo, ctx.limit);
  const total = pieceRuns(geo, { batch: 0, batches: geo.bs, query: 0, queries: geo.nq });
  const sliced = (name: Tensors) =>
    pieces.length > 1 && pieceRuns(geo, pieces[0])[name][0].length < total[name][0].length;
  for (const name of ['value', 'locations', 'weights'] as const) {
    checkSliceUsage('encodeMsDeformAttn', name, buffers[name], sliced(name), 'COPY_SRC');
  }
  checkSliceUsage('encodeMsDeformAttn', 'output', buffers.output, sliced('output'), 'COPY_DST');
  const variant = variantOf(geo, 'float32');
  const levels = levelTable(ctx, geo);
  for (const piece of pieces) {
    const runs = pieceRuns(geo, piece);
    const read = (name: 'value' | 'locations' | 'weights') =>
      runs[name][0].length > 0
        ? ctx.readSlice(encoder, buffers[name], runs[name], total[name][0].length, name)
        : ctx.placeholder('read');
    const output = ctx.writeSlice(buffers.output, runs.output, total.output[0].length, 'output');
    dispatchPiece(ctx, encoder, variant, geo, piece, {
      value: read('value'),
      locations: read('locations'),
      weights: read('weights'),
      level_shapes: levels,
      output,
    });
    ctx.storeSlice(encoder, output, buffers.output, runs.output);
  }
}

/**
 * float16: the kernel reads float16 and writes float32 to a scratch buffer, which float16-pack.wgsl
 * rounds into the caller's output (the halves of one word may belong to two invocations). One piece,
 * else a RangeError before anything is recorded.
 */
function encodeFloat16(
  ctx: GpuContext,
  encoder: GPUCommandEncoder,
  buffers: MsDeformAttnBuffers,
  geo: MsDeformAttnGeometry,
): void {
  const total = pieceRuns(geo, { batch: 0, batches: geo.bs, query: 0, queries: geo.nq });
  // float16 values are bound in whole 4-byte words
  const bind = (name: Tensors): BufferBinding => [buffers[name], Math.ceil(total[name][0].length / 2) * 4];
  const count = elementCount(geo.outputShape);
  // the pack pass reads the f32 values 4 at a time: its binding is rounded up to 16 bytes
  const valueBytes = Math.ceil(count / 4) * 16;
  const { maxStorageBufferBindingSize, maxBufferSize } = ctx.device.limits;
  const pieces = planMsDeformAttn(geo, ctx.limit).length;
  if (pieces > 1 || valueBytes > Math.min(maxStorageBufferBindingSize, maxBufferSize)) {
    throw new RangeError(
      `encodeMsDeformAttn: dtype 'float16' runs in one piece: the output [${geo.outputShape.join(', ')}], value, ` +
        `locations and weights must each fit ${ctx.limit.bytes} bytes (set by ${ctx.limit.name}) as float32 values; ` +
        "split the call along the batch or the queries, or use dtype 'float32'",
    );
  }
  const values = ctx.scratch('float16 values', valueBytes);
  const empty = geo.points === 0;
  dispatchPiece(
    ctx,
    encoder,
    variantOf(geo, 'float16'),
    geo,
    { batch: 0, batches: geo.bs, query: 0, queries: geo.nq },
    {
      value: bind('value'),
      locations: empty ? ctx.placeholder('read') : bind('locations'),
      weights: empty ? ctx.placeholder('read') : bind('weights'),
      level_shapes: levelTable(ctx, geo),
      output: [values, count * 4],
    },
  );
  ctx.dispatch(
    encoder,
    { kernel: FLOAT16_PACK, constants: {} },
    {
      uniforms: { count },
      bindings: { source: [values, valueBytes], output: bind('output') },
      invocations: Math.ceil(count / 4),
    },
  );
}
