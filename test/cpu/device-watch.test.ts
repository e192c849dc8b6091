// DeviceWatch on a stand-in device: guards settle like their promise, leave nothing behind, and all
// reject at once, with a DeviceLostError, when the device is lost.
import { describe, expect, it } from 'vitest';
import { DeviceLostError, GPUExecutionError } from '../../src/errors.js';
import { DeviceWatch } from '../../src/gpu/device-loss.js';

function fakeDevice() {
  let lose!: (info: GPUDeviceLostInfo) => void;
  const lost = new Promise<GPUDeviceLostInfo>((resolve) => (lose = resolve));
  return { device: { lost } as unknown as GPUDevice, lose };
}

describe('DeviceWatch', () => {
  it('passes results and errors through and keeps nothing once they settle', async () => {
    const watch = new DeviceWatch(fakeDevice().device, true);
    const values = await Promise.all(Array.from({ length: 1000 }, (_, i) => watch.guard(Promise.resolve(i))));
    expect(values[999]).toBe(999);
    await expect(watch.guard(Promise.reject(new RangeError('x')))).rejects.toThrow(RangeError);
    expect(watch.pending).toBe(0);
  });

  it('rejects every pending and later guard with DeviceLostError when the device is lost', async () => {
    const { device, lose } = fakeDevice();
    const watch = new DeviceWatch(device, false);
    const never = new Promise(() => {});
    const pending = [watch.guard(never), watch.guard(never)];
    expect(watch.pending).toBe(2);
    lose({ reason: 'unknown', message: 'GPU reset' } as GPUDeviceLostInfo);
    for (const p of pending) await expect(p).rejects.toThrow(DeviceLostError);
    await expect(pending[0]).rejects.toThrow(
      "GridSampler: the WebGPU device was lost (reason 'unknown': GPU reset); calls in flight were abandoned; create a new device and a new GridSampler on it",
    );
    await expect(watch.guard(Promise.resolve(1))).rejects.toThrow(DeviceLostError);
    expect(watch.pending).toBe(0);
    expect(() => watch.throwIfFailed()).toThrow(DeviceLostError);
  });

  it('explains a failed WebGPU promise as the device loss when that is the cause, else as a GPUExecutionError', async () => {
    const { device, lose } = fakeDevice();
    const watch = new DeviceWatch(device, true);
    const plain = await watch.explain(new DOMException('', 'AbortError'), 'grid_sample: reading the result back');
    expect(plain).toBeInstanceOf(GPUExecutionError);
    expect(plain.message).toBe('grid_sample: reading the result back failed: AbortError: ');
    setTimeout(() => lose({ reason: 'destroyed', message: '' } as GPUDeviceLostInfo), 10);
    const lost = await watch.explain(new DOMException('', 'AbortError'), 'grid_sample: reading the result back');
    expect(lost).toBeInstanceOf(DeviceLostError);
    expect((lost as DeviceLostError).reason).toBe('destroyed');
  });
});
