// Defaults (PyTorch's) and validation shared by the CPU and GPU paths: every check runs before any work.
import type {
  AffineGridOptions,
  Dtype,
  EncodeGridSampleOptions,
  GridSampleOptions,
  Layout,
  Mode,
  PaddingMode,
  Tensor,
} from './types.js';

const MODES: readonly Mode[] = ['bilinear', 'nearest', 'bicubic'];
const PADDING_MODES: readonly PaddingMode[] = ['zeros', 'border', 'reflection'];
const LAYOUTS: readonly Layout[] = ['nchw', 'nhwc'];
const DTYPES: readonly Dtype[] = ['float32', 'float16'];

/** Largest spatial size we accept: float32 coordinates cannot address pixels beyond 2^24. */
export const MAX_SPATIAL_SIZE = 2 ** 24;

export interface ResolvedOptions {
  mode: Mode;
  paddingMode: PaddingMode;
  alignCorners: boolean;
  layout: Layout;
  dtype: Dtype;
}

/** Sizes of one grid_sample call; 2-D calls have `inD = outD = 1`. */
export interface SampleGeometry {
  spatialDims: 2 | 3;
  /** Memory order of input and output: channels first or channels last. */
  layout: Layout;
  n: number;
  c: number;
  inD: number;
  inH: number;
  inW: number;
  outD: number;
  outH: number;
  outW: number;
  outputShape: number[];
}

export interface AffineGeometry {
  spatialDims: 2 | 3;
  n: number;
  d: number;
  h: number;
  w: number;
  gridShape: number[];
}

const fmt = (shape: readonly number[]) => `[${shape.join(', ')}]`;

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (ArrayBuffer.isView(value)) return value.constructor.name;
  if (Array.isArray(value)) return 'Array';
  if (typeof value === 'string') return JSON.stringify(value);
  return typeof value;
}

/**
 * The options with PyTorch's defaults, checked. Every entry point resolves its options here, typed
 * or not (JavaScript callers): `dtype: 'float16'` is accepted only where `float16Storage` says the
 * caller works on float16 buffers (GridSampler.encodeGridSample).
 */
export function resolveOptions(
  options: EncodeGridSampleOptions | undefined,
  spatialDims: 2 | 3,
  float16Storage = false,
): ResolvedOptions {
  if (options !== undefined && (options === null || typeof options !== 'object')) {
    throw new TypeError(`grid_sample: options must be an object, got ${describe(options)}`);
  }
  const { mode = 'bilinear', paddingMode = 'zeros', alignCorners = false } = options ?? {};
  const layout = layoutOf(options);
  if (!MODES.includes(mode)) {
    throw new TypeError(
      `grid_sample: mode must be one of ${MODES.map((m) => `'${m}'`).join(', ')}, got ${describe(mode)}`,
    );
  }
  if (!PADDING_MODES.includes(paddingMode)) {
    throw new TypeError(
      `grid_sample: paddingMode must be one of ${PADDING_MODES.map((m) => `'${m}'`).join(', ')}, got ${describe(paddingMode)}`,
    );
  }
  checkAlignCorners('grid_sample', alignCorners);
  const dtype = dtypeOf(options?.dtype, float16Storage);
  if (mode === 'bicubic' && spatialDims === 3) {
    throw new RangeError(
      `grid_sample: mode 'bicubic' supports only 4-D input ${inputForm(layout, 2)} (as in PyTorch); use 'bilinear' or 'nearest' for 5-D input`,
    );
  }
  return { mode, paddingMode, alignCorners, layout, dtype };
}

function dtypeOf(dtype: unknown = 'float32', float16Storage: boolean): Dtype {
  if (!DTYPES.includes(dtype as Dtype)) {
    throw new TypeError(
      `grid_sample: dtype must be 'float32' or 'float16' (float16 GPU buffers, with GridSampler.encodeGridSample), got ${describe(dtype)}`,
    );
  }
  if (dtype === 'float16' && !float16Storage) {
    throw new TypeError(
      "grid_sample: dtype 'float16' works only with GridSampler.encodeGridSample, on GPU buffers of float16 values; " +
        "this call takes or returns Float32Array data (or is a backward pass or image helper), so leave dtype out or use 'float32'",
    );
  }
  return dtype as Dtype;
}

/**
 * The `layout` option, checked: needed before the shapes can be read. Options that are not an
 * object give the default here; resolveOptions reports them.
 */
export function layoutOf(options: GridSampleOptions | undefined): Layout {
  if (options === null || typeof options !== 'object') return 'nchw';
  const { layout = 'nchw' } = options;
  if (!LAYOUTS.includes(layout)) {
    throw new TypeError(
      `grid_sample: layout must be 'nchw' (channels first, [N, C, H, W]) or 'nhwc' (channels last, [N, H, W, C]), got ${describe(layout)}`,
    );
  }
  return layout;
}

/** The input shape a layout expects, for messages: `[N, C, H, W]`, `[N, D, H, W, C]`, ... */
export function inputForm(layout: Layout, spatialDims: 2 | 3): string {
  const spatial = spatialDims === 2 ? 'H, W' : 'D, H, W';
  return layout === 'nhwc' ? `[N, ${spatial}, C]` : `[N, C, ${spatial}]`;
}

export function resolveAffineOptions(options: AffineGridOptions | undefined): boolean {
  if (options !== undefined && (options === null || typeof options !== 'object')) {
    throw new TypeError(`affine_grid: options must be an object, got ${describe(options)}`);
  }
  const alignCorners = options?.alignCorners ?? false;
  checkAlignCorners('affine_grid', alignCorners);
  return alignCorners;
}

function checkAlignCorners(op: string, alignCorners: unknown): void {
  if (typeof alignCorners !== 'boolean') {
    throw new TypeError(`${op}: alignCorners must be a boolean, got ${describe(alignCorners)}`);
  }
}

/** Checks that `shape` is a list of non-negative integers. */
export function checkShape(name: string, shape: unknown): asserts shape is readonly number[] {
  if (!Array.isArray(shape)) {
    throw new TypeError(`${name} must be an array of non-negative integers, got ${describe(shape)}`);
  }
  for (const [i, dim] of shape.entries()) {
    if (typeof dim !== 'number' || !Number.isSafeInteger(dim) || dim < 0) {
      throw new RangeError(`${name}[${i}] must be a non-negative integer, got ${String(dim)} in ${describe(shape)}`);
    }
  }
}

export function elementCount(shape: readonly number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

/**
 * The Float32Array for an output of `shape`, or a RangeError naming the op where the JavaScript engine
 * cannot allocate that many values (V8 stops at 2^32; memory may run out before).
 */
export function allocateOutput(op: string, shape: readonly number[]): Float32Array {
  const count = elementCount(shape);
  try {
    return new Float32Array(count);
  } catch (error) {
    throw new RangeError(
      `${op}: the output ${fmt(shape)} has ${count} float32 values, more than this JavaScript engine could allocate ` +
        `in one Float32Array (${(error as Error).message}); request a smaller output`,
    );
  }
}

/** Checks a Tensor argument: Float32Array data whose length matches its shape. */
export function checkTensor(name: string, tensor: unknown): asserts tensor is Tensor {
  if (tensor === null || typeof tensor !== 'object') {
    throw new TypeError(`${name} must be a Tensor { data: Float32Array, shape: number[] }, got ${describe(tensor)}`);
  }
  const { data, shape } = tensor as Partial<Tensor>;
  if (!(data instanceof Float32Array)) {
    throw new TypeError(
      `${name}.data must be a Float32Array, got ${describe(data)}; convert it with Float32Array.from(...)`,
    );
  }
  checkShape(`${name}.shape`, shape);
  const expected = elementCount(shape);
  if (data.length !== expected) {
    throw new RangeError(
      `${name}.data has ${data.length} elements but ${name}.shape ${fmt(shape)} needs ${expected}; nothing is reshaped or truncated`,
    );
  }
}

/**
 * Validates input/grid shapes of grid_sample and derives the output shape. With `layout` `'nhwc'`
 * the channels are the last input dimension, and the output's.
 */
export function sampleGeometry(
  inputShape: readonly number[],
  gridShape: readonly number[],
  layout: Layout = 'nchw',
): SampleGeometry {
  checkShape('input shape', inputShape);
  checkShape('grid shape', gridShape);
  const channelsLast = layout === 'nhwc';
  if (inputShape.length !== 4 && inputShape.length !== 5) {
    const which = channelsLast ? " (layout 'nhwc')" : '';
    throw new RangeError(
      `grid_sample: input must be 4-D ${inputForm(layout, 2)} or 5-D ${inputForm(layout, 3)}${which}, got ${inputShape.length}-D ${fmt(inputShape)}`,
    );
  }
  const spatialDims = inputShape.length === 4 ? 2 : 3;
  const expectedGrid = spatialDims === 2 ? '[N, H_out, W_out, 2]' : '[N, D_out, H_out, W_out, 3]';
  if (gridShape.length !== inputShape.length) {
    throw new RangeError(
      `grid_sample: grid must be ${inputShape.length}-D ${expectedGrid} for ${inputShape.length}-D input ${fmt(inputShape)}, got ${gridShape.length}-D ${fmt(gridShape)}`,
    );
  }
  if (gridShape[gridShape.length - 1] !== spatialDims) {
    throw new RangeError(
      `grid_sample: the last dimension of grid must be ${spatialDims} (${spatialDims === 2 ? 'x, y' : 'x, y, z'}) for ${inputShape.length}-D input, got grid ${fmt(gridShape)}`,
    );
  }
  if (gridShape[0] !== inputShape[0]) {
    throw new RangeError(
      `grid_sample: grid batch size ${gridShape[0]} must equal input batch size ${inputShape[0]} (input ${fmt(inputShape)}, grid ${fmt(gridShape)})`,
    );
  }
  const spatial = channelsLast ? inputShape.slice(1, -1) : inputShape.slice(2);
  const firstSpatial = channelsLast ? 1 : 2;
  spatial.forEach((size, i) => {
    if (size === 0) {
      throw new RangeError(
        `grid_sample: input spatial dimensions must be non-empty, got input ${fmt(inputShape)} (${inputForm(layout, spatialDims)})`,
      );
    }
    if (size > MAX_SPATIAL_SIZE) {
      throw new RangeError(
        `grid_sample: input spatial dimension ${i + firstSpatial} is ${size}, above ${MAX_SPATIAL_SIZE}: float32 coordinates cannot address it`,
      );
    }
  });
  const n = inputShape[0];
  const c = channelsLast ? inputShape[inputShape.length - 1] : inputShape[1];
  const [inD, inH, inW] = spatialDims === 2 ? [1, ...spatial] : spatial;
  const outSpatial = gridShape.slice(1, -1);
  const [outD, outH, outW] = spatialDims === 2 ? [1, ...outSpatial] : outSpatial;
  const outputShape = channelsLast ? [n, ...outSpatial, c] : [n, c, ...outSpatial];
  return { spatialDims, layout, n, c, inD, inH, inW, outD, outH, outW, outputShape };
}

/** Validates theta and size of affine_grid and derives the grid shape. */
export function affineGeometry(thetaShape: readonly number[], size: unknown): AffineGeometry {
  checkShape('affine_grid size', size);
  if (size.length !== 4 && size.length !== 5) {
    throw new RangeError(
      `affine_grid: size must be [N, C, H, W] or [N, C, D, H, W], got ${size.length} entries ${fmt(size)}`,
    );
  }
  const spatialDims = size.length === 4 ? 2 : 3;
  const rows = spatialDims;
  const cols = spatialDims + 1;
  if (thetaShape.length !== 3 || thetaShape[1] !== rows || thetaShape[2] !== cols) {
    throw new RangeError(
      `affine_grid: theta must be [N, ${rows}, ${cols}] for ${spatialDims}-D size ${fmt(size)}, got ${fmt(thetaShape)}`,
    );
  }
  if (thetaShape[0] !== size[0]) {
    throw new RangeError(
      `affine_grid: theta batch size ${thetaShape[0]} must equal size[0] = ${size[0]} (theta ${fmt(thetaShape)}, size ${fmt(size)})`,
    );
  }
  const [n, , ...spatial] = size;
  const [d, h, w] = spatialDims === 2 ? [1, ...spatial] : spatial;
  return { spatialDims, n, d, h, w, gridShape: [n, ...spatial, spatialDims] };
}
