// The demo's warps and their sliders: the library's warps (names, ranges and starting values from
// webgpu-grid-sample/warps) with labels, steps and hints, plus the brush, which only the demo has.
import { initialCorners, type WarpName, warpParameters } from '../../src/warps.js';

/** The library's warps and the demo's own brush. */
export type DemoWarp = WarpName | 'brush';

export interface ParamSpec {
  /** Query-parameter name, e.g. `angle` in `?warp=affine&angle=30`. */
  name: string;
  label: string;
  min: number;
  max: number;
  step: number;
  value: number;
  unit?: string;
}

export interface WarpSpec {
  label: string;
  /** One line under the warp's sliders: what it does and how to drive it with the mouse. */
  hint: string;
  params: ParamSpec[];
}

/** Slider label and step of each library parameter (the range and start come from warpParameters). */
const SLIDERS: Record<string, { label: string; step: number }> = {
  angle: { label: 'rotate', step: 1 },
  scale: { label: 'scale', step: 0.01 },
  shear: { label: 'shear', step: 0.01 },
  tx: { label: 'move x', step: 0.01 },
  ty: { label: 'move y', step: 0.01 },
  k1: { label: 'k1', step: 0.005 },
  k2: { label: 'k2', step: 0.002 },
  zoom: { label: 'zoom', step: 0.01 },
  cx: { label: 'centre x', step: 0.01 },
  cy: { label: 'centre y', step: 0.01 },
  strength: { label: 'strength', step: 0.05 },
  radius: { label: 'radius', step: 0.01 },
  amplitude: { label: 'amplitude', step: 0.001 },
  wavelength: { label: 'wavelength', step: 0.005 },
  phase: { label: 'phase', step: 1 },
};
const UNITS = { degrees: '°', radians: ' rad' } as const;

const sliders = (warp: WarpName): ParamSpec[] =>
  warpParameters[warp].map((p) => ({
    name: p.name,
    ...SLIDERS[p.name],
    min: p.min,
    max: p.max,
    value: p.initial,
    ...(p.unit ? { unit: UNITS[p.unit] } : {}),
  }));

export const WARPS: Record<DemoWarp, WarpSpec> = {
  affine: {
    label: 'Affine',
    hint: "Drag the image to move it, scroll to zoom. The grid comes from the library's warps on the GPU.",
    params: sliders('affine'),
  },
  perspective: {
    label: 'Perspective',
    hint: 'Drag the four corner handles on the image.',
    params: sliders('perspective'),
  },
  lens: {
    label: 'Lens',
    hint: 'k1 > 0 barrel, k1 < 0 pincushion. Drag on the image to move the centre, scroll to zoom.',
    params: sliders('lens'),
  },
  swirl: {
    label: 'Swirl',
    hint: 'Drag on the image to move the centre.',
    params: sliders('swirl'),
  },
  ripple: {
    label: 'Ripple',
    hint: 'Drag on the image to move the centre; "animate" advances the phase every frame.',
    params: sliders('ripple'),
  },
  brush: {
    label: 'Brush',
    hint: 'Paint on the image to push pixels around; scroll to size the brush. The field lives on the GPU.',
    params: [
      { name: 'radius', label: 'radius', min: 0.02, max: 0.8, step: 0.01, value: 0.25 },
      { name: 'strength', label: 'strength', min: 0.05, max: 1.5, step: 0.05, value: 0.8 },
    ],
  },
};

export const WARP_NAMES = Object.keys(WARPS) as DemoWarp[];

/** Corners of the input image in the output, normalized (x, y) of top-left, top-right, bottom-right, bottom-left. */
export const DEFAULT_CORNERS: readonly number[] = initialCorners;

export const defaultParams = (warp: DemoWarp): Record<string, number> =>
  Object.fromEntries(WARPS[warp].params.map((p) => [p.name, p.value]));
