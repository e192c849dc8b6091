// The kernels on TF.js's webgpu backend: recorded through the library's GPU runtime on TF.js's own
// device (contextFor: its pipelines, pool and caches), on GPU buffers of the tensors (webgpu-backend.ts).
// Nothing is read back: the result stays on the GPU for the next op.
import type { TensorInfo } from '@tensorflow/tfjs-core';
import { contextFor } from '../gpu/context.js';
import {
  checkEncodeAffineGrid,
  checkEncodeAffineGridBackward,
  checkEncodeGridSample,
  checkEncodeGridSampleBackward,
} from '../gpu/encode-args.js';
import { encodeAffineGridInPieces } from '../gpu/ops/affine-grid.js';
import { encodeAffineGridBackwardInPieces } from '../gpu/ops/affine-grid-backward.js';
import { encodeGridSampleInPieces } from '../gpu/ops/grid-sample.js';
import { encodeGridSampleBackwardInPieces } from '../gpu/ops/grid-sample-backward.js';
import { elementCount } from '../options.js';
import type { AffineGridAttrs, GridSampleAttrs, GridSampleGradAttrs } from './kernel-names.js';
import { type WebGpuBackendLike, WebGpuTensors } from './webgpu-backend.js';

const tensorsOf = (backend: WebGpuBackendLike, op: string) =>
  new WebGpuTensors(backend, contextFor(backend.device), op);

/** An empty tensor, or zeros, held on the CPU side (no GPU work for an empty result). */
const zeros = (backend: WebGpuBackendLike, shape: readonly number[]) =>
  backend.makeTensorInfo([...shape], 'float32', new Float32Array(elementCount(shape)));

export function gridSampleOnWebGpu(
  backend: WebGpuBackendLike,
  input: TensorInfo,
  grid: TensorInfo,
  attrs: GridSampleAttrs,
  outputShape: readonly number[],
): TensorInfo {
  if (elementCount(outputShape) === 0) return zeros(backend, outputShape);
  const tensors = tensorsOf(backend, 'gridSample');
  const { encoder } = tensors;
  const args = {
    input: tensors.read(input),
    inputShape: input.shape,
    grid: tensors.read(grid),
    gridShape: grid.shape,
    output: tensors.write(outputShape),
  };
  const { geo, opts } = checkEncodeGridSample(encoder, args, attrs);
  encodeGridSampleInPieces(contextFor(backend.device), encoder, args, geo, opts);
  return tensors.submit()[0];
}

export function gridSampleGradOnWebGpu(
  backend: WebGpuBackendLike,
  dy: TensorInfo,
  input: TensorInfo,
  grid: TensorInfo,
  { wrt, ...options }: GridSampleGradAttrs,
): TensorInfo {
  const shape = wrt === 'input' ? input.shape : grid.shape;
  // an empty output sampled nothing: every gradient is 0
  if (elementCount(dy.shape) === 0 || elementCount(shape) === 0) return zeros(backend, shape);
  const tensors = tensorsOf(backend, 'gridSample gradient');
  const { encoder } = tensors;
  const gradient = tensors.write(shape);
  const args = {
    gradOutput: tensors.read(dy),
    input: tensors.read(input),
    inputShape: input.shape,
    grid: tensors.read(grid),
    gridShape: grid.shape,
    ...(wrt === 'input' ? { gradInput: gradient } : { gradGrid: gradient }),
  };
  const { geo, opts } = checkEncodeGridSampleBackward(encoder, args, options);
  encodeGridSampleBackwardInPieces(contextFor(backend.device), encoder, args, geo, opts);
  return tensors.submit()[0];
}

export function affineGridOnWebGpu(
  backend: WebGpuBackendLike,
  theta: TensorInfo,
  { size, alignCorners }: AffineGridAttrs,
  gridShape: readonly number[],
): TensorInfo {
  if (elementCount(gridShape) === 0) return zeros(backend, gridShape);
  const tensors = tensorsOf(backend, 'affineGrid');
  const { encoder } = tensors;
  const args = { theta: tensors.read(theta), size, output: tensors.write(gridShape) };
  const { geo } = checkEncodeAffineGrid(encoder, args, { alignCorners });
  encodeAffineGridInPieces(contextFor(backend.device), encoder, args, geo, alignCorners);
  return tensors.submit()[0];
}

export function affineGridGradOnWebGpu(
  backend: WebGpuBackendLike,
  dy: TensorInfo,
  { size, alignCorners }: AffineGridAttrs,
  thetaShape: readonly number[],
): TensorInfo {
  if (elementCount(dy.shape) === 0 || elementCount(thetaShape) === 0) return zeros(backend, thetaShape);
  const tensors = tensorsOf(backend, 'affineGrid gradient');
  const { encoder } = tensors;
  const args = { gradGrid: tensors.read(dy), size, gradTheta: tensors.write(thetaShape) };
  const { geo } = checkEncodeAffineGridBackward(encoder, args, { alignCorners });
  encodeAffineGridBackwardInPieces(contextFor(backend.device), encoder, args, geo, alignCorners);
  return tensors.submit()[0];
}
