// The wasm kernels' entry points, called by src/wasm/ on the calling thread or in worker threads.
// Every pointer is a byte offset into the (imported) memory; see src/wasm/plan.ts for the layout.
import { Bicubic } from './bicubic';
import { Bilinear } from './bilinear';
import { Nearest } from './nearest';
import { BICUBIC, NEAREST, Params } from './params';
import { Trilinear } from './trilinear';

export { packChannelsFirst, packChannelsLast } from './repack';
export { scratchBytes } from './tile';

/**
 * Samples the output points [start, end), counted over N x spatial, of the call described at
 * `params`; `scratch` is this thread's scratch area (512 bytes + 4 points of `pixelStride` floats).
 */
export function sample(params: usize, start: i32, end: i32, scratch: usize): void {
  const p = changetype<Params>(params);
  if (p.mode == NEAREST) Nearest.sample(p, start, end, scratch);
  else if (p.mode == BICUBIC) Bicubic.sample(p, start, end, scratch);
  else if (p.spatialDims == 3) Trilinear.sample(p, start, end, scratch);
  else Bilinear.sample(p, start, end, scratch);
}
