// Each warp's scalar parameters with a range where the picture stays recognisable and a starting value
// that shows the warp: what a user interface (the demo's sliders) or a command line (the CLI's flags)
// needs. The grid functions accept any value that satisfies their own checks.
import type { WarpName } from './types.js';

/**
 * One scalar parameter of a warp.
 *
 * @example
 * const strength: WarpParameter = warpParameters.swirl[0];
 * slider.min = String(strength.min);
 */
export interface WarpParameter {
  /** The option's name, e.g. `strength` for `swirlGrid({ strength })`, `--strength` on the command line. */
  name: string;
  /** Smallest value a user interface should offer. */
  min: number;
  /** Largest value a user interface should offer. */
  max: number;
  /** A starting value that shows the warp (the demo's and the CLI's default). */
  initial: number;
  /** Unit of an angle (`'degrees'` or `'radians'`); absent for lengths and factors. */
  unit?: 'degrees' | 'radians';
}

const center: WarpParameter[] = [
  { name: 'cx', min: -1, max: 1, initial: 0 },
  { name: 'cy', min: -1, max: 1, initial: 0 },
];

/**
 * The scalar parameters of every warp, in a useful order. The perspective's one parameter is its
 * `corners` array (see {@link initialCorners}).
 *
 * @example
 * for (const p of warpParameters.lens) console.log(`--${p.name} ${p.min}..${p.max} (default ${p.initial})`);
 */
export const warpParameters: Readonly<Record<WarpName, readonly WarpParameter[]>> = {
  affine: [
    { name: 'angle', min: -180, max: 180, initial: 20, unit: 'degrees' },
    { name: 'scale', min: 0.2, max: 3, initial: 0.85 },
    { name: 'shear', min: -1, max: 1, initial: 0 },
    { name: 'tx', min: -1, max: 1, initial: 0 },
    { name: 'ty', min: -1, max: 1, initial: 0 },
  ],
  perspective: [],
  lens: [
    { name: 'k1', min: -0.5, max: 0.5, initial: 0.15 },
    { name: 'k2', min: -0.2, max: 0.2, initial: 0.02 },
    { name: 'zoom', min: 0.5, max: 2.5, initial: 1.2 },
    ...center,
  ],
  swirl: [
    { name: 'strength', min: -12, max: 12, initial: 4, unit: 'radians' },
    { name: 'radius', min: 0.05, max: 2, initial: 0.9 },
    ...center,
  ],
  ripple: [
    { name: 'amplitude', min: 0, max: 0.2, initial: 0.03 },
    { name: 'wavelength', min: 0.02, max: 1, initial: 0.2 },
    { name: 'phase', min: 0, max: 360, initial: 0, unit: 'degrees' },
    ...center,
  ],
};

/**
 * A starting quad for the perspective warp (the demo's and the CLI's default `corners`): the input's
 * top edge narrower than its bottom edge, as a picture on a table seen from above.
 *
 * @example
 * const grid = perspectiveGrid({ width: 512, height: 341, corners: initialCorners });
 */
export const initialCorners: readonly number[] = Object.freeze([-0.7, -0.8, 0.7, -0.8, 0.95, 0.85, -0.95, 0.85]);
