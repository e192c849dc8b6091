// The parameters of the image warps. Names are the demo's query parameters and the CLI's flags, so a
// demo link, a command line and a library call describe the same picture. Coordinates are
// normalized as grid_sample's: -1 is the left (top) edge of the image, +1 the right (bottom).

/**
 * The warps of `webgpu-grid-sample/warps`.
 *
 * @example
 * const warp: WarpName = 'swirl';
 */
export type WarpName = 'affine' | 'perspective' | 'lens' | 'swirl' | 'ripple';

/**
 * The grid every warp makes: `[1, height, width, 2]`, one input point `(x, y)` per output pixel.
 *
 * @example
 * const size: WarpGridSize = { width: 512, height: 341, alignCorners: false };
 */
export interface WarpGridSize {
  /** Output width in pixels, an integer from 1 to 2^24. */
  width: number;
  /** Output height in pixels, an integer from 1 to 2^24. */
  height: number;
  /**
   * The base grid's convention, as `affine_grid`'s (and the `alignCorners` you sample with): `true`
   * puts -1 and +1 on the centres of the corner pixels, `false` (default) on their outer edges.
   */
  alignCorners?: boolean;
}

/**
 * The centre of a radial warp, normalized; default the image's centre (0, 0).
 *
 * @example
 * const centre: WarpCenter = { cx: 0.25, cy: -0.1 };
 */
export interface WarpCenter {
  /** x of the centre, -1 (left edge) to 1 (right edge). Default 0. */
  cx?: number;
  /** y of the centre, -1 (top edge) to 1 (bottom edge). Default 0. */
  cy?: number;
}

/**
 * Scale, then shear, then rotate, then move the image, in isotropic units (a rotation stays a
 * rotation on a non-square image). Every parameter defaults to the identity.
 *
 * @example
 * const options: AffineWarpOptions = { width: 512, height: 341, angle: 20, scale: 0.85 };
 */
export interface AffineWarpOptions extends WarpGridSize {
  /** Rotation in degrees, counter-clockwise on screen. Default 0. */
  angle?: number;
  /** Zoom factor, not 0: 2 shows the image twice as large. Default 1. */
  scale?: number;
  /** Horizontal shear: x moves by `shear * y`. Default 0. */
  shear?: number;
  /** Move right by this many normalized units (1 is half the width). Default 0. */
  tx?: number;
  /** Move down by this many normalized units (1 is half the height). Default 0. */
  ty?: number;
}

/**
 * A perspective: where the input's four corners land in the output.
 *
 * @example
 * const options: PerspectiveOptions = { width: 512, height: 341, corners: [-0.7, -0.8, 0.7, -0.8, 0.95, 0.85, -0.95, 0.85] };
 */
export interface PerspectiveOptions extends WarpGridSize {
  /**
   * Eight numbers `x, y` of the input's top-left, top-right, bottom-right and bottom-left corners in
   * the output, normalized. No three of them on one line. Output points behind the horizon get NaN
   * grid points, which sample nothing.
   */
  corners: readonly number[];
}

/**
 * Radial lens distortion (Brown-Conrady): the input point is `q (1 + k1 r^2 + k2 r^4) / zoom`, q and r
 * measured from the centre in isotropic units.
 *
 * @example
 * const barrel: LensOptions = { width: 512, height: 341, k1: 0.15, k2: 0.02, zoom: 1.2 };
 */
export interface LensOptions extends WarpGridSize, WarpCenter {
  /** Quadratic coefficient: > 0 barrel, < 0 pincushion. */
  k1: number;
  /** Quartic coefficient. Default 0. */
  k2?: number;
  /** Zoom factor, not 0. Default 1. */
  zoom?: number;
}

/**
 * A swirl: points within `radius` of the centre turn by `strength * (1 - r / radius)^2` radians.
 *
 * @example
 * const options: SwirlOptions = { width: 512, height: 341, strength: 4, radius: 0.9 };
 */
export interface SwirlOptions extends WarpGridSize, WarpCenter {
  /** Turn at the centre, in radians; negative turns the other way. */
  strength: number;
  /** Radius of the swirl in isotropic units (1 is half the shorter side), > 0. */
  radius: number;
}

/**
 * Circular waves: each point moves along its radius by `amplitude * sin(2 pi r / wavelength - phase)`.
 *
 * @example
 * const options: RippleOptions = { width: 512, height: 341, amplitude: 0.03, wavelength: 0.2 };
 */
export interface RippleOptions extends WarpGridSize, WarpCenter {
  /** Displacement at the crest, in isotropic units. */
  amplitude: number;
  /** Distance between crests in isotropic units, > 0. */
  wavelength: number;
  /** Phase in degrees; advance it to animate the waves outwards. Default 0. */
  phase?: number;
}

/**
 * The options of each warp, by name: what {@link warpGrid} and {@link encodeWarpGrid} take.
 *
 * @example
 * const options: WarpOptions['lens'] = { width: 256, height: 256, k1: -0.2 };
 */
export interface WarpOptions {
  /** See {@link AffineWarpOptions}. */
  affine: AffineWarpOptions;
  /** See {@link PerspectiveOptions}. */
  perspective: PerspectiveOptions;
  /** See {@link LensOptions}. */
  lens: LensOptions;
  /** See {@link SwirlOptions}. */
  swirl: SwirlOptions;
  /** See {@link RippleOptions}. */
  ripple: RippleOptions;
}

/**
 * What {@link encodeWarpGrid} takes: the warp's options and the buffer to write the grid into.
 *
 * @example
 * const args: EncodeWarpGridArgs<'swirl'> = { width: 512, height: 341, strength: 4, radius: 0.9, output: gridBuffer };
 */
export type EncodeWarpGridArgs<W extends WarpName> = WarpOptions[W] & {
  /**
   * Receives the grid `[1, height, width, 2]` as dense float32 (`width * height * 8` bytes from
   * offset 0); needs `GPUBufferUsage.STORAGE`.
   */
  output: GPUBuffer;
};
