// WebGPU reports validation and out-of-memory errors asynchronously, and only to an error scope or the
// console. This wraps our synchronous GPU calls in scopes and turns what they catch into exceptions.
import { GPUExecutionError } from '../errors.js';

/**
 * Runs `work` (synchronous WebGPU calls only: no await inside) in validation and out-of-memory error
 * scopes. `errors` rejects with a GPUExecutionError naming `what` if WebGPU reported one; `rewrite`
 * may map its message (WGSL positions to their files, see wgsl.ts).
 */
export function withErrorScopes<T>(
  device: GPUDevice,
  what: string,
  work: () => T,
  rewrite: (message: string) => string = (message) => message,
): { value: T; errors: Promise<void> } {
  device.pushErrorScope('out-of-memory');
  device.pushErrorScope('validation');
  let value: T;
  try {
    value = work();
  } catch (error) {
    // the exception is what the caller sees; drop what the scopes caught on the way
    device.popErrorScope().catch(() => {});
    device.popErrorScope().catch(() => {});
    throw error;
  }
  const validation = device.popErrorScope();
  const outOfMemory = device.popErrorScope();
  const errors = Promise.all([validation, outOfMemory]).then(([invalid, noMemory]) => {
    if (noMemory) {
      throw new GPUExecutionError(
        `${what}: WebGPU ran out of memory (${noMemory.message.trim()}); free GPU memory, or create the sampler ` +
          'with a smaller maxChunkBytes so that large tensors go through smaller buffers',
      );
    }
    if (invalid)
      throw new GPUExecutionError(`${what}: WebGPU reported a validation error: ${rewrite(invalid.message.trim())}`);
  });
  errors.catch(() => {}); // reported where the caller awaits it; never an unhandled rejection
  return { value, errors };
}
