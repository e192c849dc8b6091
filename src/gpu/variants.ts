// Maps options to kernel variants (override constants) and shapes to uniform contents.
import type { AffineGeometry, ResolvedOptions, SampleGeometry } from '../options.js';
import type { KernelName, OverrideConstants } from './pipelines.js';

export const WORKGROUP_SIZE = 128;

const MODE = { bilinear: 0, nearest: 1, bicubic: 2 } as const;
const PADDING = { zeros: 0, border: 1, reflection: 2 } as const;

export interface Variant {
  kernel: KernelName;
  constants: OverrideConstants;
}

export function sampleVariant(spatialDims: 2 | 3, opts: ResolvedOptions): Variant {
  return {
    kernel: spatialDims === 2 ? 'grid-sample-2d' : 'grid-sample-3d',
    constants: {
      MODE: MODE[opts.mode],
      PADDING: PADDING[opts.paddingMode],
      ALIGN_CORNERS: Number(opts.alignCorners),
      WORKGROUP_SIZE,
    },
  };
}

export function affineVariant(spatialDims: 2 | 3, alignCorners: boolean): Variant {
  return {
    kernel: 'affine-grid',
    constants: { SPATIAL_DIMS: spatialDims, ALIGN_CORNERS: Number(alignCorners), WORKGROUP_SIZE },
  };
}

/** The Params struct of grid-sample-2d/3d.wgsl, padded to 16 bytes. */
export function sampleParams(geo: SampleGeometry, rowPitch: number): Uint32Array {
  const { n, c, inD, inH, inW, outD, outH, outW } = geo;
  return new Uint32Array([n, c, inD, inH, inW, outD, outH, outW, rowPitch, 0, 0, 0]);
}

/**
 * The Params struct of affine-grid.wgsl, padded to 16 bytes: `pointCount` points from point
 * `pointOffset` of the first batch item on (the whole grid by default).
 */
export function affineParams(
  geo: AffineGeometry,
  rowPitch: number,
  pointOffset = 0,
  pointCount = geo.n * geo.d * geo.h * geo.w,
): Uint32Array {
  return new Uint32Array([geo.n, geo.d, geo.h, geo.w, rowPitch, pointOffset, pointCount, 0]);
}
