import { WebGPUUnavailableError } from '../errors.js';

/** The WebGPU entry point of this environment, if any (browsers; Node after installing `webgpu`'s globals). */
export function navigatorGpu(): GPU | undefined {
  return (globalThis as { navigator?: { gpu?: GPU } }).navigator?.gpu;
}

/**
 * The default adapter; where there is none, a compatibility-mode adapter (WebGPU's `featureLevel:
 * 'compatibility'`: OpenGL ES and older Direct3D 11 class hardware), on which every kernel runs: they stay
 * within its limits and use no feature it lacks.
 */
async function requestAdapter(gpu: GPU): Promise<GPUAdapter | null> {
  return (await gpu.requestAdapter()) ?? (await gpu.requestAdapter({ featureLevel: 'compatibility' }));
}

/**
 * Creates a device on the default adapter (or a compatibility-mode one, where there is no core adapter),
 * asking for the adapter's largest buffer limits.
 */
export async function requestDevice(): Promise<GPUDevice> {
  const gpu = navigatorGpu();
  if (!gpu) {
    throw new WebGPUUnavailableError(
      'WebGPU is not available: navigator.gpu is missing. In a browser, use one with WebGPU on a secure ' +
        'context (https or localhost); in Node, create a device with the `webgpu` package and pass ' +
        '{ device } (see README); or use gridSampleCpu / backend: "cpu".',
    );
  }
  const adapter = await requestAdapter(gpu);
  if (!adapter) {
    throw new WebGPUUnavailableError(
      'WebGPU is present but navigator.gpu.requestAdapter() found no adapter, core or compatibility mode (GPU ' +
        'blocklisted or no driver); use gridSampleCpu / backend: "cpu", or pass { device }.',
    );
  }
  return adapter.requestDevice({
    label: 'webgpu-grid-sample',
    requiredLimits: {
      maxStorageBufferBindingSize: adapter.limits.maxStorageBufferBindingSize,
      maxBufferSize: adapter.limits.maxBufferSize,
    },
  });
}
