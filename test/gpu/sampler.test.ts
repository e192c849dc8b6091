import { describe, expect, it } from 'vitest';
import { GridSampler, gridSample, gridSampleCpu, type Tensor } from '../../src/index.js';
import { createTestDevice, storageBuffer, useTestSampler } from '../helpers/gpu.js';
import { randomTensor } from '../helpers/random.js';
import { expectClose, forwardTolerance, TOLERANCE } from '../helpers/tolerance.js';

const device = await createTestDevice();

describe.skipIf(!device)('GridSampler behaviour on WebGPU', async () => {
  const gpu = device as GPUDevice;
  const sampler = await useTestSampler(gpu);

  it('compiles each variant once and allocates no buffers for repeated same-shaped calls', async () => {
    const input = randomTensor([2, 3, 9, 7], 3);
    const grid = randomTensor([2, 5, 6, 2], 4, -1.2, 1.2);
    const options = { mode: 'bicubic', paddingMode: 'reflection', alignCorners: true } as const;
    await sampler.gridSample(input, grid, options);
    const after = sampler.stats;
    for (let i = 0; i < 20; i++) await sampler.gridSample(input, grid, options);
    expect(sampler.stats).toEqual(after);
    // a new shape reuses the pipeline
    await sampler.gridSample(randomTensor([1, 4, 3, 3], 5), randomTensor([1, 2, 2, 2], 6), options);
    expect(sampler.stats.pipelinesCompiled).toBe(after.pipelinesCompiled);
  });

  it('returns each concurrent call its own result', async () => {
    const calls = Array.from({ length: 16 }, (_, i) => {
      const input = randomTensor([1, 1 + (i % 3), 4 + i, 5], 100 + i);
      const grid = randomTensor([1, 3, 2 + (i % 4), 2], 200 + i, -1.5, 1.5);
      const options = { mode: (['bilinear', 'nearest', 'bicubic'] as const)[i % 3], paddingMode: 'border' as const };
      return { input, grid, options, promise: sampler.gridSample(input, grid, options) };
    });
    for (const { input, grid, options, promise } of calls) {
      const expected = gridSampleCpu(input, grid, options);
      expectClose(await promise, expected, forwardTolerance(options.mode));
    }
  });

  it('leaves its inputs untouched and never aliases them', async () => {
    const input = randomTensor([1, 2, 4, 4], 7);
    const grid = randomTensor([1, 3, 3, 2], 8);
    const before = [input.data.slice(), grid.data.slice()];
    const out = await sampler.gridSample(input, grid);
    expect(input.data).toEqual(before[0]);
    expect(grid.data).toEqual(before[1]);
    expect(out.data.buffer).not.toBe(input.data.buffer);
  });

  it('returns empty outputs without GPU work', async () => {
    const out = await sampler.gridSample(randomTensor([0, 2, 3, 3], 1), randomTensor([0, 2, 2, 2], 1));
    expect(out.shape).toEqual([0, 2, 2, 2]);
    expect(out.data.length).toBe(0);
  });

  it('gridSample() runs on the given device for webgpu and auto, and on the CPU for cpu', async () => {
    // the device, counting the command encoders made on it: GPU work shows there, CPU work does not
    let encoders = 0;
    const counted = new Proxy(gpu, {
      get(target, prop) {
        if (prop === 'createCommandEncoder') {
          return (descriptor?: GPUCommandEncoderDescriptor) => {
            encoders++;
            return target.createCommandEncoder(descriptor);
          };
        }
        const value = Reflect.get(target, prop, target);
        return typeof value === 'function' ? value.bind(target) : value;
      },
    });
    const input = randomTensor([1, 3, 5, 5], 9);
    const grid = randomTensor([1, 4, 4, 2], 10);
    for (const mode of ['nearest', 'bilinear'] as const) {
      const expected = gridSampleCpu(input, grid, { mode });
      for (const backend of ['webgpu', 'auto', 'cpu'] as const) {
        const before = encoders;
        const out = await gridSample(input, grid, { mode, backend, device: counted });
        expectClose(out, expected, forwardTolerance(mode), `${mode} ${backend}`);
        expect(encoders > before, `${mode} ${backend} encoded GPU work`).toBe(backend !== 'cpu');
      }
    }
  });

  it('checks the buffers given to encodeGridSample', () => {
    const input = storageBuffer(gpu, new Float32Array(18));
    const grid = storageBuffer(gpu, new Float32Array(8));
    const small = gpu.createBuffer({ size: 16, usage: GPUBufferUsage.STORAGE });
    const notStorage = gpu.createBuffer({ size: 64, usage: GPUBufferUsage.COPY_SRC });
    const encoder = gpu.createCommandEncoder();
    const args = { input, inputShape: [1, 2, 3, 3], grid, gridShape: [1, 2, 2, 2] };
    expect(() => sampler.encodeGridSample(encoder, { ...args, output: small })).toThrow(
      /output buffer has 16 bytes but its shape needs 8 float32 values \(32 bytes\)/,
    );
    expect(() => sampler.encodeGridSample(encoder, { ...args, output: notStorage })).toThrow(
      /needs GPUBufferUsage.STORAGE/,
    );
    encoder.finish();
    for (const b of [input, grid, small, notStorage]) b.destroy();
  });

  it('encodes affine_grid and grid_sample back to back on the GPU (spatial transformer)', async () => {
    const theta: Tensor = { data: new Float32Array([0.9, -0.2, 0.1, 0.3, 1.1, -0.05]), shape: [1, 2, 3] };
    const input = randomTensor([1, 3, 12, 10], 11);
    const size = [1, 3, 8, 9];
    const thetaBuffer = storageBuffer(gpu, theta.data);
    const inputBuffer = storageBuffer(gpu, input.data);
    const gridBuffer = gpu.createBuffer({ size: 8 * 9 * 2 * 4, usage: GPUBufferUsage.STORAGE });
    const output = gpu.createBuffer({ size: 3 * 8 * 9 * 4, usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC });
    const encoder = gpu.createCommandEncoder();
    sampler.encodeAffineGrid(encoder, { theta: thetaBuffer, size, output: gridBuffer });
    sampler.encodeGridSample(encoder, {
      input: inputBuffer,
      inputShape: input.shape,
      grid: gridBuffer,
      gridShape: [1, 8, 9, 2],
      output,
    });
    gpu.queue.submit([encoder.finish()]);
    const { readBuffer } = await import('../helpers/gpu.js');
    const data = await readBuffer(gpu, output, 3 * 8 * 9);
    const { affineGridCpu } = await import('../../src/index.js');
    const expected = gridSampleCpu(input, affineGridCpu(theta, size));
    expectClose({ data, shape: [1, 3, 8, 9] }, expected, TOLERANCE.forward);
    for (const b of [thetaBuffer, inputBuffer, gridBuffer, output]) b.destroy();
  });

  it('runs the README quick start', async () => {
    const { readmeExample } = await import('../helpers/readme-example.js');
    const { input, grid, options } = readmeExample();
    const out = await sampler.gridSample(input, grid, options);
    expect(out.shape).toEqual([1, 128, 20, 20]);
    expect(out.data.every((v) => v === 1)).toBe(true);
  });

  it('throws on use after destroy()', async () => {
    const own = await GridSampler.create({ device: gpu });
    own.destroy();
    await expect(own.gridSample(randomTensor([1, 1, 2, 2], 1), randomTensor([1, 1, 1, 2], 1))).rejects.toThrow(
      /sampler was destroyed/,
    );
  });
});
