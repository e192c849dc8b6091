// The brush kernel's uniform block, packed to its WGSL struct layout (offsets in bytes noted).
import type { BrushStep } from './brush.js';
import type { WarpFrame } from './warp-math.js';

/** demo/shaders/brush.wgsl Params: width 0, height 4, aspect 8, to 16, delta 24, radius 32, strength 36. */
export function packBrushParams(frame: Pick<WarpFrame, 'width' | 'height' | 'aspect'>, step?: BrushStep): ArrayBuffer {
  const params = new ArrayBuffer(48);
  new Uint32Array(params, 0, 2).set([frame.width, frame.height]);
  new Float32Array(params, 8, 2).set(frame.aspect);
  if (step) new Float32Array(params, 16, 6).set([...step.to, ...step.delta, step.radius, step.strength]);
  return params;
}
