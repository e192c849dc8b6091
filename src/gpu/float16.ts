// grid_sample on float16 buffers (dtype 'float16' of encodeGridSample). Input and grid are read as
// float16 by the sampling kernels (grid-sample-storage-float16-*.wgsl); the arithmetic is float32. Two
// passes: the kernel writes float32 results to a scratch buffer, then float16-pack.wgsl rounds them to
// float16 with one invocation per output word, because neighbouring float16 outputs share a word but
// come from different sampling invocations (a store of one half would race with its neighbour's).
import { elementCount, type ResolvedOptions, type SampleGeometry } from '../options.js';
import type { ChunkLimit } from './chunking.js';
import type { Binding, PieceHost, ScratchRole } from './piecewise.js';
import { pipelineSync } from './pipelines.js';
import { float16ForwardVariant, sampleParams, type Variant, WORKGROUP_SIZE } from './variants.js';

/** What the sampler lends this module. */
export interface Float16Host {
  readonly device: GPUDevice;
  record: PieceHost['record'];
  /** The STORAGE buffer of `role`, made with `bytes` the first time and kept by the sampler for reuse. */
  scratch(role: ScratchRole, bytes: number): GPUBuffer;
}

/** The caller's input, grid and output buffers, with the bytes of each to bind. */
export type Float16Bindings = [input: Binding, grid: Binding, output: Binding];

export interface Float16Job {
  geo: SampleGeometry;
  opts: ResolvedOptions;
  /** How many pieces the call would take as float32 (see chunking.ts): float16 runs in one. */
  pieces: number;
  limit: ChunkLimit;
}

const PACK: Variant = { kernel: 'float16-pack', constants: { WORKGROUP_SIZE } };
const fmt = (shape: readonly number[]) => `[${shape.join(', ')}]`;

/** Records a float16 grid_sample: `input`, `grid` and `output` are bindings of the caller's buffers. */
export function encodeFloat16GridSample(
  host: Float16Host,
  encoder: GPUCommandEncoder,
  [input, grid, output]: Float16Bindings,
  { geo, opts, pieces, limit }: Float16Job,
): void {
  const count = elementCount(geo.outputShape);
  // the pack pass reads the f32 values 4 at a time: its binding is rounded up to 16 bytes, which may
  // pass maxChunkBytes by up to 12 bytes (a preference) but not the device's limits
  const valueBytes = Math.ceil(count / 4) * 16;
  const { maxStorageBufferBindingSize, maxBufferSize } = host.device.limits;
  if (pieces > 1 || valueBytes > Math.min(maxStorageBufferBindingSize, maxBufferSize)) {
    throw new RangeError(
      `encodeGridSample: dtype 'float16' runs in one piece: the output ${fmt(geo.outputShape)}, input and grid must each fit ` +
        `${limit.bytes} bytes (set by ${limit.name}) as float32 values; split the call along the batch or output rows, or use dtype 'float32'`,
    );
  }
  const variant = float16ForwardVariant(geo, opts);
  const sample = pipelineSync(host.device, variant.kernel, variant.constants);
  const pack = pipelineSync(host.device, PACK.kernel, PACK.constants);
  // one f32 scratch per power-of-two size, so few sizes are ever kept
  const bytes = Math.max(valueBytes, Math.min(limit.bytes, Math.max(256, 2 ** Math.ceil(Math.log2(count * 4)))));
  const scratch = host.scratch(`float16 values ${bytes}`, bytes);
  const points = geo.n * geo.outD * geo.outH * geo.outW;
  host.record(encoder, sample, variant, sampleParams(geo, 0), points, [input, grid, [scratch, count * 4]]);
  // count and the row pitch (filled in by record), padded to 16 bytes
  const packParams = new Uint32Array([count, 0, 0, 0]);
  const values: Binding = [scratch, valueBytes];
  host.record(encoder, pack, PACK, packParams, Math.ceil(count / 4), [values, output]);
}
