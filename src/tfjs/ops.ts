// gridSample and affineGrid as TF.js ops: arguments checked (the library's own messages), float32 inputs,
// then one registered kernel; tf.tidy keeps nothing but the result, as TF.js's ops do.
import { cast, type Tensor, tidy } from '@tensorflow/tfjs-core';
import { describeValue } from '../gpu/gpu-args.js';
import { checkShape, layoutOf, resolveAffineOptions, resolveOptions, sampleGeometry } from '../options.js';
import type { AffineGridOptions, GridSampleOptions } from '../types.js';
import { AFFINE_GRID, type AffineGridAttrs, GRID_SAMPLE, type GridSampleAttrs } from './kernel-names.js';
import { runKernel } from './registry.js';

const fmt = (shape: readonly number[]) => `[${shape.join(', ')}]`;

function checkTfTensor(op: string, name: string, value: unknown): asserts value is Tensor {
  const t = value as Partial<Tensor> | null;
  if (typeof t !== 'object' || t === null || !Array.isArray(t.shape) || typeof t.dtype !== 'string' || !t.dataId) {
    throw new TypeError(`${op}: ${name} must be a tf.Tensor, got ${describeValue(value)}`);
  }
  if (t.dtype === 'string' || t.dtype === 'complex64') {
    throw new TypeError(`${op}: ${name} must hold numbers (float32, int32 or bool), got dtype '${t.dtype}'`);
  }
}

/** The options with `layout` defaulting to channels last, as TF.js keeps tensors. */
function channelsLastByDefault(options: unknown): GridSampleOptions {
  if (options === undefined) return { layout: 'nhwc' };
  if (options === null || typeof options !== 'object') {
    throw new TypeError(`gridSample: options must be an object, got ${describeValue(options)}`);
  }
  const given = options as GridSampleOptions;
  return { ...given, layout: given.layout ?? 'nhwc' };
}

const float32 = (t: Tensor) => (t.dtype === 'float32' ? t : cast(t, 'float32'));

/**
 * `F.grid_sample` for TensorFlow.js: samples `input` at the points of `grid`, on the GPU when the active
 * backend is `webgpu` (on TF.js's device, nothing read back), on the CPU reference on any other backend. Channels last, as TF.js keeps images: `input` `[N, H, W, C]` (or `[N, D, H, W, C]`),
 * `grid` `[N, H_out, W_out, 2]` (`[N, D_out, H_out, W_out, 3]`) of (x, y[, z]) in [-1, 1], result
 * `[N, H_out, W_out, C]`. Options and defaults are PyTorch's, except `layout`, `'nhwc'` by default
 * (`'nchw'` takes channels-first tensors). Differentiable with respect to `input` and `grid`
 * (`tf.grad`, `tf.variableGrads`, optimizers). int32 and bool tensors are cast to float32.
 *
 * @example
 * import * as tf from '@tensorflow/tfjs-core';
 * import '@tensorflow/tfjs-backend-webgpu';
 * import { affineGrid, gridSample } from 'webgpu-grid-sample/tfjs';
 * await tf.setBackend('webgpu');
 * const image = tf.randomUniform([1, 64, 64, 3]);
 * const grid = affineGrid(tf.tensor3d([[[0.9, -0.2, 0.1], [0.2, 0.9, 0]]]), [1, 32, 32, 3]);
 * const warped = gridSample(image, grid, { mode: 'bilinear', paddingMode: 'border' }); // [1, 32, 32, 3]
 */
export function gridSample(input: Tensor, grid: Tensor, options?: GridSampleOptions): Tensor {
  checkTfTensor('gridSample', 'input', input);
  checkTfTensor('gridSample', 'grid', grid);
  const withLayout = channelsLastByDefault(options);
  const geo = sampleGeometry(input.shape, grid.shape, layoutOf(withLayout));
  const { mode, paddingMode, alignCorners, layout } = resolveOptions(withLayout, geo.spatialDims);
  const attrs: GridSampleAttrs = { mode, paddingMode, alignCorners, layout };
  return tidy('gridSample', () => runKernel(GRID_SAMPLE, { input: float32(input), grid: float32(grid) }, attrs));
}

/**
 * `F.affine_grid` for TensorFlow.js: the sampling grid of the affine maps `theta` (`[N, 2, 3]`, or
 * `[N, 3, 4]` in 3-D) for an output of `size`, given channels last as TF.js shapes are: `[N, H, W, C]`
 * or `[N, D, H, W, C]` (C is not used). Returns `[N, H, W, 2]` or `[N, D, H, W, 3]`, for
 * {@link gridSample}. Differentiable with respect to `theta`; on the GPU on the `webgpu` backend.
 *
 * @example
 * const theta = tf.variable(tf.tensor3d([[[1, 0, 0], [0, 1, 0]]]));
 * const loss = () => tf.losses.meanSquaredError(target, gridSample(image, affineGrid(theta, image.shape)));
 * tf.train.adam(0.01).minimize(loss, false, [theta]);
 */
export function affineGrid(theta: Tensor, size: readonly number[], options?: AffineGridOptions): Tensor {
  checkTfTensor('affineGrid', 'theta', theta);
  checkShape('affine_grid size', size);
  if (size.length !== 4 && size.length !== 5) {
    throw new RangeError(
      `affine_grid: size must be [N, H, W, C] or [N, D, H, W, C] (channels last, as TF.js shapes), got ${size.length} entries ${fmt(size)}`,
    );
  }
  const dims = size.length - 2;
  const [n, ...spatial] = size.slice(0, -1);
  if (theta.rank !== 3 || theta.shape[0] !== n || theta.shape[1] !== dims || theta.shape[2] !== dims + 1) {
    throw new RangeError(
      `affine_grid: theta must be [N, ${dims}, ${dims + 1}] with N = size[0] = ${n} for size ${fmt(size)}, got ${fmt(theta.shape)}`,
    );
  }
  const alignCorners = resolveAffineOptions(options);
  // the core library's size is channels first
  const attrs: AffineGridAttrs = { size: [n, size[size.length - 1], ...spatial], alignCorners };
  return tidy('affineGrid', () => runKernel(AFFINE_GRID, { theta: float32(theta) }, attrs));
}
