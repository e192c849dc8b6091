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
