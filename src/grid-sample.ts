import { gridSampleCpu } from './cpu/grid-sample.js';
import { WebGPUUnavailableError } from './errors.js';
import { describeValue } from './gpu/gpu-args.js';
import { GridSampler } from './gpu/sampler.js';
import type { GridSampleOptions, Tensor } from './types.js';

/**
 * Where {@link gridSample} runs: `'auto'` picks WebGPU when an adapter is there, else the CPU.
 *
 * @example
 * await gridSample(input, grid, { backend: 'cpu' satisfies Backend });
 */
export type Backend = 'auto' | 'webgpu' | 'cpu';

/**
 * Options of {@link gridSample}: PyTorch's options plus where to run.
 *
 * @example
 * await gridSample(input, grid, { mode: 'bilinear', backend: 'webgpu', device });
 */
export interface GridSampleCallOptions extends GridSampleOptions {
  /** 'auto' (default): WebGPU if an adapter is there, else the CPU reference. */
  backend?: Backend;
  /** Run on this device instead of one created from navigator.gpu. */
  device?: GPUDevice;
}

const BACKENDS: readonly Backend[] = ['auto', 'webgpu', 'cpu'];

// One sampler per caller device, and one lazily made default device; probed once per process/page.
const samplersByDevice = new WeakMap<GPUDevice, GridSampler>();
let defaultSampler: Promise<GridSampler> | undefined;

async function samplerFor(device: GPUDevice | undefined): Promise<GridSampler> {
  if (device) {
    let sampler = samplersByDevice.get(device);
    if (!sampler) {
      sampler = await GridSampler.create({ device });
      samplersByDevice.set(device, sampler);
    }
    return sampler;
  }
  // The default sampler owns its device, so it replaces the device itself if it is lost. Only a
  // missing WebGPU is remembered; any other failure to create it is retried on the next call.
  defaultSampler ??= GridSampler.create().catch((error: unknown) => {
    if (!(error instanceof WebGPUUnavailableError)) defaultSampler = undefined;
    throw error;
  });
  return defaultSampler;
}

/**
 * One-call `F.grid_sample`: on WebGPU when it is there, else on the CPU reference.
 *
 * @example
 * const out = await gridSample(input, grid, { mode: 'nearest', alignCorners: true });
 * const onCpu = await gridSample(input, grid, { backend: 'cpu' });
 */
export async function gridSample(input: Tensor, grid: Tensor, options: GridSampleCallOptions = {}): Promise<Tensor> {
  if (options !== undefined && (options === null || typeof options !== 'object')) {
    throw new TypeError(`gridSample: options must be an object, got ${describeValue(options)}`);
  }
  const { backend = 'auto', device, ...sampleOptions } = options ?? {};
  if (!BACKENDS.includes(backend)) {
    throw new TypeError(`gridSample: backend must be one of 'auto', 'webgpu', 'cpu', got ${describeValue(backend)}`);
  }
  if (backend === 'cpu') return gridSampleCpu(input, grid, sampleOptions);
  try {
    const sampler = await samplerFor(device);
    return await sampler.gridSample(input, grid, sampleOptions);
  } catch (error) {
    // 'auto' also falls back when the default sampler finds no adapter to replace a lost device
    if (backend === 'auto' && error instanceof WebGPUUnavailableError) return gridSampleCpu(input, grid, sampleOptions);
    throw error;
  }
}
