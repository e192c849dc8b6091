// The backward of grid_sample on tensors larger than one binding: split into pieces as the forward is,
// gradInput accumulated over pieces of output rows and gradGrid over pieces of channels; the result
// equals gridSampleBackwardCpu, through the Tensor API and through encodeGridSampleBackward.
import { afterAll, describe, expect, it } from 'vitest';
import { planGridSample } from '../../src/gpu/chunking.js';
import { type GridSampleBackwardOptions, GridSampler, gridSampleBackwardCpu, type Tensor } from '../../src/index.js';
import { sampleGeometry } from '../../src/options.js';
import { createTestDevice, readBuffer, storageBuffer, useErrorScopes, useTestSampler } from '../helpers/gpu.js';
import { gradientScales } from '../helpers/gradient-scale.js';
import { randomTensor } from '../helpers/random.js';
import { expectClose, TOLERANCE } from '../helpers/tolerance.js';

const defaultDevice = await createTestDevice('default');
const device = await createTestDevice();
const MiB = 2 ** 20;

/** Runs encodeGridSampleBackward on buffers of the tensors; gradients start as 7s, to show they are overwritten. */
async function encodeBackward(
  gpu: GPUDevice,
  sampler: GridSampler,
  [gradOutput, input, grid]: Tensor[],
  options: GridSampleBackwardOptions | undefined,
  want = { gradInput: true, gradGrid: true },
) {
  const copy = GPUBufferUsage.COPY_SRC | GPUBufferUsage.COPY_DST;
  const buffers = {
    gradOutput: storageBuffer(gpu, gradOutput.data, copy),
    input: storageBuffer(gpu, input.data, copy),
    grid: storageBuffer(gpu, grid.data, copy),
    gradInput: want.gradInput ? storageBuffer(gpu, new Float32Array(input.data.length).fill(7), copy) : undefined,
    gradGrid: want.gradGrid ? storageBuffer(gpu, new Float32Array(grid.data.length).fill(7), copy) : undefined,
  };
  const encoder = gpu.createCommandEncoder();
  sampler.encodeGridSampleBackward(encoder, { ...buffers, inputShape: input.shape, gridShape: grid.shape }, options);
  gpu.queue.submit([encoder.finish()]);
  const gradInput = buffers.gradInput && (await readBuffer(gpu, buffers.gradInput, input.data.length));
  const gradGrid = buffers.gradGrid && (await readBuffer(gpu, buffers.gradGrid, grid.data.length));
  for (const buffer of Object.values(buffers)) buffer?.destroy();
  return { gradInput, gradGrid };
}

describe.skipIf(!defaultDevice)('backward on a device with default limits (128 MiB per binding)', async () => {
  const gpu = defaultDevice as GPUDevice;
  const sampler = await useTestSampler(gpu);

  it('gridSampleBackward of a [1, 40, 1024, 1024] input (160 MiB) equals gridSampleBackwardCpu', async () => {
    expect(gpu.limits.maxStorageBufferBindingSize).toBe(128 * MiB);
    const shape = [1, 40, 1024, 1024];
    const data = new Float32Array(40 * 1024 * 1024);
    for (let i = 0; i < data.length; i++) data[i] = (Math.imul(i, 2654435761) >>> 8) / 2 ** 23 - 1;
    const input: Tensor = { data, shape };
    expect(data.byteLength).toBeGreaterThan(gpu.limits.maxStorageBufferBindingSize);
    // few output points, so the GPU work is small while the input is big; corners reach the edges
    const grid = randomTensor([1, 6, 5, 2], 51, -1.05, 1.05);
    grid.data.set([-1, -1, 1, 1, 0.999, -0.999], 0);
    const gradOutput = randomTensor([1, 40, 6, 5], 52);
    const pieces = planGridSample(sampleGeometry(shape, grid.shape), { bytes: 128 * MiB, name: 'limit' });
    expect(pieces.map((p) => p.channels)).toEqual([20, 20]); // gradGrid adds up over two pieces of channels
    const options = { alignCorners: true } as const;
    const expected = gridSampleBackwardCpu(gradOutput, input, grid, options);
    const out = await sampler.gridSampleBackward(gradOutput, input, grid, options);
    const scales = gradientScales(gradOutput, input, grid, options, expected);
    const tol = TOLERANCE.backward;
    const gi = expectClose(out.gradInput, expected.gradInput, tol, 'gradInput', scales.gradInput);
    const gg = expectClose(out.gradGrid, expected.gradGrid, tol, 'gradGrid', scales.gradGrid);
    console.log(
      `160 MiB backward: gradInput worst ${gi.scaledError}, gradGrid worst ${gg.scaledError} (scaled errors)`,
    );
    // the same through encodeGridSampleBackward: the caller's 160 MiB buffers bound in slices
    const encoded = await encodeBackward(gpu, sampler, [gradOutput, input, grid], options);
    const encodedGradInput = { data: encoded.gradInput as Float32Array, shape };
    expectClose(encodedGradInput, expected.gradInput, tol, 'encoded gradInput', scales.gradInput);
    const encodedGradGrid = { data: encoded.gradGrid as Float32Array, shape: grid.shape };
    expectClose(encodedGradGrid, expected.gradGrid, tol, 'encoded gradGrid', scales.gradGrid);
  });
});

interface SplitCase {
  name: string;
  inputShape: number[];
  gridShape: number[];
  maxChunkBytes: number;
  options?: GridSampleBackwardOptions;
  /** What the plan must split: batch items, channels, output rows. */
  splits: ('batch' | 'channels' | 'rows')[];
}

// Small tensors with a small maxChunkBytes exercise every kind of split quickly (see chunking.ts).
const splitCases: SplitCase[] = [
  {
    name: 'batch, 2-D bilinear',
    inputShape: [5, 3, 6, 7],
    gridShape: [5, 4, 5, 2],
    maxChunkBytes: 1008,
    splits: ['batch'],
  },
  {
    name: 'channels, 2-D bicubic',
    inputShape: [2, 9, 6, 7],
    gridShape: [2, 4, 5, 2],
    maxChunkBytes: 504,
    options: { mode: 'bicubic', paddingMode: 'reflection' },
    splits: ['batch', 'channels'],
  },
  {
    name: 'rows, 2-D bicubic',
    inputShape: [2, 2, 5, 4],
    gridShape: [2, 12, 10, 2],
    maxChunkBytes: 240,
    options: { mode: 'bicubic', alignCorners: true },
    splits: ['batch', 'rows'],
  },
  {
    name: 'channels and rows, 2-D bilinear',
    inputShape: [2, 3, 5, 4],
    gridShape: [2, 11, 9, 2],
    maxChunkBytes: 216,
    options: { paddingMode: 'border' },
    splits: ['batch', 'channels', 'rows'],
  },
  {
    name: 'channels, 3-D trilinear',
    inputShape: [1, 6, 3, 4, 5],
    gridShape: [1, 2, 3, 4, 3],
    maxChunkBytes: 480,
    options: { alignCorners: true },
    splits: ['channels'],
  },
  {
    name: 'rows, 3-D nearest',
    inputShape: [2, 2, 3, 4, 5],
    gridShape: [2, 4, 3, 5, 3],
    maxChunkBytes: 480,
    options: { mode: 'nearest' },
    splits: ['batch', 'rows'],
  },
  {
    name: 'channels and rows, 3-D trilinear',
    inputShape: [1, 4, 2, 3, 4],
    gridShape: [1, 3, 4, 5, 3],
    maxChunkBytes: 192,
    options: { paddingMode: 'reflection' },
    splits: ['channels', 'rows'],
  },
];

describe.skipIf(!device)('backward in pieces with maxChunkBytes', async () => {
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

  it.each(splitCases)('gridSampleBackward and encodeGridSampleBackward split along $name equal the CPU', async (c) => {
    const pieces = planGridSample(sampleGeometry(c.inputShape, c.gridShape), { bytes: c.maxChunkBytes, name: '' });
    const rows = c.gridShape.slice(1, -2).reduce((a, b) => a * b, 1);
    const split = {
      batch: pieces.some((p) => p.batch > 0),
      channels: pieces.some((p) => p.channels < c.inputShape[1]),
      rows: pieces.some((p) => p.rows < rows),
    };
    expect(
      Object.entries(split)
        .filter(([, s]) => s)
        .map(([k]) => k),
    ).toEqual(c.splits);
    const sampler = await samplerWith(c.maxChunkBytes);
    const input = randomTensor(c.inputShape, 61);
    const grid = randomTensor(c.gridShape, 62, -1.3, 1.3);
    const outputShape = [c.inputShape[0], c.inputShape[1], ...c.gridShape.slice(1, -1)];
    const gradOutput = randomTensor(outputShape, 63);
    const expected = gridSampleBackwardCpu(gradOutput, input, grid, c.options);
    const scales = gradientScales(gradOutput, input, grid, c.options, expected);
    const tol = TOLERANCE.backward;
    const out = await sampler.gridSampleBackward(gradOutput, input, grid, c.options);
    expectClose(out.gradInput, expected.gradInput, tol, 'gradInput', scales.gradInput);
    expectClose(out.gradGrid, expected.gradGrid, tol, 'gradGrid', scales.gradGrid);
    for (const want of [
      { gradInput: true, gradGrid: true },
      { gradInput: true, gradGrid: false },
      { gradInput: false, gradGrid: true },
    ]) {
      const encoded = await encodeBackward(gpu, sampler, [gradOutput, input, grid], c.options, want);
      const label = `encoded ${JSON.stringify(want)}`;
      if (want.gradInput) {
        const data = encoded.gradInput as Float32Array;
        expectClose({ data, shape: input.shape }, expected.gradInput, tol, label, scales.gradInput);
      }
      if (want.gradGrid) {
        const data = encoded.gradGrid as Float32Array;
        expectClose({ data, shape: grid.shape }, expected.gradGrid, tol, label, scales.gradGrid);
      }
    }
  });

  it('encodeGridSampleBackward asks for the copy usages its pieces need, before recording anything', async () => {
    // channels and rows: a grid slice comes back after another, so gradGrid is read back in (COPY_SRC)
    const c = splitCases[3];
    const sampler = await samplerWith(c.maxChunkBytes);
    const count = (shape: number[]) => shape.reduce((a, b) => a * b, 1);
    const outputCount = c.inputShape[0] * c.inputShape[1] * c.gridShape[1] * c.gridShape[2];
    const full = GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC | GPUBufferUsage.COPY_DST;
    const buffer = (elements: number, usage = full) => gpu.createBuffer({ size: elements * 4, usage });
    const args = {
      gradOutput: buffer(outputCount),
      input: buffer(count(c.inputShape)),
      inputShape: c.inputShape,
      grid: buffer(count(c.gridShape)),
      gridShape: c.gridShape,
      gradGrid: buffer(count(c.gridShape)),
    };
    const noCopySrc = GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_DST;
    const encoder = gpu.createCommandEncoder();
    const cases: [Partial<typeof args>, RegExp][] = [
      [{ gradGrid: buffer(count(c.gridShape), noCopySrc) }, /the gradGrid buffer needs GPUBufferUsage.COPY_SRC/],
      [
        { gradGrid: buffer(count(c.gridShape), GPUBufferUsage.STORAGE) },
        /the gradGrid buffer needs GPUBufferUsage.COPY_DST/,
      ],
      [
        { gradOutput: buffer(outputCount, GPUBufferUsage.STORAGE) },
        /the gradOutput buffer needs GPUBufferUsage.COPY_SRC/,
      ],
      [{ input: buffer(count(c.inputShape), noCopySrc) }, /the input buffer needs GPUBufferUsage.COPY_SRC/],
    ];
    for (const [change, message] of cases) {
      expect(() => sampler.encodeGridSampleBackward(encoder, { ...args, ...change }, c.options)).toThrow(message);
    }
    encoder.finish();
  });
});
