// Picks where the CLI samples: WebGPU through Dawn (the optional `webgpu` package) when an adapter is
// there, else the CPU (the wasm kernels on worker threads); and says which, with the reason.
import { type GridSampleOptions, GridSampler, type Tensor, WasmSampler } from '../src/index.js';
import type { CliBackend } from './arguments.js';

export interface Backend {
  /** One line for the user: which backend and why. */
  description: string;
  sample(input: Tensor, grid: Tensor, options: GridSampleOptions): Promise<Tensor>;
  close(): void;
}

async function cpu(reason: string): Promise<Backend> {
  const sampler = await WasmSampler.create();
  const kernel =
    sampler.kernel === 'wasm-simd'
      ? `WebAssembly SIMD, ${sampler.threads} thread${sampler.threads === 1 ? '' : 's'}`
      : 'TypeScript reference, no WebAssembly SIMD here';
  return {
    description: `CPU, ${kernel} (${reason})`,
    sample: (input, grid, options) => sampler.gridSample(input, grid, options),
    close: () => sampler.destroy(),
  };
}

export async function openBackend(choice: CliBackend): Promise<Backend> {
  if (choice === 'cpu') return cpu('--backend cpu');
  let dawn: typeof import('webgpu');
  try {
    dawn = await import('webgpu');
  } catch {
    if (choice === 'webgpu') throw new Error('--backend webgpu needs the `webgpu` package: npm install webgpu');
    return cpu('the optional `webgpu` package is not installed');
  }
  const gpu = dawn.create([]); // keep a reference: Dawn tears its instance down when this is collected
  const adapter = await gpu.requestAdapter();
  if (!adapter) {
    if (choice === 'webgpu') throw new Error('--backend webgpu: Dawn found no WebGPU adapter');
    return cpu('Dawn found no WebGPU adapter');
  }
  const device = await adapter.requestDevice({
    requiredLimits: {
      maxStorageBufferBindingSize: adapter.limits.maxStorageBufferBindingSize,
      maxBufferSize: adapter.limits.maxBufferSize,
    },
  });
  const sampler = await GridSampler.create({ device });
  const name = [adapter.info.vendor, adapter.info.architecture, adapter.info.description].filter(Boolean).join(' ');
  return {
    description: `WebGPU through Dawn${name ? ` (${name})` : ''}`,
    sample: (input, grid, options) => sampler.gridSample(input, grid, options),
    close: () => {
      sampler.destroy();
      device.destroy();
      void gpu;
    },
  };
}
