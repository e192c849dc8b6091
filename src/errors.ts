/** Thrown when WebGPU is needed but this environment has no adapter. */
export class WebGPUUnavailableError extends Error {
  override name = 'WebGPUUnavailableError';
}

/** Thrown when the GPU reports an error while running our work (validation, out of memory, device lost). */
export class GPUExecutionError extends Error {
  override name = 'GPUExecutionError';
}
