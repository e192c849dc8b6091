// What the grid_sample kernels share (forward, float16, backward, image): WGSL parts, the uniform, and
// how options and shapes become override constants and uniform fields.
import coordinatesWgsl from '../../../shaders/coordinates.wgsl?raw';
import gridSample2dWgsl from '../../../shaders/grid-sample-2d.wgsl?raw';
import gridSample3dWgsl from '../../../shaders/grid-sample-3d.wgsl?raw';
import sampleParamsWgsl from '../../../shaders/sample-params.wgsl?raw';
import type { ResolvedOptions, SampleGeometry } from '../../options.js';
import { defineKernel, type OverrideConstants, type WgslPart, wgslPart } from '../runtime.js';

export const COORDINATES = wgslPart('shaders/coordinates.wgsl', coordinatesWgsl);
export const SAMPLE_PARAMS = wgslPart('shaders/sample-params.wgsl', sampleParamsWgsl);
const GRID_SAMPLE = {
  2: wgslPart('shaders/grid-sample-2d.wgsl', gridSample2dWgsl),
  3: wgslPart('shaders/grid-sample-3d.wgsl', gridSample3dWgsl),
};

/** The fields of sample-params.wgsl's Params. */
export const SAMPLE_UNIFORM = {
  n: 'u32',
  c: 'u32',
  in_d: 'u32',
  in_h: 'u32',
  in_w: 'u32',
  out_d: 'u32',
  out_h: 'u32',
  out_w: 'u32',
  row_pitch: 'u32',
} as const;

/** Params of one grid_sample call (or piece), by field name. */
export function sampleUniforms(geo: SampleGeometry) {
  const { n, c, inD, inH, inW, outD, outH, outW } = geo;
  return { n, c, in_d: inD, in_h: inH, in_w: inW, out_d: outD, out_h: outH, out_w: outW };
}

/** Output points of a call, one invocation each. */
export const samplePoints = (geo: SampleGeometry) => geo.n * geo.outD * geo.outH * geo.outW;

const MODE = { bilinear: 0, nearest: 1, bicubic: 2 } as const;
const PADDING = { zeros: 0, border: 1, reflection: 2 } as const;

/** The override constants of every sampling kernel: mode, padding, alignCorners. */
export function samplingConstants(
  opts: Pick<ResolvedOptions, 'mode' | 'paddingMode' | 'alignCorners'>,
): OverrideConstants {
  return { MODE: MODE[opts.mode], PADDING: PADDING[opts.paddingMode], ALIGN_CORNERS: Number(opts.alignCorners) };
}

/**
 * A forward kernel: the coordinate math, the shape uniform, a storage part (bindings input and grid
 * with their loads, float32 or float16), grid-sample-2d/3d.wgsl and any extra entry point file.
 */
export function forwardKernel(
  name: string,
  dims: 2 | 3,
  storage: WgslPart,
  entryPoint: string,
  extra: WgslPart[] = [],
) {
  return defineKernel({
    name,
    parts: [COORDINATES, SAMPLE_PARAMS, storage, GRID_SAMPLE[dims], ...extra],
    entryPoint,
    bindings: { input: 'read-only-storage', grid: 'read-only-storage', output: 'storage', params: 'uniform' },
    uniform: SAMPLE_UNIFORM,
  });
}
