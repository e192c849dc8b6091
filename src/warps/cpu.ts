// The warps' grids on the CPU: the arithmetic of shaders/warps/warp-grid.wgsl in TypeScript (float64,
// stored as float32), and affine_grid itself for the affine warp.
import { affineGridCpu } from '../cpu/affine-grid.js';
import type { Tensor } from '../types.js';
import { planWarp, type WarpPlan } from './plan.js';
import type {
  AffineWarpOptions,
  LensOptions,
  PerspectiveOptions,
  RippleOptions,
  SwirlOptions,
  WarpName,
  WarpOptions,
} from './types.js';

const TAU = 2 * Math.PI;

/** The output pixel's own normalized coordinate: affine_grid's base grid. */
function baseCoordinate(i: number, steps: number, alignCorners: boolean): number {
  if (steps <= 1) return 0;
  return alignCorners ? (2 * i) / (steps - 1) - 1 : (2 * i + 1) / steps - 1;
}

type Scalars = WarpPlan['scalars'];
type RadialWarp = (x: number, y: number, s: Scalars) => [number, number];

// q' = q (1 + k1 r^2 + k2 r^4) / zoom
const lensDistortion: RadialWarp = (x, y, [k1, k2, zoom]) => {
  const r2 = x * x + y * y;
  const f = (1 + k1 * r2 + k2 * r2 * r2) / zoom;
  return [x * f, y * f];
};

// rotation by strength * (1 - r / radius)^2 inside radius
const swirl: RadialWarp = (x, y, [strength, radius]) => {
  const t = Math.max(0, 1 - Math.hypot(x, y) / radius);
  const angle = strength * t * t;
  const c = Math.cos(angle);
  const s = Math.sin(angle);
  return [c * x - s * y, s * x + c * y];
};

// r' = r + amplitude sin(2 pi r / wavelength - phase)
const ripple: RadialWarp = (x, y, [amplitude, wavelength, phase]) => {
  const r = Math.hypot(x, y);
  if (r === 0) return [x, y];
  const f = 1 + (amplitude * Math.sin((TAU * r) / wavelength - phase)) / r;
  return [x * f, y * f];
};

const RADIAL: Partial<Record<WarpName, RadialWarp>> = { lens: lensDistortion, swirl, ripple };

/** The grid [1, H, W, 2] of a checked plan. */
function gridOf(plan: WarpPlan): Tensor {
  const { width: w, height: h, alignCorners, matrix: m } = plan;
  if (plan.warp === 'affine')
    return affineGridCpu({ data: m.slice(0, 6), shape: [1, 2, 3] }, [1, 1, h, w], { alignCorners });
  const data = new Float32Array(w * h * 2);
  const [ax, ay] = plan.aspect;
  const [cx, cy] = plan.center;
  const radial = RADIAL[plan.warp];
  for (let y = 0; y < h; y++) {
    const v = baseCoordinate(y, h, alignCorners);
    for (let x = 0; x < w; x++) {
      const u = baseCoordinate(x, w, alignCorners);
      const i = (y * w + x) * 2;
      if (radial) {
        const [px, py] = radial((u - cx) * ax, (v - cy) * ay, plan.scalars);
        data[i] = px / ax + cx;
        data[i + 1] = py / ay + cy;
      } else {
        const q = m[6] * u + m[7] * v + m[8];
        // behind the horizon: NaN samples nothing (as the kernel's NaN bits)
        data[i] = q > 1e-6 ? (m[0] * u + m[1] * v + m[2]) / q : Number.NaN;
        data[i + 1] = q > 1e-6 ? (m[3] * u + m[4] * v + m[5]) / q : Number.NaN;
      }
    }
  }
  return { data, shape: [1, h, w, 2] };
}

/**
 * The grid `[1, height, width, 2]` of any warp, chosen by name: for user interfaces that switch warps.
 *
 * @example
 * const grid = warpGrid('ripple', { width: 512, height: 341, amplitude: 0.03, wavelength: 0.2 });
 * const out = gridSampleCpu(image, grid, { paddingMode: 'reflection' });
 */
export function warpGrid<W extends WarpName>(warp: W, options: WarpOptions[W]): Tensor {
  return gridOf(planWarp('warpGrid', warp, options));
}

/**
 * The grid of an affine warp (rotate, scale, shear, move), made by `affine_grid` itself.
 *
 * @example
 * const grid = affineWarpGrid({ width: 512, height: 341, angle: 30, scale: 0.9 });
 * const out = gridSampleCpu(image, grid, { mode: 'bicubic' });
 */
export function affineWarpGrid(options: AffineWarpOptions): Tensor {
  return gridOf(planWarp('affineWarpGrid', 'affine', options));
}

/**
 * The grid of a perspective warp that puts the input's corners at `corners`.
 *
 * @example
 * const grid = perspectiveGrid({ width: 512, height: 341, corners: [-0.7, -0.8, 0.7, -0.8, 0.95, 0.85, -0.95, 0.85] });
 */
export function perspectiveGrid(options: PerspectiveOptions): Tensor {
  return gridOf(planWarp('perspectiveGrid', 'perspective', options));
}

/**
 * The grid of a radial lens distortion: barrel (`k1 > 0`) or pincushion (`k1 < 0`).
 *
 * @example
 * const grid = lensGrid({ width: 512, height: 341, k1: 0.15, k2: 0.02, zoom: 1.2 });
 */
export function lensGrid(options: LensOptions): Tensor {
  return gridOf(planWarp('lensGrid', 'lens', options));
}

/**
 * The grid of a swirl around `(cx, cy)`.
 *
 * @example
 * const grid = swirlGrid({ width: 512, height: 341, strength: 4, radius: 0.9 });
 */
export function swirlGrid(options: SwirlOptions): Tensor {
  return gridOf(planWarp('swirlGrid', 'swirl', options));
}

/**
 * The grid of circular waves around `(cx, cy)`.
 *
 * @example
 * const grid = rippleGrid({ width: 512, height: 341, amplitude: 0.03, wavelength: 0.2, phase: 90 });
 */
export function rippleGrid(options: RippleOptions): Tensor {
  return gridOf(planWarp('rippleGrid', 'ripple', options));
}
