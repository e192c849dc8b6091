// The kernels on every TF.js backend but webgpu: the values are read (readSync: on the cpu backend the
// stored array itself, elsewhere a download), computed by the CPU reference, and stored as a new tensor.
import type { KernelBackend, TensorInfo } from '@tensorflow/tfjs-core';
import { affineGridCpu } from '../cpu/affine-grid.js';
import { affineGridBackwardCpu } from '../cpu/affine-grid-backward.js';
import { gridSampleCpu } from '../cpu/grid-sample.js';
import { gridSampleBackwardCpu } from '../cpu/grid-sample-backward.js';
import type { Tensor } from '../types.js';
import type { AffineGridAttrs, GridSampleAttrs, GridSampleGradAttrs } from './kernel-names.js';

function tensorOf(backend: KernelBackend, info: TensorInfo): Tensor {
  const values = backend.readSync(info.dataId);
  const data = values instanceof Float32Array ? values : Float32Array.from(values as ArrayLike<number>);
  return { data, shape: info.shape };
}

/** A new tensor of the backend holding `data` (KernelBackend.write, which every backend has). */
function infoOf(backend: KernelBackend, { data, shape }: Tensor): TensorInfo {
  return { dataId: backend.write(data, [...shape], 'float32'), shape: [...shape], dtype: 'float32' };
}

export function gridSampleOnCpu(
  backend: KernelBackend,
  input: TensorInfo,
  grid: TensorInfo,
  attrs: GridSampleAttrs,
): TensorInfo {
  return infoOf(backend, gridSampleCpu(tensorOf(backend, input), tensorOf(backend, grid), attrs));
}

export function gridSampleGradOnCpu(
  backend: KernelBackend,
  dy: TensorInfo,
  input: TensorInfo,
  grid: TensorInfo,
  { wrt, ...options }: GridSampleGradAttrs,
): TensorInfo {
  const gradients = gridSampleBackwardCpu(
    tensorOf(backend, dy),
    tensorOf(backend, input),
    tensorOf(backend, grid),
    options,
  );
  return infoOf(backend, wrt === 'input' ? gradients.gradInput : gradients.gradGrid);
}

export function affineGridOnCpu(backend: KernelBackend, theta: TensorInfo, attrs: AffineGridAttrs): TensorInfo {
  return infoOf(backend, affineGridCpu(tensorOf(backend, theta), attrs.size, { alignCorners: attrs.alignCorners }));
}

export function affineGridGradOnCpu(backend: KernelBackend, dy: TensorInfo, attrs: AffineGridAttrs): TensorInfo {
  const gradTheta = affineGridBackwardCpu(tensorOf(backend, dy), attrs.size, { alignCorners: attrs.alignCorners });
  return infoOf(backend, gradTheta);
}
