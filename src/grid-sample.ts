import { gridSampleCpu } from './cpu/grid-sample.js';
import { WebGPUUnavailableError } from './errors.js';
import { describeValue } from './gpu/gpu-args.js';
import { GridSampler } from './gpu/sampler.js';
import type { GridSampleOptions, Tensor } from './types.js';
import { WasmSampler } from './wasm/sampler.js';

/**
 * Where {@link gridSample} runs: `'webgpu'`; `'wasm'`, the WebAssembly SIMD kernels on worker threads
 * ({@link WasmSampler}); `'cpu'`, the TypeScript reference ({@link gridSampleCpu}); `'auto'`, WebGPU
 * when an adapter is there, else wasm (which runs the TypeScript reference where WebAssembly SIMD is
 * missing). All give the same values; wasm and cpu the same bits.
 *
 * @example
 * await gridSample(input, grid, { backend: 'wasm' satisfies Backend });
 */
export type Backend = 'auto' | 'webgpu' | 'wasm' | 'cpu';

/**
 * Options of {@link gridSample}: PyTorch's options plus where to run.
 *
 * @example
 * await gridSample(input, grid, { mode: 'bilinear', backend: 'webgpu', device });
 */
export interface GridSampleCallOptions extends GridSampleOptions {
  /** 'auto' (default): WebGPU if an adapter is there, else the wasm kernels, else the TypeScript reference. */
  backend?: Backend;
  /** Run on this device instead of one created from navigator.gpu. */
  device?: GPUDevice;
}

const BACKENDS: readonly Backend[] = ['auto', 'webgpu', 'wasm', 'cpu'];

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

// One wasm sampler (default threads) for the process/page, made on first use; its idle workers do not
// keep a Node process alive.
let defaultWasmSampler: Promise<WasmSampler> | undefined;

function wasmSampler(): Promise<WasmSampler> {
  defaultWasmSampler ??= WasmSampler.create().catch((error: unknown) => {
    defaultWasmSampler = undefined;
    throw error;
  });
  return defaultWasmSampler;
}

/**
 * One-call `F.grid_sample`: on WebGPU when it is there, else on the CPU in WebAssembly SIMD
 * (worker threads), else in the TypeScript reference.
 *
 * @example
 * const out = await gridSample(input, grid, { mode: 'nearest', alignCorners: true });
 * const onCpu = await gridSample(input, grid, { backend: 'wasm' });
 */
export async function gridSample(input: Tensor, grid: Tensor, options: GridSampleCallOptions = {}): Promise<Tensor> {
  if (options !== undefined && (options === null || typeof options !== 'object')) {
    throw new TypeError(`gridSample: options must be an object, got ${describeValue(options)}`);
  }
  const { backend = 'auto', device, ...sampleOptions } = options ?? {};
  if (!BACKENDS.includes(backend)) {
    throw new TypeError(
      `gridSample: backend must be one of 'auto', 'webgpu', 'wasm', 'cpu', got ${describeValue(backend)}`,
    );
  }
  if (backend === 'cpu') return gridSampleCpu(input, grid, sampleOptions);
  if (backend === 'wasm') return (await wasmSampler()).gridSample(input, grid, sampleOptions);
  try {
    const sampler = await samplerFor(device);
    return await sampler.gridSample(input, grid, sampleOptions);
  } catch (error) {
    // 'auto' also falls back when the default sampler finds no adapter to replace a lost device
    if (backend === 'auto' && error instanceof WebGPUUnavailableError) {
      return (await wasmSampler()).gridSample(input, grid, sampleOptions);
    }
    throw error;
  }
}
