// withErrorScopes on a stand-in device whose scopes report what the test tells them: each kind of
// WebGPU error becomes a GPUExecutionError naming the operation, and scopes always balance.
import { describe, expect, it } from 'vitest';
import { GPUExecutionError } from '../../src/errors.js';
import { withErrorScopes } from '../../src/gpu/error-scopes.js';

function scriptedDevice(report: Partial<Record<GPUErrorFilter, string>>) {
  const stack: GPUErrorFilter[] = [];
  const device = {
    pushErrorScope: (filter: GPUErrorFilter) => stack.push(filter),
    popErrorScope: async () => {
      const filter = stack.pop() as GPUErrorFilter;
      return report[filter] ? ({ message: `${report[filter]}\n` } as GPUError) : null;
    },
  } as unknown as GPUDevice;
  return { device, stack };
}

describe('withErrorScopes', () => {
  it('passes the value through and resolves when WebGPU reported nothing', async () => {
    const { device, stack } = scriptedDevice({});
    const { value, errors } = withErrorScopes(device, 'grid_sample', () => 42);
    expect(value).toBe(42);
    await expect(errors).resolves.toBeUndefined();
    expect(stack).toEqual([]);
  });

  it('turns an out-of-memory error into a GPUExecutionError with the fix', async () => {
    const { device } = scriptedDevice({ 'out-of-memory': 'Allocation failed' });
    const { errors } = withErrorScopes(device, 'grid_sample', () => 0);
    await expect(errors).rejects.toThrow(GPUExecutionError);
    await expect(errors).rejects.toThrow(
      'grid_sample: WebGPU ran out of memory (Allocation failed); free GPU memory, or create the sampler with a smaller maxChunkBytes',
    );
  });

  it('turns a validation error into a GPUExecutionError naming the operation', async () => {
    const { device } = scriptedDevice({ validation: 'Binding size too large' });
    const { errors } = withErrorScopes(device, 'affine_grid (batch 0+1, points 0+16)', () => 0);
    await expect(errors).rejects.toThrow(
      'affine_grid (batch 0+1, points 0+16): WebGPU reported a validation error: Binding size too large',
    );
  });

  it('pops both scopes and rethrows when the work itself throws', async () => {
    const { device, stack } = scriptedDevice({ validation: 'ignored' });
    expect(() =>
      withErrorScopes(device, 'grid_sample', () => {
        throw new RangeError('from the work');
      }),
    ).toThrow('from the work');
    expect(stack).toEqual([]);
  });
});
