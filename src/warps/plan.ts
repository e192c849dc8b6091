// From a warp's options to the numbers its grid formula needs, checked once for both backends: the
// output size, the aspect, the centre, the per-warp scalars, and affine's theta or perspective's
// homography. src/warps/cpu.ts evaluates the formula in TypeScript, src/warps/gpu.ts in WGSL.
import type { WarpName, WarpOptions } from './types.js';

/** Everything the grid formula of one warp needs, on either backend. */
export interface WarpPlan {
  warp: WarpName;
  width: number;
  height: number;
  alignCorners: boolean;
  /** Isotropic units per normalized unit, (W, H) / min(W, H), so circles stay round. */
  aspect: [number, number];
  center: [number, number];
  /** lens (k1, k2, zoom), swirl (strength, radius), ripple (amplitude, wavelength, phase in radians). */
  scalars: [number, number, number, number];
  /** affine: theta [2, 3]; perspective: the 3x3 homography from output to input; both row-major. */
  matrix: Float32Array;
}

export const WARP_NAMES: readonly WarpName[] = ['affine', 'perspective', 'lens', 'swirl', 'ripple'];

const MAX_SIDE = 2 ** 24;

const describe = (value: unknown) =>
  value === null ? 'null' : typeof value === 'object' ? (value.constructor?.name ?? 'object') : String(value);

/** A finite number, or `fallback` when absent and one is given. */
function numberOption(op: string, options: object, name: string, fallback?: number): number {
  const value = (options as Record<string, unknown>)[name];
  if (value === undefined && fallback !== undefined) return fallback;
  if (typeof value !== 'number') throw new TypeError(`${op}: ${name} must be a number, got ${describe(value)}`);
  if (!Number.isFinite(value)) throw new RangeError(`${op}: ${name} must be finite, got ${value}`);
  return value;
}

function positive(op: string, name: string, value: number, what = '> 0'): number {
  if (!(value > 0)) throw new RangeError(`${op}: ${name} must be ${what}, got ${value}`);
  return value;
}

function side(op: string, options: object, name: 'width' | 'height'): number {
  const value = numberOption(op, options, name);
  if (!Number.isInteger(value) || value < 1 || value > MAX_SIDE) {
    throw new RangeError(`${op}: ${name} must be an integer from 1 to 2^24 pixels, got ${value}`);
  }
  return value;
}

/** Checks `warp` and its options and returns the numbers of its grid; `op` names the caller in errors. */
export function planWarp<W extends WarpName>(op: string, warp: W, options: WarpOptions[W]): WarpPlan {
  if (!WARP_NAMES.includes(warp)) {
    throw new TypeError(`${op}: unknown warp ${JSON.stringify(warp)}; expected one of ${WARP_NAMES.join(', ')}`);
  }
  if (typeof options !== 'object' || options === null) {
    throw new TypeError(`${op}: options must be an object { width, height, ... }, got ${describe(options)}`);
  }
  const { alignCorners = false } = options;
  if (typeof alignCorners !== 'boolean') {
    throw new TypeError(`${op}: alignCorners must be a boolean, got ${describe(alignCorners)}`);
  }
  const width = side(op, options, 'width');
  const height = side(op, options, 'height');
  const shorter = Math.min(width, height);
  const plan: WarpPlan = {
    warp,
    width,
    height,
    alignCorners,
    aspect: [width / shorter, height / shorter],
    center: [numberOption(op, options, 'cx', 0), numberOption(op, options, 'cy', 0)],
    scalars: [0, 0, 0, 0],
    matrix: new Float32Array(9),
  };
  const n = (name: string, fallback?: number) => numberOption(op, options, name, fallback);
  switch (warp) {
    case 'affine': {
      const scale = n('scale', 1);
      if (scale === 0) throw new RangeError(`${op}: scale must not be 0 (the image would shrink to a point)`);
      const p = { angle: n('angle', 0), scale, shear: n('shear', 0), tx: n('tx', 0), ty: n('ty', 0) };
      plan.matrix = affineTheta(p, plan.aspect);
      break;
    }
    case 'perspective':
      plan.matrix = homography(op, (options as WarpOptions['perspective']).corners);
      break;
    case 'lens': {
      const zoom = n('zoom', 1);
      if (zoom === 0) throw new RangeError(`${op}: zoom must not be 0`);
      plan.scalars = [n('k1'), n('k2', 0), zoom, 0];
      break;
    }
    case 'swirl':
      plan.scalars = [n('strength'), positive(op, 'radius', n('radius')), 0, 0];
      break;
    case 'ripple':
      plan.scalars = [n('amplitude'), positive(op, 'wavelength', n('wavelength')), (n('phase', 0) * Math.PI) / 180, 0];
      break;
  }
  return plan;
}

/**
 * affine_grid's theta for: scale, then shear, then rotate (degrees, counter-clockwise on screen),
 * then translate (normalized units), all in isotropic units so a rotation stays a rotation on a
 * non-square image. theta maps output to input, so it is the inverse of that forward transform.
 */
export function affineTheta(
  p: { angle: number; scale: number; shear: number; tx: number; ty: number },
  aspect: [number, number],
): Float32Array {
  const radians = (-p.angle * Math.PI) / 180; // y points down, so a negative angle turns counter-clockwise
  const c = Math.cos(radians);
  const s = Math.sin(radians);
  // inverse of R * Shear * S: S^-1 * Shear^-1 * R^-1, with R^-1 = [[c, s], [-s, c]], Shear^-1 = [[1, -shear], [0, 1]]
  const inv = [(c + p.shear * s) / p.scale, (s - p.shear * c) / p.scale, -s / p.scale, c / p.scale];
  const [ax, ay] = aspect;
  // conjugate by D = diag(ax, ay): normalized -> isotropic -> inverse -> normalized
  const a = [inv[0], (inv[1] * ay) / ax, (inv[2] * ax) / ay, inv[3]];
  return new Float32Array([a[0], a[1], -(a[0] * p.tx + a[1] * p.ty), a[2], a[3], -(a[2] * p.tx + a[3] * p.ty)]);
}

const INPUT_CORNERS = [-1, -1, 1, -1, 1, 1, -1, 1];

/**
 * The homography that takes the four corners (TL, TR, BR, BL, normalized output coordinates) to the
 * input's corners, scaled so that w > 0 inside the quad.
 */
export function homography(op: string, corners: readonly number[]): Float32Array {
  if (!Array.isArray(corners) || corners.length !== 8 || !corners.every(Number.isFinite)) {
    throw new TypeError(
      `${op}: corners must be 8 finite numbers x0, y0, ..., x3, y3 (TL, TR, BR, BL), got ${describe(corners)}`,
    );
  }
  // h0 x + h1 y + h2 - h6 x X - h7 y X = X, and the same for Y with h3..h5 (h8 = 1)
  const rows: number[][] = [];
  for (let i = 0; i < 4; i++) {
    const [x, y] = [corners[2 * i], corners[2 * i + 1]];
    const [X, Y] = [INPUT_CORNERS[2 * i], INPUT_CORNERS[2 * i + 1]];
    rows.push([x, y, 1, 0, 0, 0, -x * X, -y * X, X]);
    rows.push([0, 0, 0, x, y, 1, -x * Y, -y * Y, Y]);
  }
  const h = solve(rows);
  if (!h) {
    throw new RangeError(
      `${op}: corners [${corners.join(', ')}] have three points on one line: no perspective maps the image onto them`,
    );
  }
  const m = [...h, 1];
  const cx = (corners[0] + corners[2] + corners[4] + corners[6]) / 4;
  const cy = (corners[1] + corners[3] + corners[5] + corners[7]) / 4;
  const sign = Math.sign(m[6] * cx + m[7] * cy + m[8]) || 1;
  return new Float32Array(m.map((v) => v * sign));
}

/** Gaussian elimination with partial pivoting on an augmented n x (n + 1) system. */
function solve(rows: number[][]): number[] | undefined {
  const n = rows.length;
  for (let col = 0; col < n; col++) {
    let pivot = col;
    for (let r = col + 1; r < n; r++) if (Math.abs(rows[r][col]) > Math.abs(rows[pivot][col])) pivot = r;
    if (Math.abs(rows[pivot][col]) < 1e-9) return undefined;
    [rows[col], rows[pivot]] = [rows[pivot], rows[col]];
    for (let r = 0; r < n; r++) {
      if (r === col) continue;
      const f = rows[r][col] / rows[col][col];
      for (let k = col; k <= n; k++) rows[r][k] -= f * rows[col][k];
    }
  }
  return rows.map((row, i) => row[n] / row[i]);
}
