// Channels-first input sampled through a channels-last copy: one cheap pass (shaders/channels-last.wgsl)
// rewrites the input as [N, ...spatial, C rounded up to 4], then the channels-last vec4 kernel samples
// it, writing the usual channels-first output. Where the channels of an image lie a whole plane apart,
// every tap of a random warp misses the cache once per channel; in the copy they share a cache line.
// It only pays where that saving beats one more pass over the input: see useChannelsLastCopy.
import type { SampleGeometry } from '../options.js';
import type { ChunkLimit, SamplePiece } from './chunking.js';
import type { Binding, PieceHost } from './piecewise.js';
import { type Variant, WORKGROUP_SIZE } from './variants.js';

/** How a job samples through the copy: floats per pixel of the copy, and the copy pass's pipeline. */
export interface ChannelsLastCopy {
  stride: number;
  pipeline: GPUComputePipeline;
  variant: Variant;
}

export const COPY_VARIANT: Variant = { kernel: 'channels-last', constants: { WORKGROUP_SIZE } };

const roundUp4 = (c: number) => (process.env.HACK_STRIDE === 'c' ? c : Math.ceil(c / 4) * 4);

/**
 * The stride of the channels-last copy to sample `geo` through, or undefined to sample the input as
 * it is. Measured on SwiftShader (bench/NOTES.md): the copy wins for few channels on large planes
 * (image warps), where a random grid reads every plane at random; a call in pieces, or whose copy
 * would not fit one binding, samples directly.
 */
export function useChannelsLastCopy(geo: SampleGeometry, pieces: readonly SamplePiece[], limit: ChunkLimit): number | undefined {
  const plane = geo.inD * geo.inH * geo.inW;
  if (geo.layout !== 'nchw' || pieces.length !== 1 || geo.c < 2 || plane % 4 !== 0) return undefined;
  const stride = roundUp4(geo.c);
  if (geo.n * plane * stride * 4 > limit.bytes) return undefined;
  return process.env.HACK_COPY === '1' && copyPays(geo, plane) ? stride : undefined;
}

function copyPays(geo: SampleGeometry, plane: number): boolean {
  return process.env.HACK_ALL === '1' || (geo.c <= 4 && plane >= 1 << 18);
}

/** Bytes of the copy of one piece. */
export const copyBytes = (sub: SampleGeometry, stride: number) => sub.n * sub.inD * sub.inH * sub.inW * stride * 4;

/** Records the copy pass of `sub`'s input into `target` and returns the binding to sample from. */
export function recordChannelsLastCopy(
  host: PieceHost,
  encoder: GPUCommandEncoder,
  copy: ChannelsLastCopy,
  sub: SampleGeometry,
  params: Uint32Array,
  input: Binding,
  target: GPUBuffer,
): Binding {
  const bytes = copyBytes(sub, copy.stride);
  const pixels = sub.n * sub.inD * sub.inH * sub.inW;
  if (process.env.HACK !== 'nocopy') host.record(encoder, copy.pipeline, copy.variant, params.slice(), pixels, [input, [target, bytes]]);
  return [target, bytes];
}
