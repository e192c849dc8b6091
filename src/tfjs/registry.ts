// Registers the kernels with TF.js, for a backend the first time an op runs on it (so there is no import
// side effect, and a backend registered after this module loaded is served too), and their gradients.
// One kernel function serves every backend: TF.js's webgpu backend on the GPU, any other on the CPU.
import {
  engine,
  type GradConfig,
  getGradient,
  getKernel,
  type KernelFunc,
  type NamedAttrMap,
  type NamedTensorInfoMap,
  registerGradient,
  registerKernel,
  type Tensor,
  type TensorInfo,
} from '@tensorflow/tfjs-core';
import { sampleGeometry } from '../options.js';
import { affineGridGradOnCpu, affineGridOnCpu, gridSampleGradOnCpu, gridSampleOnCpu } from './cpu-kernels.js';
import {
  AFFINE_GRID,
  AFFINE_GRID_GRAD,
  type AffineGridAttrs,
  GRID_SAMPLE,
  GRID_SAMPLE_GRAD,
  type GridSampleAttrs,
  type GridSampleGradAttrs,
} from './kernel-names.js';
import { isWebGpuBackend } from './webgpu-backend.js';
import {
  affineGridGradOnWebGpu,
  affineGridOnWebGpu,
  gridSampleGradOnWebGpu,
  gridSampleOnWebGpu,
} from './webgpu-kernels.js';

const tensorsOf = (inputs: NamedTensorInfoMap, ...names: string[]) => names.map((name) => inputs[name] as TensorInfo);

const gridSampleKernel: KernelFunc = ({ inputs, backend, attrs }) => {
  const [input, grid] = tensorsOf(inputs, 'input', 'grid');
  const options = attrs as unknown as GridSampleAttrs;
  if (!isWebGpuBackend(backend)) return gridSampleOnCpu(backend as never, input, grid, options);
  const { outputShape } = sampleGeometry(input.shape, grid.shape, options.layout);
  return gridSampleOnWebGpu(backend, input, grid, options, outputShape);
};

const gridSampleGradKernel: KernelFunc = ({ inputs, backend, attrs }) => {
  const [dy, input, grid] = tensorsOf(inputs, 'dy', 'input', 'grid');
  const options = attrs as unknown as GridSampleGradAttrs;
  return isWebGpuBackend(backend)
    ? gridSampleGradOnWebGpu(backend, dy, input, grid, options)
    : gridSampleGradOnCpu(backend as never, dy, input, grid, options);
};

const affineGridKernel: KernelFunc = ({ inputs, backend, attrs }) => {
  const [theta] = tensorsOf(inputs, 'theta');
  const options = attrs as unknown as AffineGridAttrs;
  if (!isWebGpuBackend(backend)) return affineGridOnCpu(backend as never, theta, options);
  const [n, , ...spatial] = options.size;
  return affineGridOnWebGpu(backend, theta, options, [n, ...spatial, spatial.length]);
};

const affineGridGradKernel: KernelFunc = ({ inputs, backend, attrs }) => {
  const [dy] = tensorsOf(inputs, 'dy');
  const options = attrs as unknown as AffineGridAttrs;
  if (!isWebGpuBackend(backend)) return affineGridGradOnCpu(backend as never, dy, options);
  const dims = options.size.length - 2;
  return affineGridGradOnWebGpu(backend, dy, options, [options.size[0], dims, dims + 1]);
};

const run = (kernel: string, inputs: Record<string, Tensor>, attrs: object) =>
  engine().runKernel(kernel, inputs, attrs as NamedAttrMap) as Tensor;

// d loss / d input and d loss / d grid, each computed only when backprop asks for it (TF.js calls the
// function of an input only where a gradient flows to it): a spatial transformer over a fixed image
// never scatters into gradInput.
const gridSampleGrad: GradConfig = {
  kernelName: GRID_SAMPLE,
  inputsToSave: ['input', 'grid'],
  gradFunc: (dy, [input, grid], attrs) => ({
    input: () => run(GRID_SAMPLE_GRAD, { dy: dy as Tensor, input, grid }, { ...attrs, wrt: 'input' }),
    grid: () => run(GRID_SAMPLE_GRAD, { dy: dy as Tensor, input, grid }, { ...attrs, wrt: 'grid' }),
  }),
};

const affineGridGrad: GradConfig = {
  kernelName: AFFINE_GRID,
  gradFunc: (dy, _, attrs) => ({ theta: () => run(AFFINE_GRID_GRAD, { dy: dy as Tensor }, attrs) }),
};

const KERNELS: [string, KernelFunc][] = [
  [GRID_SAMPLE, gridSampleKernel],
  [GRID_SAMPLE_GRAD, gridSampleGradKernel],
  [AFFINE_GRID, affineGridKernel],
  [AFFINE_GRID_GRAD, affineGridGradKernel],
];

/** Registers the kernels for `backendName` and the gradients, where not done yet. */
export function ensureRegistered(backendName: string): void {
  for (const [kernelName, kernelFunc] of KERNELS) {
    if (!getKernel(kernelName, backendName)) registerKernel({ kernelName, backendName, kernelFunc });
  }
  for (const config of [gridSampleGrad, affineGridGrad]) {
    if (!getGradient(config.kernelName)) registerGradient(config);
  }
}

/** Runs a kernel on the active backend, registering it there first if needed. */
export function runKernel(kernel: string, inputs: Record<string, Tensor>, attrs: object): Tensor {
  // no backend chosen yet: reading `backend` picks the best one, as TF.js's own ops do on first use
  if (engine().backendName == null) void engine().backend;
  ensureRegistered(engine().backendName);
  return run(kernel, inputs, attrs);
}
