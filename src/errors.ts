/** Thrown when WebGPU is needed but this environment has no adapter. */
export class WebGPUUnavailableError extends Error {
  override name = 'WebGPUUnavailableError';
}

/** Thrown when the GPU reports an error while running our work (validation, out of memory, device lost). */
export class GPUExecutionError extends Error {
  override name = 'GPUExecutionError';
}

/**
 * Thrown to calls pending or made on a sampler whose WebGPU device was lost (driver reset, GPU
 * removed, `device.destroy()`). A sampler that created its own device makes a new one on its next
 * call; on a device you passed in, create a new device and a new sampler.
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
