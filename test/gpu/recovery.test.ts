// GPU errors and device loss: every failure reaches the caller as an exception with context, pending
// calls never hang, and samplers that own their device (including gridSample's default) recover.
import { afterAll, describe, expect, it } from 'vitest';
import {
  affineGridCpu,
  DeviceLostError,
  GPUExecutionError,
  GridSampler,
  gridSample,
  gridSampleCpu,
  type Tensor,
  WebGPUUnavailableError,
} from '../../src/index.js';
import { createTestDevice, storageBuffer, useErrorScopes } from '../helpers/gpu.js';
import { randomTensor } from '../helpers/random.js';
import { expectClose, forwardTolerance, TOLERANCE } from '../helpers/tolerance.js';

const device = await createTestDevice();

// navigator.gpu for Node, on Dawn, recording every device the library creates through it.
const createdDevices: GPUDevice[] = [];
let adapterAvailable = true;
if (device) {
  const { create } = await import('webgpu');
  const gpu = create([]);
  const shim = {
    async requestAdapter(options?: GPURequestAdapterOptions) {
      const adapter = adapterAvailable ? await gpu.requestAdapter(options) : null;
      if (!adapter) return null;
      return {
        limits: adapter.limits,
        features: adapter.features,
        async requestDevice(descriptor?: GPUDeviceDescriptor) {
          const created = await adapter.requestDevice(descriptor);
          createdDevices.push(created);
          return created;
        },
      };
    },
  };
  Object.defineProperty(globalThis, 'navigator', { value: { gpu: shim, keepAlive: gpu }, configurable: true });
}

const input = randomTensor([2, 6, 48, 40], 1);
const grid = randomTensor([2, 40, 48, 2], 2, -1.2, 1.2);
const options = { mode: 'bicubic', paddingMode: 'reflection' } as const;
const expected = gridSampleCpu(input, grid, options);
const theta: Tensor = { data: new Float32Array([0.9, 0.1, -0.2, -0.1, 1.1, 0.05]), shape: [1, 2, 3] };
const expectedAffine = affineGridCpu(theta, [1, 1, 30, 30]);
const bicubic = forwardTolerance('bicubic');

/** A call that resolved must have the right values: a sampler resolving zeros on a lost device would not. */
function expectSampled(out: Tensor, label = '') {
  expectClose(out, expected, bicubic, label);
}

/** Destroys `device` right after its next queue submission: work on it is then certainly in flight. */
function destroyAtNextSubmit(device: GPUDevice): void {
  const { queue } = device;
  const submit = queue.submit.bind(queue);
  queue.submit = (buffers: Iterable<GPUCommandBuffer>) => {
    submit(buffers);
    queue.submit = submit;
    device.destroy();
  };
}

const tick = () => new Promise((resolve) => setImmediate(resolve));

/** Each pending call must settle, with the right result or the given error, within 10 s. */
async function settle(calls: Promise<Tensor>[]) {
  const deadline = new Promise<never>((_, reject) => setTimeout(() => reject(new Error('a call hung')), 10_000));
  return Promise.race([Promise.allSettled(calls), deadline]);
}

describe.skipIf(!device)('GPU errors, device loss and destroy()', () => {
  const gpu = device as GPUDevice;
  afterAll(() => gpu.destroy());
  useErrorScopes(() => gpu);

  it('a sampler that created its device rejects calls in flight when the device is lost, then recovers', async () => {
    const sampler = await GridSampler.create();
    expect(createdDevices).toHaveLength(1);
    // the adapter's larger limits were requested
    expect(sampler.device.limits.maxStorageBufferBindingSize).toBeGreaterThan(2 ** 27);
    expectSampled(await sampler.gridSample(input, grid, options));
    // destroy the device at several points of a call: before its upload, mid-way, after its submit
    for (const wait of [0, 1, 3]) {
      const lostDevice = sampler.device;
      const calls = [sampler.gridSample(input, grid, options), sampler.affineGrid(theta, [1, 1, 30, 30])];
      for (let i = 0; i < wait; i++) await tick();
      lostDevice.destroy();
      const results = await settle(calls);
      for (const [i, result] of results.entries()) {
        if (result.status === 'fulfilled') {
          // finished before the loss: its values must still be right
          if (i === 0) expectSampled(result.value, `gridSample resolved after ${wait} ticks`);
          else expectClose(result.value, expectedAffine, TOLERANCE.affine, `affineGrid resolved after ${wait} ticks`);
          continue;
        }
        expect(result.reason).toBeInstanceOf(DeviceLostError);
        expect(result.reason.message).toMatch(
          /^GridSampler: the WebGPU device was lost \(reason 'destroyed'.*the next call on this sampler creates a new device$/,
        );
      }
      if (wait === 0) expect(results.every((r) => r.status === 'rejected')).toBe(true);
      const out = await sampler.gridSample(input, grid, options);
      expect(sampler.device).not.toBe(lostDevice);
      expectSampled(out);
      expectClose(await sampler.affineGrid(theta, [1, 1, 30, 30]), expectedAffine, TOLERANCE.affine);
    }
    expect(createdDevices).toHaveLength(4);
    sampler.destroy();
  });

  it('gridSample() without a device recovers its default sampler after a device loss', async () => {
    const before = createdDevices.length;
    expectSampled(await gridSample(input, grid, options));
    expect(createdDevices).toHaveLength(before + 1);
    // a loss at any point: a call that had not reached the GPU when the loss was seen runs on the new
    // device instead (right values), one in flight rejects; the next call works either way
    for (const wait of [0, 1, 2, 3]) {
      const call = gridSample(input, grid, options);
      for (let i = 0; i < wait; i++) await tick();
      createdDevices[createdDevices.length - 1].destroy();
      const [result] = await settle([call]);
      if (result.status === 'rejected') expect(result.reason).toBeInstanceOf(DeviceLostError);
      else expectSampled(result.value, `resolved after ${wait} ticks`);
      expectSampled(await gridSample(input, grid, options));
    }
    expect(createdDevices).toHaveLength(before + 5);
    // a loss while the call's work is certainly on the GPU (right after its submit) rejects it
    destroyAtNextSubmit(createdDevices[createdDevices.length - 1]);
    const [inFlight] = await settle([gridSample(input, grid, options)]);
    expect(inFlight.status).toBe('rejected');
    expect((inFlight as PromiseRejectedResult).reason).toBeInstanceOf(DeviceLostError);
    expectSampled(await gridSample(input, grid, options));
    expect(createdDevices).toHaveLength(before + 6);
  });

  it("gridSample() falls back to the CPU under 'auto' while a lost device cannot be replaced", async () => {
    expectSampled(await gridSample(input, grid, options));
    const count = createdDevices.length;
    createdDevices[count - 1].destroy();
    await createdDevices[count - 1].lost;
    adapterAvailable = false;
    try {
      expect(await gridSample(input, grid, { ...options, backend: 'auto' })).toEqual(
        gridSampleCpu(input, grid, options),
      );
      await expect(gridSample(input, grid, { ...options, backend: 'webgpu' })).rejects.toThrow(WebGPUUnavailableError);
    } finally {
      adapterAvailable = true;
    }
    expectSampled(await gridSample(input, grid, { ...options, backend: 'webgpu' }));
    expect(createdDevices).toHaveLength(count + 1);
  });

  it('on a device the caller passed in, calls reject with DeviceLostError and say to create a new device', async () => {
    const own = (await createTestDevice()) as GPUDevice;
    const sampler = await GridSampler.create({ device: own });
    const call = sampler.gridSample(input, grid, options);
    own.destroy();
    await expect(call).rejects.toThrow(/create a new device and a new GridSampler on it/);
    await expect(sampler.gridSample(input, grid)).rejects.toThrow(DeviceLostError);
    expect(() =>
      sampler.encodeGridSample(own.createCommandEncoder(), {
        input: own.createBuffer({ size: 16, usage: GPUBufferUsage.STORAGE }),
        inputShape: [1, 1, 2, 2],
        grid: own.createBuffer({ size: 16, usage: GPUBufferUsage.STORAGE }),
        gridShape: [1, 1, 2, 2],
        output: own.createBuffer({ size: 16, usage: GPUBufferUsage.STORAGE }),
      }),
    ).toThrow(DeviceLostError);
  });

  it('destroy() rejects pending calls, releases every buffer, and later calls throw', async () => {
    const sampler = await GridSampler.create({ device: gpu });
    await sampler.gridSample(input, grid, options);
    const pending = [sampler.gridSample(input, grid, options), sampler.affineGrid(theta, [1, 1, 8, 8])];
    await tick();
    sampler.destroy();
    for (const result of await settle(pending)) {
      expect(result.status).toBe('rejected');
      expect((result as PromiseRejectedResult).reason.message).toMatch(/^GridSampler: this sampler was destroyed/);
    }
    expect(sampler.stats).toMatchObject({ liveBuffers: 0, uniformBuffers: 0, bindGroups: 0 });
    await expect(sampler.affineGrid(theta, [1, 1, 4, 4])).rejects.toThrow(/sampler was destroyed/);
    const buffer = storageBuffer(gpu, new Float32Array(8));
    const args = { input: buffer, inputShape: [1, 1, 2, 2], grid: buffer, gridShape: [1, 1, 1, 2], output: buffer };
    expect(() => sampler.encodeGridSample(gpu.createCommandEncoder(), args)).toThrow(/sampler was destroyed/);
    buffer.destroy();
    // the caller's device is still alive
    const next = await GridSampler.create({ device: gpu });
    expectSampled(await next.gridSample(input, grid, options));
    next.destroy();
  });

  it('reports WebGPU validation errors and pipeline failures as GPUExecutionError with context, then works again', async () => {
    let fault: 'bind group' | 'pipeline' | undefined;
    // a device whose bind groups or pipelines come out invalid while `fault` is set
    const faulty = new Proxy(gpu, {
      get(target, prop) {
        if (prop === 'createBindGroup' && fault === 'bind group') {
          return (d: GPUBindGroupDescriptor) => target.createBindGroup({ ...d, entries: [...d.entries].slice(1) });
        }
        if (prop === 'createComputePipelineAsync' && fault === 'pipeline') {
          return (d: GPUComputePipelineDescriptor) =>
            target.createComputePipelineAsync({ ...d, compute: { ...d.compute, entryPoint: 'no_such_entry_point' } });
        }
        const value = Reflect.get(target, prop, target);
        return typeof value === 'function' ? value.bind(target) : value;
      },
    });
    const sampler = await GridSampler.create({ device: faulty });
    fault = 'bind group';
    const call = sampler.gridSample(input, grid, options);
    await expect(call).rejects.toThrow(GPUExecutionError);
    await expect(call).rejects.toThrow(/^grid_sample: WebGPU reported a validation error: .*BindGroup/s);
    expect(sampler.stats.liveBuffers).toBe(0); // the failed call's buffers were destroyed, not pooled
    fault = 'pipeline';
    await expect(sampler.gridSample(input, grid, { mode: 'nearest' })).rejects.toThrow(
      /^grid_sample: compiling the grid-sample-2d pipeline .* failed: GPUPipelineError: .*no_such_entry_point/s,
    );
    fault = undefined;
    expectSampled(await sampler.gridSample(input, grid, options));
    const nearest = gridSampleCpu(input, grid, { mode: 'nearest' });
    expect((await sampler.gridSample(input, grid, { mode: 'nearest' })).data).toEqual(nearest.data);
    sampler.destroy();
  });
});
