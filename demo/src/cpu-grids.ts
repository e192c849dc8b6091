// The CPU backend's grids: the arithmetic of shaders/warp-grid.wgsl and shaders/brush-stroke.wgsl in
// TypeScript (float64, stored as float32), and affineGridCpu for the affine warp.
import { affineGridCpu, type Tensor } from '../../src/index.js';
import type { WarpFrame } from './warp-math.js';

const TAU = 2 * Math.PI;

/** The output pixel's own normalized coordinate, as affine_grid's base grid. */
export function baseCoordinate(i: number, steps: number, alignCorners: boolean): number {
  if (steps <= 1) return 0;
  return alignCorners ? (2 * i) / (steps - 1) - 1 : (2 * i + 1) / steps - 1;
}

type RadialWarp = (x: number, y: number, s: WarpFrame['scalars']) => [number, number];

const lensDistortion: RadialWarp = (x, y, [k1, k2, zoom]) => {
  const r2 = x * x + y * y;
  const f = (1 + k1 * r2 + k2 * r2 * r2) / zoom;
  return [x * f, y * f];
};

const swirl: RadialWarp = (x, y, [strength, radius]) => {
  const t = Math.max(0, 1 - Math.hypot(x, y) / radius);
  const angle = strength * t * t;
  const c = Math.cos(angle);
  const s = Math.sin(angle);
  return [c * x - s * y, s * x + c * y];
};

const ripple: RadialWarp = (x, y, [amplitude, wavelength, phase]) => {
  const r = Math.hypot(x, y);
  if (r === 0) return [x, y];
  const f = 1 + (amplitude * Math.sin((TAU * r) / wavelength - phase)) / r;
  return [x * f, y * f];
};

const RADIAL: Partial<Record<WarpFrame['warp'], RadialWarp>> = { lens: lensDistortion, swirl, ripple };

/** The grid [1, H, W, 2] of `frame`; the brush needs its displacement field [H, W, 2]. */
export function cpuGrid(frame: WarpFrame, displacement?: Float32Array): Tensor {
  const { width: w, height: h, alignCorners } = frame;
  if (frame.warp === 'affine')
    return affineGridCpu({ data: frame.matrix, shape: [1, 2, 3] }, [1, 3, h, w], { alignCorners });
  const data = new Float32Array(w * h * 2);
  const [ax, ay] = frame.aspect;
  const [cx, cy] = frame.center;
  const m = frame.matrix;
  const radial = RADIAL[frame.warp];
  for (let y = 0; y < h; y++) {
    const v = baseCoordinate(y, h, alignCorners);
    for (let x = 0; x < w; x++) {
      const u = baseCoordinate(x, w, alignCorners);
      const i = (y * w + x) * 2;
      if (frame.warp === 'perspective') {
        const q = m[6] * u + m[7] * v + m[8];
        // behind the horizon: NaN samples nothing (as the kernel's NaN bits)
        data[i] = q > 1e-6 ? (m[0] * u + m[1] * v + m[2]) / q : NaN;
        data[i + 1] = q > 1e-6 ? (m[3] * u + m[4] * v + m[5]) / q : NaN;
      } else if (frame.warp === 'brush') {
        data[i] = u + (displacement?.[i] ?? 0);
        data[i + 1] = v + (displacement?.[i + 1] ?? 0);
      } else if (radial) {
        const [px, py] = radial((u - cx) * ax, (v - cy) * ay, frame.scalars);
        data[i] = px / ax + cx;
        data[i + 1] = py / ay + cy;
      }
    }
  }
  return { data, shape: [1, h, w, 2] };
}

/** One brush step, normalized coordinates; mirrors shaders/brush-stroke.wgsl. */
export interface BrushStep {
  to: [number, number];
  delta: [number, number];
  /** Isotropic units. */
  radius: number;
  strength: number;
}

/** Applies `step` to the displacement field [H, W, 2] in place, as the brush kernel does on the GPU. */
export function applyBrushStep(
  field: Float32Array,
  frame: Pick<WarpFrame, 'width' | 'height' | 'aspect' | 'alignCorners'>,
  step: BrushStep,
): void {
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
