// layout: 'nhwc' in the GPU backward (the CHANNELS_LAST kernels, no transpose): the PyTorch autograd
// goldens transposed to channels last, and the CPU's channels-first gradients transposed on seeded random
// cases of every mode, padding and alignCorners in 2-D and 3-D; through the Tensor API,
// encodeGridSampleBackward, and in pieces (batches, and rows of one item).
import { afterAll, describe, expect, it } from 'vitest';
import { planGridSample } from '../../src/gpu/chunking.js';
import {
  type GridSampleBackwardOptions,
  GridSampler,
  gridSampleBackwardCpu,
  gridSampleCpu,
  type Tensor,
} from '../../src/index.js';
import { sampleGeometry } from '../../src/options.js';
import { backwardOptionGrid, randomBackwardCase } from '../helpers/backward-cases.js';
import { GOLDEN_COUNTS } from '../helpers/counts.js';
import { backwardCases, backwardTorchVersion } from '../helpers/golden-backward.js';
import { createTestDevice, readBuffer, storageBuffer, useErrorScopes, useTestSampler } from '../helpers/gpu.js';
import { gradientScales } from '../helpers/gradient-scale.js';
import { toChannelsLast } from '../helpers/layout.js';
import { randomTensor } from '../helpers/random.js';
import { expectClose, TOLERANCE } from '../helpers/tolerance.js';

const device = await createTestDevice();
const pieceDevice = await createTestDevice();
const seed = Number(process.env.LAYOUT_SEED ?? 20_260_112);

type Gradients = Record<'gradInput' | 'gradGrid', Tensor>;

/**
 * Both channels-last gradients of a case within TOLERANCE.backward of the expected ones, each value
 * scaled by the size of its terms (gradient-scale.ts).
 */
function expectGradients(
  actual: Gradients,
  expected: Gradients,
  [gradOutput, input, grid]: Tensor[],
  options: GridSampleBackwardOptions,
  label: string,
) {
  const scales = gradientScales(gradOutput, input, grid, { ...options, layout: 'nhwc' }, expected);
  for (const key of ['gradInput', 'gradGrid'] as const) {
    expectClose(actual[key], expected[key], TOLERANCE.backward, `${label} ${key}`, scales[key]);
  }
}

/** encodeGridSampleBackward on fresh buffers (gradients start as 7s: they must be overwritten), read back. */
async function encodeBackward(
  gpu: GPUDevice,
  sampler: GridSampler,
  [gradOutput, input, grid]: Tensor[],
  options: GridSampleBackwardOptions,
) {
  const copy = GPUBufferUsage.COPY_SRC | GPUBufferUsage.COPY_DST;
  const buffers = {
    gradOutput: storageBuffer(gpu, gradOutput.data, copy),
    input: storageBuffer(gpu, input.data, copy),
    grid: storageBuffer(gpu, grid.data, copy),
    gradInput: storageBuffer(gpu, new Float32Array(input.data.length).fill(7), copy),
    gradGrid: storageBuffer(gpu, new Float32Array(grid.data.length).fill(7), copy),
  };
  const encoder = gpu.createCommandEncoder();
  sampler.encodeGridSampleBackward(encoder, { ...buffers, inputShape: input.shape, gridShape: grid.shape }, options);
  gpu.queue.submit([encoder.finish()]);
  const gradInput = { data: await readBuffer(gpu, buffers.gradInput, input.data.length), shape: input.shape };
  const gradGrid = { data: await readBuffer(gpu, buffers.gradGrid, grid.data.length), shape: grid.shape };
  for (const buffer of Object.values(buffers)) buffer.destroy();
  return { gradInput, gradGrid };
}

describe.skipIf(!device)(
  `GPU backward with layout 'nhwc' (seed ${seed}; replay with LAYOUT_SEED=${seed})`,
  async () => {
    const gpu = device as GPUDevice;
    const sampler = await useTestSampler(gpu);

    it('covers every backward golden, and every mode x padding x alignCorners in 2-D and 3-D', () => {
      expect(backwardCases).toHaveLength(GOLDEN_COUNTS.backward);
      expect([backwardOptionGrid(2).length, backwardOptionGrid(3).length]).toEqual([18, 12]);
    });

    it.each(backwardCases.map((c) => [c.name, c] as const))(
      `PyTorch ${backwardTorchVersion} golden %s, transposed`,
      async (_, c) => {
        const args = [toChannelsLast(c.gradOutput), toChannelsLast(c.input), c.grid];
        const options = { ...c.options, layout: 'nhwc' } as const;
        const expected = { gradInput: toChannelsLast(c.expectedGradInput), gradGrid: c.expectedGradGrid };
        const out = await sampler.gridSampleBackward(args[0], args[1], args[2], options);
        expectGradients(out, expected, args, options, c.name);
        const encoded = await encodeBackward(gpu, sampler, args, options);
        expectGradients(encoded, expected, args, options, `${c.name} encoded`);
      },
    );

    for (const dims of [2, 3] as const) {
      it.each(backwardOptionGrid(dims).map((o, i) => [`${o.mode} ${o.paddingMode} ${o.alignCorners}`, o, i] as const))(
        `${dims}-D %s: the CPU's channels-first gradients, transposed`,
        async (_, options, i) => {
          for (const channels of [1, 3, 4]) {
            const { input, grid, gradOutput } = randomBackwardCase(
              dims,
              seed + 100 * i + 10 * channels + dims,
              channels,
            );
            const first = gridSampleBackwardCpu(gradOutput, input, grid, options);
            const expected = { gradInput: toChannelsLast(first.gradInput), gradGrid: first.gradGrid };
            const args = [toChannelsLast(gradOutput), toChannelsLast(input), grid];
            const nhwc = { ...options, layout: 'nhwc' } as const;
            const out = await sampler.gridSampleBackward(args[0], args[1], args[2], nhwc);
            expectGradients(out, expected, args, options, `C = ${channels}`);
            const encoded = await encodeBackward(gpu, sampler, args, nhwc);
            expectGradients(encoded, expected, args, options, `C = ${channels} encoded`);
            // the channels-first kernel on the same case agrees with it after a transpose
            const viaFirst = await sampler.gridSampleBackward(gradOutput, input, grid, options);
            const transposed = { gradInput: toChannelsLast(viaFirst.gradInput), gradGrid: viaFirst.gradGrid };
            expectGradients(out, transposed, args, options, 'nhwc vs nchw on the GPU');
          }
        },
      );
    }
  },
);

describe.skipIf(!pieceDevice)("GPU backward with layout 'nhwc' in pieces", async () => {
  const gpu = pieceDevice as GPUDevice;
  afterAll(() => gpu.destroy());
  useErrorScopes(() => gpu);

  it.each([
    // [input (channels last), grid, maxChunkBytes, pieces]: batch pieces, row pieces (gradInput adds up
    // over the rows of one item), 3-D rows
    ['batches', [5, 6, 7, 3], [5, 4, 5, 2], 4 * 6 * 7 * 3 * 2, 3],
    ['rows of one item', [2, 6, 7, 3], [2, 9, 5, 2], 4 * 6 * 7 * 3, 4],
    ['3-D rows', [2, 3, 4, 5, 4], [2, 3, 5, 5, 3], 4 * 3 * 4 * 5 * 4, 4],
  ] as const)(
    '%s: equals the CPU reference, Tensor API and encodeGridSampleBackward',
    async (_, inputShape, gridShape, maxChunkBytes, pieceCount) => {
      const sampler = await GridSampler.create({ device: gpu, maxChunkBytes });
      const input = randomTensor([...inputShape], 41);
      const grid = randomTensor([...gridShape], 42, -1.1, 1.1);
      const plan = planGridSample(sampleGeometry(inputShape, gridShape, 'nhwc'), { bytes: maxChunkBytes, name: 'x' });
      expect(plan.length).toBe(pieceCount);
      const modes: GridSampleBackwardOptions[] = [
        { layout: 'nhwc', paddingMode: 'border', alignCorners: true },
        { layout: 'nhwc', mode: 'nearest', paddingMode: 'reflection' },
      ];
      for (const options of modes) {
        const gradOutput = randomTensor(gridSampleCpu(input, grid, options).shape as number[], 43);
        const expected = gridSampleBackwardCpu(gradOutput, input, grid, options);
        const label = JSON.stringify(options);
        const args = [gradOutput, input, grid];
        expectGradients(
          await sampler.gridSampleBackward(gradOutput, input, grid, options),
          expected,
          args,
          options,
          label,
        );
        expectGradients(await encodeBackward(gpu, sampler, args, options), expected, args, options, label);
      }
      sampler.destroy();
    },
  );
});
