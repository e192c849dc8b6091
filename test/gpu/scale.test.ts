// Tensors beyond the binding limits: processed in pieces, with the same result as the CPU reference.
import { afterAll, describe, expect, it } from 'vitest';
import { affineGridCpu, type GridSampleOptions, GridSampler, gridSampleCpu, type Tensor } from '../../src/index.js';
import { createTestDevice, readBuffer, storageBuffer, useErrorScopes, useTestSampler } from '../helpers/gpu.js';
import { randomTensor } from '../helpers/random.js';
import { expectClose, forwardTolerance, TOLERANCE } from '../helpers/tolerance.js';

const defaultDevice = await createTestDevice('default');
const device = await createTestDevice();

const MiB = 2 ** 20;

describe.skipIf(!defaultDevice)('a device with default limits (128 MiB per binding, 256 MiB per buffer)', async () => {
  const gpu = defaultDevice as GPUDevice;
  const sampler = await useTestSampler(gpu);

  it('samples a real [1, 80, 1024, 1024] float32 input (320 MiB) equal to the CPU reference', async () => {
    expect(gpu.limits.maxStorageBufferBindingSize).toBe(128 * MiB);
    expect(gpu.limits.maxBufferSize).toBe(256 * MiB);
    const shape = [1, 80, 1024, 1024];
    const data = new Float32Array(80 * 1024 * 1024);
    // a cheap hash, so every channel and pixel differs
    for (let i = 0; i < data.length; i++) data[i] = (Math.imul(i, 2654435761) >>> 8) / 2 ** 23 - 1;
    const input: Tensor = { data, shape };
    expect(data.byteLength).toBeGreaterThan(gpu.limits.maxBufferSize);
    // few output points, so the GPU work is small while the input is big; grid corners reach the edges
    const grid = randomTensor([1, 6, 5, 2], 21, -1.05, 1.05);
    grid.data.set([-1, -1, 1, 1, 0.999, -0.999], 0);
    for (const options of [{}, { mode: 'nearest', alignCorners: true }] as GridSampleOptions[]) {
      const expected = gridSampleCpu(input, grid, options);
      const out = await sampler.gridSample(input, grid, options);
      expectClose(out, expected, forwardTolerance(options.mode), JSON.stringify(options));
    }
    expect(data[12345]).toBe((Math.imul(12345, 2654435761) >>> 8) / 2 ** 23 - 1); // input untouched
  });

  it('refuses an input plane larger than a binding, naming the limit and the size, before any GPU work', async () => {
    const input = { data: new Float32Array(6000 * 6000), shape: [1, 1, 6000, 6000] };
    const grid = randomTensor([1, 2, 2, 2], 1);
    const before = sampler.stats;
    const call = sampler.gridSample(input, grid);
    await expect(call).rejects.toThrow(RangeError);
    await expect(call).rejects.toThrow(
      'grid_sample: one input plane (one channel of one batch item, 6000 x 6000) is 144000000 bytes (36000000 float32 values), more than maxStorageBufferBindingSize = 134217728 bytes',
    );
    expect(sampler.stats).toEqual(before);
  });
});

interface SplitCase {
  name: string;
  inputShape: number[];
  gridShape: number[];
  maxChunkBytes: number;
  options?: GridSampleOptions;
}

// Small tensors with a small maxChunkBytes exercise every kind of split quickly.
const splitCases: SplitCase[] = [
  { name: 'batch, 2-D bilinear', inputShape: [5, 3, 6, 7], gridShape: [5, 4, 5, 2], maxChunkBytes: 2 * 3 * 6 * 7 * 4 },
  {
    name: 'channels, 2-D bicubic',
    inputShape: [2, 9, 6, 7],
    gridShape: [2, 4, 5, 2],
    maxChunkBytes: 3 * 6 * 7 * 4,
    options: { mode: 'bicubic', paddingMode: 'reflection' },
  },
  {
    name: 'output rows, 2-D nearest',
    inputShape: [2, 3, 5, 4],
    gridShape: [2, 11, 9, 2],
    maxChunkBytes: 3 * 9 * 2 * 4,
    options: { mode: 'nearest', paddingMode: 'border' },
  },
  {
    name: 'channels, 3-D trilinear',
    inputShape: [1, 6, 3, 4, 5],
    gridShape: [1, 2, 3, 4, 3],
    maxChunkBytes: 2 * 60 * 4,
    options: { alignCorners: true },
  },
  {
    name: 'output rows, 3-D nearest',
    inputShape: [2, 2, 3, 4, 5],
    gridShape: [2, 4, 3, 5, 3],
    maxChunkBytes: 2 * 60 * 4,
    options: { mode: 'nearest' },
  },
];

describe.skipIf(!device)('splitting with maxChunkBytes', async () => {
  const gpu = device as GPUDevice;
  const samplers: GridSampler[] = [];
  const samplerWith = async (maxChunkBytes: number) => {
    const sampler = await GridSampler.create({ device: gpu, maxChunkBytes });
    samplers.push(sampler);
    return sampler;
  };
  afterAll(() => {
    for (const sampler of samplers) sampler.destroy();
    gpu.destroy();
  });
  useErrorScopes(() => gpu);

  it.each(splitCases)('gridSample and encodeGridSample split along $name equal the CPU', async (c) => {
    const sampler = await samplerWith(c.maxChunkBytes);
    const input = randomTensor(c.inputShape, 31);
    const grid = randomTensor(c.gridShape, 32, -1.3, 1.3);
    const expected = gridSampleCpu(input, grid, c.options);
    const tolerance = forwardTolerance(c.options?.mode);
    expect(input.data.byteLength + grid.data.byteLength).toBeGreaterThan(c.maxChunkBytes);
    expectClose(await sampler.gridSample(input, grid, c.options), expected, tolerance, 'gridSample');

    const copy = GPUBufferUsage.COPY_SRC | GPUBufferUsage.COPY_DST;
    const inputBuffer = storageBuffer(gpu, input.data, copy);
    const gridBuffer = storageBuffer(gpu, grid.data, copy);
    const outputBuffer = storageBuffer(gpu, new Float32Array(expected.data.length).fill(-7), copy);
    const encoder = gpu.createCommandEncoder();
    const args = {
      input: inputBuffer,
      inputShape: c.inputShape,
      grid: gridBuffer,
      gridShape: c.gridShape,
      output: outputBuffer,
    };
    sampler.encodeGridSample(encoder, args, c.options);
    gpu.queue.submit([encoder.finish()]);
    const data = await readBuffer(gpu, outputBuffer, expected.data.length);
    expectClose({ data, shape: expected.shape }, expected, tolerance, 'encodeGridSample');
    for (const b of [inputBuffer, gridBuffer, outputBuffer]) b.destroy();
  });

  it('refuses an output no Float32Array can hold before any GPU work', async () => {
    const sampler = await samplerWith(2 ** 26);
    const input = { data: new Float32Array(2 ** 20), shape: [1, 2 ** 20, 1, 1] };
    const grid = { data: new Float32Array(2 ** 14), shape: [1, 2 ** 13, 1, 2] };
    await expect(sampler.gridSample(input, grid)).rejects.toThrow(
      /^grid_sample: the output \[1, 1048576, 8192, 1\] has 8589934592 float32 values, more than this JavaScript engine could allocate/,
    );
    expect(sampler.stats.liveBuffers).toBe(0);
  });

  it('encodeGridSample asks for COPY_SRC / COPY_DST on buffers it must read or write in pieces', async () => {
    const sampler = await samplerWith(64);
    const input = storageBuffer(gpu, new Float32Array(2 * 3 * 2 * 2)); // STORAGE | COPY_DST | COPY_SRC
    const grid = storageBuffer(gpu, new Float32Array(2 * 2 * 2 * 2));
    const output = gpu.createBuffer({ size: 2 * 3 * 2 * 2 * 4, usage: GPUBufferUsage.STORAGE });
    const encoder = gpu.createCommandEncoder();
    const args = { input, inputShape: [2, 3, 2, 2], grid, gridShape: [2, 2, 2, 2], output };
    expect(() => sampler.encodeGridSample(encoder, args)).toThrow(
      /^encodeGridSample: the output buffer needs GPUBufferUsage.COPY_DST: the call is larger than one storage binding/,
    );
    encoder.finish();
    for (const b of [input, grid, output]) b.destroy();
  });

  it.each([
    { size: [5, 1, 4, 6], maxChunkBytes: 2 * 4 * 6 * 2 * 4 },
    { size: [2, 1, 7, 9], maxChunkBytes: 20 * 4 },
    { size: [2, 1, 3, 4, 5], maxChunkBytes: 21 * 4 },
  ])('affineGrid and encodeAffineGrid of size $size in pieces equal the CPU', async ({ size, maxChunkBytes }) => {
    const sampler = await samplerWith(maxChunkBytes);
    const dims = size.length - 2;
    const theta = randomTensor([size[0], dims, dims + 1], 41);
    const expected = affineGridCpu(theta, size, { alignCorners: true });
    expectClose(await sampler.affineGrid(theta, size, { alignCorners: true }), expected, TOLERANCE.affine);

    const copy = GPUBufferUsage.COPY_SRC | GPUBufferUsage.COPY_DST;
    const thetaBuffer = storageBuffer(gpu, theta.data, copy);
    const output = storageBuffer(gpu, new Float32Array(expected.data.length).fill(-7), copy);
    const encoder = gpu.createCommandEncoder();
    sampler.encodeAffineGrid(encoder, { theta: thetaBuffer, size, output }, { alignCorners: true });
    gpu.queue.submit([encoder.finish()]);
    const data = await readBuffer(gpu, output, expected.data.length);
    expectClose({ data, shape: expected.shape }, expected, TOLERANCE.affine);
    thetaBuffer.destroy();
    output.destroy();
  });
});
