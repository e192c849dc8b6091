// The push brush on the CPU: its displacement field and the grid it makes, the arithmetic of
// demo/shaders/brush.wgsl in TypeScript (float64, stored as float32).
import type { Tensor } from '../../src/index.js';
import type { WarpFrame } from './warp-math.js';

/** The output pixel's own normalized coordinate, as affine_grid's base grid. */
export function baseCoordinate(i: number, steps: number, alignCorners: boolean): number {
  if (steps <= 1) return 0;
  return alignCorners ? (2 * i) / (steps - 1) - 1 : (2 * i + 1) / steps - 1;
}

type BrushFrame = Pick<WarpFrame, 'width' | 'height' | 'aspect' | 'alignCorners'>;

/** The brush warp's grid [1, H, W, 2]: each output pixel's own coordinate plus its displacement [H, W, 2]. */
export function brushGrid(frame: BrushFrame, displacement?: Float32Array): Tensor {
  const { width: w, height: h, alignCorners } = frame;
  const data = new Float32Array(w * h * 2);
  for (let y = 0; y < h; y++) {
    const v = baseCoordinate(y, h, alignCorners);
    for (let x = 0; x < w; x++) {
      const i = (y * w + x) * 2;
      data[i] = baseCoordinate(x, w, alignCorners) + (displacement?.[i] ?? 0);
      data[i + 1] = v + (displacement?.[i + 1] ?? 0);
    }
  }
  return { data, shape: [1, h, w, 2] };
}

/** One brush step, normalized coordinates; mirrors demo/shaders/brush.wgsl. */
export interface BrushStep {
  to: [number, number];
  delta: [number, number];
  /** Isotropic units. */
  radius: number;
  strength: number;
}

/** Applies `step` to the displacement field [H, W, 2] in place, as the brush kernel does on the GPU. */
export function applyBrushStep(field: Float32Array, frame: BrushFrame, step: BrushStep): void {
  const { width: w, height: h, alignCorners } = frame;
  const [ax, ay] = frame.aspect;
  for (let y = 0; y < h; y++) {
    const dy = (baseCoordinate(y, h, alignCorners) - step.to[1]) * ay;
    if (Math.abs(dy) >= step.radius) continue;
    for (let x = 0; x < w; x++) {
      const dx = (baseCoordinate(x, w, alignCorners) - step.to[0]) * ax;
      const d = Math.hypot(dx, dy) / step.radius;
      if (d >= 1) continue;
      const t = 1 - d * d;
      const weight = step.strength * t * t;
      const i = (y * w + x) * 2;
      field[i] -= weight * step.delta[0];
      field[i + 1] -= weight * step.delta[1];
    }
  }
}
