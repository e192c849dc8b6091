// The wasm kernels' entry points, called by src/wasm/ on the calling thread or in worker threads.
// Every pointer is a byte offset into the (imported) memory; src/wasm/plan.ts lays the memory out.
import { Bicubic } from './bicubic';
import { Bilinear } from './bilinear';
import { Nearest } from './nearest';
import { BICUBIC, NEAREST, PACK_CHANNELS_FIRST, Params } from './params';
import { packChannelsFirst } from './repack';
import { Trilinear } from './trilinear';

export { scratchBytes } from './tile';

// Work is handed out in chunks from a counter in memory (`counter`, an i32): every thread of a call
// runs the same entry point on the same range and claims chunk after chunk until none is left, so a
// thread that the system holds back simply takes fewer chunks. One thread takes one chunk: the range.

/** The next chunk of a shared counter: an atomic add where threads share the memory. */
function claim(counter: usize): i32 {
  if (ASC_FEATURE_THREADS) return atomic.add<i32>(counter, 1);
  const next = load<i32>(counter);
  store<i32>(counter, next + 1);
  return next;
}

/** Packs the input pixels [start, end) (counted over N x spatial) into `params.source`, `chunk` at a time. */
export function pack(params: usize, start: i32, end: i32, chunk: i32, counter: usize): void {
  const p = changetype<Params>(params);
  for (let from = start + claim(counter) * chunk; from < end; from = start + claim(counter) * chunk) {
    packInto(p, p.source, from, min(end, from + chunk), 0);
  }
}

/**
 * One thread, one batch item: packs the input pixels [start, end), staged channels first at
 * `params.input` (planes end - start apart), into their place at `params.source`.
 */
export function packStage(params: usize, start: i32, end: i32): void {
  const p = changetype<Params>(params);
  packChannelsFirst(p.input, p.source + ((<usize>start * p.c) << 2), p.c, end - start, 0, end - start);
}

/**
 * Samples the output points [start, end) (counted over N x spatial), `chunk` at a time, from the
 * packed input at `params.source`; `scratch` is this thread's scratch area (scratchBytes(pixelStride)).
 */
export function sample(params: usize, start: i32, end: i32, scratch: usize, chunk: i32, counter: usize): void {
  const p = changetype<Params>(params);
  for (let from = start + claim(counter) * chunk; from < end; from = start + claim(counter) * chunk) {
    sampleFrom(p, from, min(end, from + chunk), scratch, p.source, 0);
  }
}

/**
 * Batch items [first, last), one at a time: packs the item into `packed` (room for one item, this
 * thread's), then samples its output points from there while it is still in cache.
 */
export function sampleBatches(
  params: usize,
  first: i32,
  last: i32,
  scratch: usize,
  packed: usize,
  counter: usize,
): void {
  const p = changetype<Params>(params);
  const pixels = p.inD * p.inH * p.inW;
  const points = p.outD * p.outH * p.outW;
  for (let b = first + claim(counter); b < last; b = first + claim(counter)) {
    packInto(p, packed, b * pixels, (b + 1) * pixels, b);
    sampleFrom(p, b * points, (b + 1) * points, scratch, packed, b);
  }
}

/** Packs pixels [start, end) into `to`, where batch item `firstBatch` starts. */
function packInto(p: Params, to: usize, start: i32, end: i32, firstBatch: i32): void {
  const pixels = p.inD * p.inH * p.inW;
  const at = to - <usize>firstBatch * pixels * ((<usize>p.c) << 2); // where batch 0 would start
  if (p.packing == PACK_CHANNELS_FIRST) packChannelsFirst(p.input, at, p.c, pixels, start, end);
}

function sampleFrom(p: Params, start: i32, end: i32, scratch: usize, source: usize, firstBatch: i32): void {
  if (p.mode == NEAREST) Nearest.sample(p, start, end, scratch, source, firstBatch);
  else if (p.mode == BICUBIC) Bicubic.sample(p, start, end, scratch, source, firstBatch);
  else if (p.spatialDims == 3) Trilinear.sample(p, start, end, scratch, source, firstBatch);
  else Bilinear.sample(p, start, end, scratch, source, firstBatch);
}
