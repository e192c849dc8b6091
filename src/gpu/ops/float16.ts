// grid_sample on float16 buffers (dtype 'float16' of encodeGridSample). Input and grid are read as
// float16 by the sampling kernels (grid-sample-storage-float16-*.wgsl); the arithmetic is float32. Two
// passes: the kernel writes float32 results to a scratch buffer, then float16-pack.wgsl rounds them to
// float16 with one invocation per output word, because neighbouring float16 outputs share a word but
// come from different sampling invocations (a store of one half would race with its neighbour's).
import float16PackWgsl from '../../../shaders/float16-pack.wgsl?raw';
import storageFloat16In2dWgsl from '../../../shaders/grid-sample-storage-float16-2d.wgsl?raw';
import storageFloat16In3dWgsl from '../../../shaders/grid-sample-storage-float16-3d.wgsl?raw';
import { elementCount, type ResolvedOptions, type SampleGeometry } from '../../options.js';
import { planGridSample } from '../chunking.js';
import { type BufferBinding, defineKernel, type GpuContext, wgslPart } from '../runtime.js';
import { forwardKernel, layoutConstants, samplePoints, sampleUniforms, samplingConstants } from './grid-sample.js';

// the forward kernels with float16 loads; f32 output to a scratch buffer that FLOAT16_PACK packs
export const GRID_SAMPLE_FLOAT16_KERNELS = {
  2: forwardKernel(
    'grid-sample-2d-float16',
    2,
    wgslPart('shaders/grid-sample-storage-float16-2d.wgsl', storageFloat16In2dWgsl),
    'grid_sample_2d',
  ),
  3: forwardKernel(
    'grid-sample-3d-float16',
    3,
    wgslPart('shaders/grid-sample-storage-float16-3d.wgsl', storageFloat16In3dWgsl),
    'grid_sample_3d',
  ),
};

export const FLOAT16_PACK = defineKernel({
  name: 'float16-pack',
  parts: [wgslPart('shaders/float16-pack.wgsl', float16PackWgsl)],
  entryPoint: 'float16_pack',
  bindings: { source: 'read-only-storage', output: 'storage', params: 'uniform' },
  uniform: { count: 'u32', row_pitch: 'u32' },
});

const fmt = (shape: readonly number[]) => `[${shape.join(', ')}]`;

/**
 * Records a float16 grid_sample on checked arguments: `input`, `grid` and `output` are bindings of the
 * caller's buffers. Runs in one piece, else a RangeError before anything is recorded.
 */
export function encodeFloat16GridSample(
  ctx: GpuContext,
  encoder: GPUCommandEncoder,
  { input, grid, output }: { input: BufferBinding; grid: BufferBinding; output: BufferBinding },
  geo: SampleGeometry,
  opts: ResolvedOptions,
): void {
  const count = elementCount(geo.outputShape);
  // the pack pass reads the f32 values 4 at a time: its binding is rounded up to 16 bytes, which may
  // pass maxChunkBytes by up to 12 bytes (a preference) but not the device's limits
  const valueBytes = Math.ceil(count / 4) * 16;
  const { maxStorageBufferBindingSize, maxBufferSize } = ctx.device.limits;
  const pieces = planGridSample(geo, ctx.limit).length;
  if (pieces > 1 || valueBytes > Math.min(maxStorageBufferBindingSize, maxBufferSize)) {
    throw new RangeError(
      `encodeGridSample: dtype 'float16' runs in one piece: the output ${fmt(geo.outputShape)}, input and grid must each fit ` +
        `${ctx.limit.bytes} bytes (set by ${ctx.limit.name}) as float32 values; split the call along the batch or output rows, or use dtype 'float32'`,
    );
  }
  const values = ctx.scratch('float16 values', valueBytes);
  ctx.dispatch(
    encoder,
    {
      kernel: GRID_SAMPLE_FLOAT16_KERNELS[geo.spatialDims],
      constants: { ...samplingConstants(opts), ...layoutConstants(geo) },
    },
    {
      uniforms: sampleUniforms(geo),
      bindings: { input, grid, output: [values, count * 4] },
      invocations: samplePoints(geo),
    },
  );
  ctx.dispatch(
    encoder,
    { kernel: FLOAT16_PACK, constants: {} },
    { uniforms: { count }, bindings: { source: [values, valueBytes], output }, invocations: Math.ceil(count / 4) },
  );
}
