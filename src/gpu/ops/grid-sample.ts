// grid_sample on the GPU, float32 storage: the Tensor API uploads each piece of a call, runs it and
// reads it back; the encode API records every piece into the caller's encoder on the caller's buffers,
// slices copied through scratch buffers (pieces: chunking.ts). First, what every grid_sample kernel
// shares (forward, float16, backward, image): WGSL parts, the uniform, and how options and shapes
// become override constants and uniform fields.
import coordinatesWgsl from '../../../shaders/coordinates.wgsl?raw';
import gridSample2dWgsl from '../../../shaders/grid-sample-2d.wgsl?raw';
import gridSample2dVec4Wgsl from '../../../shaders/grid-sample-2d-vec4.wgsl?raw';
import gridSample3dWgsl from '../../../shaders/grid-sample-3d.wgsl?raw';
import gridSample3dVec4Wgsl from '../../../shaders/grid-sample-3d-vec4.wgsl?raw';
import storageFloat32In2dWgsl from '../../../shaders/grid-sample-storage-float32-2d.wgsl?raw';
import storageFloat32In3dWgsl from '../../../shaders/grid-sample-storage-float32-3d.wgsl?raw';
import sampleParamsWgsl from '../../../shaders/sample-params.wgsl?raw';
import { allocateOutput, elementCount, type ResolvedOptions, type SampleGeometry } from '../../options.js';
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
  type OverrideConstants,
  runOf,
  type Variant,
  type WgslPart,
  wgslPart,
} from '../runtime.js';

export const COORDINATES = wgslPart('shaders/coordinates.wgsl', coordinatesWgsl);
export const SAMPLE_PARAMS = wgslPart('shaders/sample-params.wgsl', sampleParamsWgsl);
const GRID_SAMPLE = {
  2: wgslPart('shaders/grid-sample-2d.wgsl', gridSample2dWgsl),
  3: wgslPart('shaders/grid-sample-3d.wgsl', gridSample3dWgsl),
};

/** The fields of sample-params.wgsl's Params. */
export const SAMPLE_UNIFORM = {
  n: 'u32',
  c: 'u32',
  in_d: 'u32',
  in_h: 'u32',
  in_w: 'u32',
  out_d: 'u32',
  out_h: 'u32',
  out_w: 'u32',
  row_pitch: 'u32',
} as const;

/** Params of one grid_sample call (or piece), by field name. */
export function sampleUniforms(geo: SampleGeometry) {
  const { n, c, inD, inH, inW, outD, outH, outW } = geo;
  return { n, c, in_d: inD, in_h: inH, in_w: inW, out_d: outD, out_h: outH, out_w: outW };
}

/** Output points of a call, one invocation each. */
export const samplePoints = (geo: SampleGeometry) => geo.n * geo.outD * geo.outH * geo.outW;

const MODE = { bilinear: 0, nearest: 1, bicubic: 2 } as const;
const PADDING = { zeros: 0, border: 1, reflection: 2 } as const;

/** The override constants of every sampling kernel: mode, padding, alignCorners. */
export function samplingConstants(
  opts: Pick<ResolvedOptions, 'mode' | 'paddingMode' | 'alignCorners'>,
): OverrideConstants {
  return { MODE: MODE[opts.mode], PADDING: PADDING[opts.paddingMode], ALIGN_CORNERS: Number(opts.alignCorners) };
}

/**
 * A forward kernel: the coordinate math, the shape uniform, a storage part (bindings input and grid
 * with their loads, float32 or float16), grid-sample-2d/3d.wgsl and any extra entry point file.
 */
export function forwardKernel(
  name: string,
  dims: 2 | 3,
  storage: WgslPart,
  entryPoint: string,
  extra: WgslPart[] = [],
) {
  return defineKernel({
    name,
    parts: [COORDINATES, SAMPLE_PARAMS, storage, GRID_SAMPLE[dims], ...extra],
    entryPoint,
    bindings: { input: 'read-only-storage', grid: 'read-only-storage', output: 'storage', params: 'uniform' },
    uniform: SAMPLE_UNIFORM,
  });
}

const STORAGE = {
  2: wgslPart('shaders/grid-sample-storage-float32-2d.wgsl', storageFloat32In2dWgsl),
  3: wgslPart('shaders/grid-sample-storage-float32-3d.wgsl', storageFloat32In3dWgsl),
};

export const GRID_SAMPLE_KERNELS = {
  2: forwardKernel('grid-sample-2d', 2, STORAGE[2], 'grid_sample_2d'),
  3: forwardKernel('grid-sample-3d', 3, STORAGE[3], 'grid_sample_3d'),
};

// channels-last input read 4 channels at a time: a second entry point of the same kernel
export const GRID_SAMPLE_VEC4_KERNELS = {
  2: forwardKernel('grid-sample-2d-vec4', 2, STORAGE[2], 'grid_sample_2d_vec4', [
    wgslPart('shaders/grid-sample-2d-vec4.wgsl', gridSample2dVec4Wgsl),
  ]),
  3: forwardKernel('grid-sample-3d-vec4', 3, STORAGE[3], 'grid_sample_3d_vec4', [
    wgslPart('shaders/grid-sample-3d-vec4.wgsl', gridSample3dVec4Wgsl),
  ]),
};

/** The layout of input and output: an override constant, so each layout compiles straight-line code. */
export const layoutConstants = (geo: SampleGeometry) => ({ CHANNELS_LAST: Number(geo.layout === 'nhwc') });

/**
 * The variant of a call: the vec4 entry point for channels-last data whose C is a multiple of 4 (pixels
 * start at multiples of 4 floats, and each pixel's output channels come in whole groups of 4).
 */
export function gridSampleVariant(geo: SampleGeometry, opts: ResolvedOptions): Variant {
  const vec4 = geo.layout === 'nhwc' && geo.c % 4 === 0;
  const kernel = (vec4 ? GRID_SAMPLE_VEC4_KERNELS : GRID_SAMPLE_KERNELS)[geo.spatialDims];
  return { kernel, constants: { ...samplingConstants(opts), ...layoutConstants(geo) } };
}

const STORAGE_OUT = BufferUsage.STORAGE | BufferUsage.COPY_SRC;

const describePiece = (p: SamplePiece, of: number) =>
  `piece of batch ${p.batch}+${p.batches}, channels ${p.channel}+${p.channels}, rows ${p.row}+${p.rows} (${of} pieces)`;

/** `GridSampler.gridSample` on checked arguments: one piece after the other, each read back. */
export async function gridSampleTensors(
  ctx: GpuContext,
  input: Tensor,
  grid: Tensor,
  geo: SampleGeometry,
  opts: ResolvedOptions,
): Promise<Float32Array> {
  const pieces = planGridSample(geo, ctx.limit);
  const variant = gridSampleVariant(geo, opts);
  await ctx.compile(variant, 'grid_sample');
  return ctx.lease(async (lease) => {
    const output = pieces.length > 1 ? allocateOutput('grid_sample', geo.outputShape) : undefined;
    let inputSlice: BufferBinding | undefined;
    let inputStart = -1;
    for (const piece of pieces) {
      const sub = pieceGeometry(geo, piece);
      const inRange = inputRange(geo, piece);
      const outBytes = elementCount(sub.outputShape) * 4;
      const what = pieces.length > 1 ? `grid_sample (${describePiece(piece, pieces.length)})` : 'grid_sample';
      let pieceBuffers: GPUBuffer[] = [];
      const [data] = await ctx.readBack(what, lease, (encoder) => {
        // consecutive row pieces of one batch item and channel range share their input slice
        if (inRange.start !== inputStart || !inputSlice) {
          if (inputSlice) lease.release(inputSlice[0]);
          inputSlice = ctx.upload(lease, input.data, runOf(inRange), 'grid_sample input');
          inputStart = inRange.start;
        }
        const gridSlice = ctx.upload(lease, grid.data, runOf(gridRange(geo, piece)), 'grid_sample grid');
        const out: BufferBinding = [lease.acquire(outBytes, STORAGE_OUT, 'grid_sample output'), outBytes];
        pieceBuffers = [gridSlice[0], out[0]];
        ctx.dispatch(encoder, variant, {
          uniforms: sampleUniforms(sub),
          bindings: { input: inputSlice, grid: gridSlice, output: out },
          invocations: samplePoints(sub),
        });
        return [out];
      });
      for (const buffer of pieceBuffers) lease.release(buffer);
      if (!output) return data;
      for (const run of outputRuns(geo, piece)) output.set(data.subarray(run.from, run.from + run.length), run.to);
    }
    return output as Float32Array;
  });
}

/** The caller's buffers of `GridSampler.encodeGridSample`. */
export interface SampleBuffers {
  input: GPUBuffer;
  grid: GPUBuffer;
  output: GPUBuffer;
}

/** `GridSampler.encodeGridSample` (float32) on checked arguments: every piece recorded in order. */
export function encodeGridSampleInPieces(
  ctx: GpuContext,
  encoder: GPUCommandEncoder,
  buffers: SampleBuffers,
  geo: SampleGeometry,
  opts: ResolvedOptions,
): void {
  const pieces = planGridSample(geo, ctx.limit);
  const variant = gridSampleVariant(geo, opts);
  const total = {
    input: geo.n * geo.c * geo.inD * geo.inH * geo.inW,
    grid: samplePoints(geo) * geo.spatialDims,
    output: elementCount(geo.outputShape),
  };
  const op = 'encodeGridSample';
  const sliced = (runsOf: (p: SamplePiece) => ReturnType<typeof runOf>, of: number) =>
    pieces.some((p) => !isWhole(runsOf(p), of));
  checkSliceUsage(
    op,
    'input',
    buffers.input,
    sliced((p) => runOf(inputRange(geo, p)), total.input),
    'COPY_SRC',
  );
  checkSliceUsage(
    op,
    'grid',
    buffers.grid,
    sliced((p) => runOf(gridRange(geo, p)), total.grid),
    'COPY_SRC',
  );
  checkSliceUsage(
    op,
    'output',
    buffers.output,
    sliced((p) => outputRuns(geo, p), total.output),
    'COPY_DST',
  );
  for (const piece of pieces) {
    const sub = pieceGeometry(geo, piece);
    const runs = outputRuns(geo, piece);
    const output = ctx.writeSlice(buffers.output, runs, total.output, 'output');
    ctx.dispatch(encoder, variant, {
      uniforms: sampleUniforms(sub),
      bindings: {
        input: ctx.readSlice(encoder, buffers.input, runOf(inputRange(geo, piece)), total.input, 'input'),
        grid: ctx.readSlice(encoder, buffers.grid, runOf(gridRange(geo, piece)), total.grid, 'grid'),
        output,
      },
      invocations: samplePoints(sub),
    });
    ctx.storeSlice(encoder, output, buffers.output, runs);
  }
}
