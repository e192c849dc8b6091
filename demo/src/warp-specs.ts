// The demo's warps and their parameters: slider ranges, defaults and the query-parameter names.

export type WarpName = 'affine' | 'perspective' | 'lens' | 'swirl' | 'ripple' | 'brush';

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

const center: ParamSpec[] = [
  { name: 'cx', label: 'centre x', min: -1, max: 1, step: 0.01, value: 0 },
  { name: 'cy', label: 'centre y', min: -1, max: 1, step: 0.01, value: 0 },
];

export const WARPS: Record<WarpName, WarpSpec> = {
  affine: {
    label: 'Affine',
    hint: "Drag the image to move it, scroll to zoom. The grid comes from the library's affineGrid on the GPU.",
    params: [
      { name: 'angle', label: 'rotate', min: -180, max: 180, step: 1, value: 20, unit: '°' },
      { name: 'scale', label: 'scale', min: 0.2, max: 3, step: 0.01, value: 0.85 },
      { name: 'shear', label: 'shear', min: -1, max: 1, step: 0.01, value: 0 },
      { name: 'tx', label: 'move x', min: -1, max: 1, step: 0.01, value: 0 },
      { name: 'ty', label: 'move y', min: -1, max: 1, step: 0.01, value: 0 },
    ],
  },
  perspective: {
    label: 'Perspective',
    hint: 'Drag the four corner handles on the image.',
    params: [],
  },
  lens: {
    label: 'Lens',
    hint: 'k1 > 0 barrel, k1 < 0 pincushion. Drag on the image to move the centre, scroll to zoom.',
    params: [
      { name: 'k1', label: 'k1', min: -0.5, max: 0.5, step: 0.005, value: 0.15 },
      { name: 'k2', label: 'k2', min: -0.2, max: 0.2, step: 0.002, value: 0.02 },
      { name: 'zoom', label: 'zoom', min: 0.5, max: 2.5, step: 0.01, value: 1.2 },
      ...center,
    ],
  },
  swirl: {
    label: 'Swirl',
    hint: 'Drag on the image to move the centre.',
    params: [
      { name: 'strength', label: 'strength', min: -12, max: 12, step: 0.05, value: 4, unit: ' rad' },
      { name: 'radius', label: 'radius', min: 0.05, max: 2, step: 0.01, value: 0.9 },
      ...center,
    ],
  },
  ripple: {
    label: 'Ripple',
    hint: 'Drag on the image to move the centre; "animate" advances the phase every frame.',
    params: [
      { name: 'amplitude', label: 'amplitude', min: 0, max: 0.2, step: 0.001, value: 0.03 },
      { name: 'wavelength', label: 'wavelength', min: 0.02, max: 1, step: 0.005, value: 0.2 },
      { name: 'phase', label: 'phase', min: 0, max: 360, step: 1, value: 0, unit: '°' },
      ...center,
    ],
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

export const WARP_NAMES = Object.keys(WARPS) as WarpName[];

/** Corners of the input image in the output, normalized (x, y) of top-left, top-right, bottom-right, bottom-left. */
export const DEFAULT_CORNERS: readonly number[] = [-0.7, -0.8, 0.7, -0.8, 0.95, 0.85, -0.95, 0.85];

export const defaultParams = (warp: WarpName): Record<string, number> =>
  Object.fromEntries(WARPS[warp].params.map((p) => [p.name, p.value]));
