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

/** The mode, padding and alignCorners constants shared by the forward, backward and image kernels. */
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

/**
 * The forward grid_sample variant: the layout as an override constant, and the vec4
 * entry point for channels-last data whose C is a multiple of 4 (pixels start at multiples of 4
 * floats, and each pixel's output channels come in whole groups of 4).
 */
export function forwardVariant(geo: SampleGeometry, opts: ResolvedOptions): Variant {
  const channelsLast = geo.layout === 'nhwc';
  const vec4 = channelsLast && geo.c % 4 === 0;
  const base = sampleVariant(geo.spatialDims, opts);
  return {
    kernel: vec4 ? (geo.spatialDims === 2 ? 'grid-sample-2d-vec4' : 'grid-sample-3d-vec4') : base.kernel,
    constants: {
      ...base.constants,
      CHANNELS_LAST: Number(channelsLast),
    },
  };
}

/**
 * The float16-storage forward variant: grid-sample-2d/3d with float16 loads, channels first or last,
 * never the vec4 entry points (4 float16 channels are 2 words, not a vec4 of floats).
 */
export function float16ForwardVariant(geo: SampleGeometry, opts: ResolvedOptions): Variant {
  const base = forwardVariant(geo, opts);
  return {
    kernel: geo.spatialDims === 2 ? 'grid-sample-2d-float16' : 'grid-sample-3d-float16',
    constants: base.constants,
  };
}

/** Where a kernel's Params struct holds the dispatch's row pitch (see sampler's record). */
export function rowPitchIndex(kernel: KernelName): number {
  if (kernel === 'affine-grid') return 4;
  if (kernel === 'float16-pack') return 1;
  return 8;
}

export function affineVariant(spatialDims: 2 | 3, alignCorners: boolean): Variant {
  return {
    kernel: 'affine-grid',
    constants: { SPATIAL_DIMS: spatialDims, ALIGN_CORNERS: Number(alignCorners), WORKGROUP_SIZE },
  };
}

/** The Params struct of sample-params.wgsl (grid_sample forward and backward), padded to 16 bytes. */
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
