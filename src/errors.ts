/**
 * Thrown when WebGPU is needed but this environment has no `navigator.gpu` or no adapter.
 *
 * @example
 * try {
 *   sampler = await GridSampler.create();
 * } catch (error) {
 *   if (error instanceof WebGPUUnavailableError) useCpuInstead();
 * }
 */
export class WebGPUUnavailableError extends Error {
  /** Always `'WebGPUUnavailableError'`. */
  override name = 'WebGPUUnavailableError';
}

/**
 * Thrown when the GPU reports an error while running our work (validation, out of memory, device lost).
 *
 * @example
 * await sampler.gridSample(input, grid).catch((error) => {
 *   if (error instanceof GPUExecutionError) console.error('GPU failed:', error.message);
 * });
 */
export class GPUExecutionError extends Error {
  /** Always `'GPUExecutionError'`. */
  override name = 'GPUExecutionError';
}

/**
 * Thrown to calls pending or made on a sampler whose WebGPU device was lost (driver reset, GPU
 * removed, `device.destroy()`). A sampler that created its own device makes a new one on its next
 * call; on a device you passed in, create a new device and a new sampler.
 *
 * @example
 * await sampler.gridSample(input, grid).catch((error) => {
 *   if (error instanceof DeviceLostError) console.warn('GPU reset:', error.reason);
 * });
 */
export class DeviceLostError extends GPUExecutionError {
  override name = 'DeviceLostError';

  constructor(
    message: string,
    /** `GPUDeviceLostInfo.reason`: 'destroyed' or 'unknown'. */
    readonly reason: string,
  ) {
    super(message);
  }
}
