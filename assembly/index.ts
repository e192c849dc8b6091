// The wasm kernels' entry points, called by src/wasm/ on the calling thread or in worker threads.
// Every pointer is a byte offset into the (imported) memory; src/wasm/plan.ts lays the memory out.
import { Bicubic } from './bicubic';
import { Bilinear } from './bilinear';
import { Nearest } from './nearest';
import { BICUBIC, NEAREST, PACK_CHANNELS_FIRST, PACK_CHANNELS_LAST, Params } from './params';
import { packChannelsFirst, packChannelsLast } from './repack';
import { Trilinear } from './trilinear';

export { scratchBytes } from './tile';

/** Packs the input pixels [start, end) (counted over N x spatial) into `params.source`. */
export function pack(params: usize, start: i32, end: i32): void {
  const p = changetype<Params>(params);
  packInto(p, p.source, start, end, 0);
}

/**
 * Samples the output points [start, end) (counted over N x spatial) from the packed input at
 * `params.source`; `scratch` is this thread's scratch area (scratchBytes(pixelStride) bytes).
 */
export function sample(params: usize, start: i32, end: i32, scratch: usize): void {
  const p = changetype<Params>(params);
  sampleFrom(p, start, end, scratch, p.source, 0);
}

/**
 * Batch items [first, last), one at a time: packs the item into `packed` (room for one item, this
 * thread's), then samples its output points from there while it is still in cache.
 */
export function sampleBatches(params: usize, first: i32, last: i32, scratch: usize, packed: usize): void {
  const p = changetype<Params>(params);
  const pixels = p.inD * p.inH * p.inW;
  const points = p.outD * p.outH * p.outW;
  for (let b = first; b < last; b++) {
    packInto(p, packed, b * pixels, (b + 1) * pixels, b);
    sampleFrom(p, b * points, (b + 1) * points, scratch, packed, b);
  }
}

/** Packs pixels [start, end) into `to`, where batch item `firstBatch` starts. */
function packInto(p: Params, to: usize, start: i32, end: i32, firstBatch: i32): void {
  const pixels = p.inD * p.inH * p.inW;
  const at = to - <usize>firstBatch * pixels * ((<usize>p.pixelStride) << 2); // where batch 0 would start
  if (p.packing == PACK_CHANNELS_FIRST) packChannelsFirst(p.input, at, p.c, pixels, p.pixelStride, start, end);
  else if (p.packing == PACK_CHANNELS_LAST) packChannelsLast(p.input, at, p.c, p.pixelStride, start, end);
}

function sampleFrom(p: Params, start: i32, end: i32, scratch: usize, source: usize, firstBatch: i32): void {
  if (p.mode == NEAREST) Nearest.sample(p, start, end, scratch, source, firstBatch);
  else if (p.mode == BICUBIC) Bicubic.sample(p, start, end, scratch, source, firstBatch);
  else if (p.spatialDims == 3) Trilinear.sample(p, start, end, scratch, source, firstBatch);
  else Bilinear.sample(p, start, end, scratch, source, firstBatch);
}
