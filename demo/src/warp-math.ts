// From the demo's state to one frame: the output size and the warp's options for the library's
// grid functions (webgpu-grid-sample/warps), shared by the WebGPU and CPU backends; and the
// geometry the pointer tools and the brush need.
import type { WarpName, WarpOptions } from '../../src/warps.js';
import type { DemoState } from './state.js';
import type { DemoWarp } from './warp-specs.js';

/** Everything a grid needs for one frame, on either backend. */
export interface WarpFrame {
  warp: DemoWarp;
  width: number;
  height: number;
  alignCorners: boolean;
  /** Isotropic units per normalized unit, (W, H) / min(W, H), so circles stay round (the brush's units). */
  aspect: [number, number];
  /** The library warp's options (unused by the brush). */
  options: WarpOptions[WarpName];
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

/** The frame for `state` at the given output size; `phaseOffset` (degrees) animates the ripple. */
export function warpFrame(state: DemoState, width: number, height: number, phaseOffset = 0): WarpFrame {
  const size = { width, height, alignCorners: state.alignCorners };
  const p = state.params[state.warp];
  let options: WarpOptions[WarpName];
  switch (state.warp) {
    case 'perspective':
      options = { ...size, corners: state.corners };
      break;
    case 'ripple':
      options = {
        ...size,
        amplitude: p.amplitude,
        wavelength: p.wavelength,
        phase: p.phase + phaseOffset,
        cx: p.cx,
        cy: p.cy,
      };
      break;
    default:
      options = { ...size, ...p } as WarpOptions[WarpName];
  }
  return { warp: state.warp, ...size, aspect: aspectOf(width, height), options };
}
