// Uniform blocks of the demo's kernels, packed to the WGSL struct layouts (offsets in bytes noted).
import type { BrushStep } from './cpu-grids.js';
import type { WarpFrame } from './warp-math.js';

/** shaders/warp-grid.wgsl Params: width 0, height 4, aspect 8, center 16, a 32, h0 48, h1 64, h2 80. */
export function packWarpGridParams(frame: WarpFrame): ArrayBuffer {
  const params = new ArrayBuffer(96);
  new Uint32Array(params, 0, 2).set([frame.width, frame.height]);
  const f = new Float32Array(params);
  f.set([...frame.aspect, ...frame.center], 2);
  f.set(frame.scalars, 8);
  if (frame.matrix.length === 9) {
    const m = frame.matrix;
    f.set([m[0], m[1], m[2]], 12);
    f.set([m[3], m[4], m[5]], 16);
    f.set([m[6], m[7], m[8]], 20);
  }
  return params;
}

/** shaders/brush-stroke.wgsl Params: width 0, height 4, aspect 8, to 16, delta 24, radius 32, strength 36. */
export function packBrushParams(frame: Pick<WarpFrame, 'width' | 'height' | 'aspect'>, step: BrushStep): ArrayBuffer {
  const params = new ArrayBuffer(48);
  new Uint32Array(params, 0, 2).set([frame.width, frame.height]);
  new Float32Array(params, 8, 8).set([...frame.aspect, ...step.to, ...step.delta, step.radius, step.strength]);
  return params;
}
