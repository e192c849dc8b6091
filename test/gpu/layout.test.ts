// layout: 'nhwc' on the GPU: the PyTorch goldens transposed to channels last, through the Tensor API and
// encodeGridSample, with C a multiple of 4 (the vec4 kernels) and not, and in pieces.
import { afterAll, describe, expect, it } from 'vitest';
import { type GridSampleOptions, GridSampler, gridSample, gridSampleCpu, type Tensor } from '../../src/index.js';
import { GOLDEN_COUNTS } from '../helpers/counts.js';
import { goldenTorchVersion, type SampleCase, sampleCases } from '../helpers/golden.js';
import { createTestDevice, readBuffer, storageBuffer, useErrorScopes, useTestSampler } from '../helpers/gpu.js';
import { toChannelsLast } from '../helpers/layout.js';
import { randomTensor } from '../helpers/random.js';
import { expectClose, forwardTolerance } from '../helpers/tolerance.js';

const device = await createTestDevice();
const pieceDevice = await createTestDevice();

/** [N, C, ...] repeated `times` along C: a channels-first tensor with times x C channels. */
function tileChannels(t: Tensor, times: number): Tensor {
  const [n, c, ...spatial] = t.shape;
  const plane = spatial.reduce((a, b) => a * b, 1);
  const data = new Float32Array(t.data.length * times);
  for (let b = 0; b < n; b++)
    for (let k = 0; k < times; k++)
      data.set(t.data.subarray(b * c * plane, (b + 1) * c * plane), (b * times + k) * c * plane);
  return { data, shape: [n, c * times, ...spatial] };
}

describe.skipIf(!device)(
  `GridSampler with layout 'nhwc' against PyTorch ${goldenTorchVersion} goldens, transposed`,
  async () => {
    const gpu = device as GPUDevice;
    const sampler = await useTestSampler(gpu);
    const nhwc = (c: SampleCase): GridSampleOptions => ({ ...c.options, layout: 'nhwc' });

    it.each(sampleCases.map((c) => [c.name, c] as const))('gridSample %s', async (_, c) => {
      const out = await sampler.gridSample(toChannelsLast(c.input), c.grid, nhwc(c));
      expectClose(out, toChannelsLast(c.expected), forwardTolerance(c.options.mode), c.name);
    });

    // C a multiple of 4: the golden channels repeated 4 times, so every tap loads whole vec4s
    const nonEmpty = sampleCases.filter((c) => c.expected.data.length > 0 && c.name.endsWith(' random'));
    it('takes every non-empty random golden for the vec4 and encodeGridSample cases', () => {
      expect(nonEmpty).toHaveLength(GOLDEN_COUNTS.randomNonEmpty);
    });
    it.each(nonEmpty.map((c) => [c.name, c] as const))('gridSample, channels x 4 (vec4 loads) %s', async (_, c) => {
      const out = await sampler.gridSample(toChannelsLast(tileChannels(c.input, 4)), c.grid, nhwc(c));
      expectClose(out, toChannelsLast(tileChannels(c.expected, 4)), forwardTolerance(c.options.mode), c.name);
    });

    it.each(nonEmpty.map((c) => [c.name, c] as const))('encodeGridSample %s', async (_, c) => {
      for (const times of [1, 4]) {
        const input = toChannelsLast(tileChannels(c.input, times));
        const expected = toChannelsLast(tileChannels(c.expected, times));
        const buffers = [storageBuffer(gpu, input.data), storageBuffer(gpu, c.grid.data)];
        const output = gpu.createBuffer({
          size: expected.data.byteLength,
          usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC,
        });
        const encoder = gpu.createCommandEncoder();
        sampler.encodeGridSample(
          encoder,
          { input: buffers[0], inputShape: input.shape, grid: buffers[1], gridShape: c.grid.shape, output },
          nhwc(c),
        );
        gpu.queue.submit([encoder.finish()]);
        const data = await readBuffer(gpu, output, expected.data.length);
        expectClose({ data, shape: expected.shape }, expected, forwardTolerance(c.options.mode), `${c.name} x${times}`);
        for (const b of [...buffers, output]) b.destroy();
      }
    });

    it('gridSample() passes the layout through to the GPU', async () => {
      const c = nonEmpty[0];
      const out = await gridSample(toChannelsLast(c.input), c.grid, { ...nhwc(c), backend: 'webgpu', device: gpu });
      expectClose(out, toChannelsLast(c.expected), forwardTolerance(c.options.mode), c.name);
    });
  },
);

describe.skipIf(!pieceDevice)("layout 'nhwc' in pieces", async () => {
  const gpu = pieceDevice as GPUDevice;
  afterAll(() => gpu.destroy());
  useErrorScopes(() => gpu);

  it.each([
    // [input (channels last), grid, maxChunkBytes]: batch pieces, row pieces, 3-D, C % 4 == 0
    ['batches', [5, 6, 7, 3], [5, 4, 5, 2], 4 * 6 * 7 * 3 * 2],
    ['rows of one item', [2, 6, 7, 3], [2, 9, 5, 2], 4 * 6 * 7 * 3],
    ['rows, C = 8', [2, 5, 4, 8], [2, 7, 3, 2], 4 * 5 * 4 * 8],
    ['3-D rows', [2, 3, 4, 5, 4], [2, 3, 5, 5, 3], 4 * 3 * 4 * 5 * 4],
  ] as const)(
    '%s: equals the CPU reference, Tensor API and encodeGridSample',
    async (_, inputShape, gridShape, maxChunkBytes) => {
      const sampler = await GridSampler.create({ device: gpu, maxChunkBytes });
      const input = randomTensor([...inputShape], 31);
      const grid = randomTensor([...gridShape], 32, -1.1, 1.1);
      for (const options of [
        { layout: 'nhwc' },
        { layout: 'nhwc', mode: 'nearest', paddingMode: 'reflection' },
      ] as GridSampleOptions[]) {
        const expected = gridSampleCpu(input, grid, options);
        const out = await sampler.gridSample(input, grid, options);
        expectClose(out, expected, forwardTolerance(options.mode), JSON.stringify(options));
        const buffers = [
          storageBuffer(gpu, input.data),
          storageBuffer(gpu, grid.data),
          storageBuffer(gpu, new Float32Array(expected.data.length + 4).fill(-9)),
        ];
        const encoder = gpu.createCommandEncoder();
        sampler.encodeGridSample(
          encoder,
          { input: buffers[0], inputShape, grid: buffers[1], gridShape, output: buffers[2] },
          options,
        );
        gpu.queue.submit([encoder.finish()]);
        const data = await readBuffer(gpu, buffers[2], expected.data.length + 4);
        const written = { data: data.subarray(0, expected.data.length), shape: expected.shape };
        expectClose(written, expected, forwardTolerance(options.mode), 'encode');
        expect([...data.subarray(expected.data.length)]).toEqual([-9, -9, -9, -9]);
        for (const b of buffers) b.destroy();
      }
      sampler.destroy();
    },
  );

  it('refuses a channels-last batch item larger than a binding, naming the layout', async () => {
    const sampler = await GridSampler.create({ device: gpu, maxChunkBytes: 1024 });
    const input = randomTensor([1, 8, 8, 5], 1); // 1280 bytes, each plane 256
    const grid = randomTensor([1, 2, 2, 2], 2);
    await expect(sampler.gridSample(input, grid, { layout: 'nhwc' })).rejects.toThrow(
      "grid_sample: one input batch item (8 x 8 x 5, channels last: layout 'nhwc' cannot be split by channel; layout 'nchw' can) is 1280 bytes (320 float32 values), more than maxChunkBytes = 1024 bytes",
    );
    // the same data channels first runs in pieces
    const first = { data: input.data, shape: [1, 5, 8, 8] };
    expectClose(await sampler.gridSample(first, grid), gridSampleCpu(first, grid), forwardTolerance('bilinear'));
    sampler.destroy();
  });
});
