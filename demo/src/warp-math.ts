// From slider values to what the grid kernels need: the output size, an affine theta, a homography,
// and the per-warp scalars. Pure functions, shared by the WebGPU and CPU backends.
import type { DemoState } from './state.js';
import type { WarpName } from './warp-specs.js';

/** Everything a grid generator needs for one frame, on either backend. */
export interface WarpFrame {
  warp: WarpName;
  width: number;
  height: number;
  alignCorners: boolean;
  /** Isotropic units per normalized unit, (W, H) / min(W, H), so circles stay round. */
  aspect: [number, number];
  center: [number, number];
  /** lens (k1, k2, zoom), swirl (strength, radius), ripple (amplitude, wavelength, phase in radians). */
  scalars: [number, number, number, number];
  /** affine: theta [1, 2, 3]; perspective: the 3x3 homography (row-major) from output to input. */
  matrix: Float32Array;
}

/** Output [width, height]: `size` pixels along the image's longer side, the image's aspect ratio. */
export function outputSize(imageWidth: number, imageHeight: number, size: number): [number, number] {
  const longer = Math.max(imageWidth, imageHeight);
  const scaled = (side: number) => Math.max(1, Math.round((size * side) / longer));
  return [scaled(imageWidth), scaled(imageHeight)];
}

export function aspectOf(width: number, height: number): [number, number] {
  const shorter = Math.min(width, height);
  return [width / shorter, height / shorter];
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
 * The homography that takes the four handles (TL, TR, BR, BL, normalized output coordinates) to
 * the input's corners, scaled so that w > 0 inside the quad; undefined for a degenerate quad.
 */
export function homography(corners: readonly number[]): Float32Array | undefined {
  // h0 x + h1 y + h2 - h6 x X - h7 y X = X, and the same for Y with h3..h5 (h8 = 1)
  const rows: number[][] = [];
  for (let i = 0; i < 4; i++) {
    const [x, y] = [corners[2 * i], corners[2 * i + 1]];
    const [X, Y] = [INPUT_CORNERS[2 * i], INPUT_CORNERS[2 * i + 1]];
    rows.push([x, y, 1, 0, 0, 0, -x * X, -y * X, X]);
    rows.push([0, 0, 0, x, y, 1, -x * Y, -y * Y, Y]);
  }
  const h = solve(rows);
  if (!h) return undefined;
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

/** True when TL, TR, BR, BL make a convex quad in that order (either orientation): a valid perspective. */
export function isConvexQuad(corners: readonly number[]): boolean {
  let sign = 0;
  for (let i = 0; i < 4; i++) {
    const [ax, ay] = [corners[2 * i], corners[2 * i + 1]];
    const [bx, by] = [corners[(2 * i + 2) % 8], corners[(2 * i + 3) % 8]];
    const [cx, cy] = [corners[(2 * i + 4) % 8], corners[(2 * i + 5) % 8]];
    const cross = (bx - ax) * (cy - by) - (by - ay) * (cx - bx);
    if (Math.abs(cross) < 1e-6) return false;
    if (sign !== 0 && Math.sign(cross) !== sign) return false;
    sign = Math.sign(cross);
  }
  return true;
}

const IDENTITY_3X3 = new Float32Array([1, 0, 0, 0, 1, 0, 0, 0, 1]);

/** The frame for `state` at the given output size; `phaseOffset` animates the ripple. */
export function warpFrame(state: DemoState, width: number, height: number, phaseOffset = 0): WarpFrame {
  const p = state.params[state.warp];
  const aspect = aspectOf(width, height);
  const frame: WarpFrame = {
    warp: state.warp,
    width,
    height,
    alignCorners: state.alignCorners,
    aspect,
    center: [p.cx ?? 0, p.cy ?? 0],
    scalars: [0, 0, 0, 0],
    matrix: IDENTITY_3X3,
  };
  switch (state.warp) {
    case 'affine':
      frame.matrix = affineTheta({ angle: p.angle, scale: p.scale, shear: p.shear, tx: p.tx, ty: p.ty }, aspect);
      break;
    case 'perspective':
      frame.matrix = homography(state.corners) ?? IDENTITY_3X3;
      break;
    case 'lens':
      frame.scalars = [p.k1, p.k2, p.zoom, 0];
      break;
    case 'swirl':
      frame.scalars = [p.strength, p.radius, 0, 0];
      break;
    case 'ripple':
      frame.scalars = [p.amplitude, p.wavelength, ((p.phase + phaseOffset) * Math.PI) / 180, 0];
      break;
    case 'brush':
      break;
  }
  return frame;
}
