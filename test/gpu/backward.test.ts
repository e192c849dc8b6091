import { describe, expect, it } from 'vitest';
import {
  affineGridBackwardCpu,
  affineGridCpu,
  GridSampler,
  gridSampleBackwardCpu,
  type Tensor,
} from '../../src/index.js';
import { transformerCases } from '../helpers/golden-backward.js';
import { createTestDevice, readBuffer, storageBuffer, useTestSampler } from '../helpers/gpu.js';
import { gradGridScale, gradInputScale, gradientScales } from '../helpers/gradient-scale.js';
import { randomTensor } from '../helpers/random.js';
import { expectClose, TOLERANCE } from '../helpers/tolerance.js';

const device = await createTestDevice();

describe.skipIf(!device)('GridSampler backward behaviour on WebGPU', async () => {
  const gpu = device as GPUDevice;
  const sampler = await useTestSampler(gpu);
  const usage = () => GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC | GPUBufferUsage.COPY_DST;
  /** A buffer full of 7s, to show that the backward overwrites what was there. */
  const dirty = (elements: number) => storageBuffer(gpu, new Float32Array(Math.max(elements, 1)).fill(7));

  const input = randomTensor([2, 3, 6, 5], 1);
  const grid = randomTensor([2, 4, 7, 2], 2, -1.3, 1.3);
  const gradOutput = randomTensor([2, 3, 4, 7], 3);
  const options = { mode: 'bicubic', paddingMode: 'reflection', alignCorners: false } as const;
  const expected = gridSampleBackwardCpu(gradOutput, input, grid, options);
  const scales = gradientScales(gradOutput, input, grid, options, expected);

  async function encodeBackward(want: { gradInput: boolean; gradGrid: boolean }) {
    const buffers = {
      gradOutput: storageBuffer(gpu, gradOutput.data),
      input: storageBuffer(gpu, input.data),
      grid: storageBuffer(gpu, grid.data),
      gradInput: want.gradInput ? dirty(input.data.length) : undefined,
      gradGrid: want.gradGrid ? dirty(grid.data.length) : undefined,
    };
    const encoder = gpu.createCommandEncoder();
    sampler.encodeGridSampleBackward(encoder, { ...buffers, inputShape: input.shape, gridShape: grid.shape }, options);
    gpu.queue.submit([encoder.finish()]);
    const out = {
      gradInput: buffers.gradInput && (await readBuffer(gpu, buffers.gradInput, input.data.length)),
      gradGrid: buffers.gradGrid && (await readBuffer(gpu, buffers.gradGrid, grid.data.length)),
    };
    for (const b of Object.values(buffers)) b?.destroy();
    return out;
  }

  it('encodes either gradient alone, overwriting the buffers it is given', async () => {
    for (const want of [
      { gradInput: true, gradGrid: true },
      { gradInput: false, gradGrid: true },
      { gradInput: true, gradGrid: false },
    ]) {
      const out = await encodeBackward(want);
      if (want.gradInput) {
        const data = out.gradInput as Float32Array;
        expectClose(
          { data, shape: input.shape },
          expected.gradInput,
          TOLERANCE.backward,
          'gradInput',
          scales.gradInput,
        );
      }
      if (want.gradGrid) {
        const data = out.gradGrid as Float32Array;
        expectClose({ data, shape: grid.shape }, expected.gradGrid, TOLERANCE.backward, 'gradGrid', scales.gradGrid);
      }
    }
  });

  it('gives bitwise identical gradGrid and gradTheta run to run (no atomics in either)', async () => {
    const runs = await Promise.all([0, 1, 2].map(() => sampler.gridSampleBackward(gradOutput, input, grid, options)));
    for (const run of runs.slice(1)) expect(run.gradGrid.data).toEqual(runs[0].gradGrid.data);
    const gradGrid = randomTensor([3, 40, 50, 2], 4);
    const thetas = await Promise.all([0, 1, 2].map(() => sampler.affineGridBackward(gradGrid, [3, 1, 40, 50])));
    for (const theta of thetas.slice(1)) expect(theta.data).toEqual(thetas[0].data);
  });

  it('returns zero gradients for empty outputs, and writes them when encoded', async () => {
    // C = 0: gradGrid is all zeros; an output size of 0: gradInput is all zeros
    const noChannels = await sampler.gridSampleBackward(
      randomTensor([1, 0, 2, 3], 1),
      randomTensor([1, 0, 4, 4], 1),
      randomTensor([1, 2, 3, 2], 2),
    );
    expect(noChannels.gradGrid).toEqual({ data: new Float32Array(12), shape: [1, 2, 3, 2] });
    expect(noChannels.gradInput.data.length).toBe(0);
    const noPoints = await sampler.gridSampleBackward(
      randomTensor([1, 2, 0, 3], 1),
      randomTensor([1, 2, 4, 4], 1),
      randomTensor([1, 0, 3, 2], 1),
    );
    expect(noPoints.gradInput).toEqual({ data: new Float32Array(32), shape: [1, 2, 4, 4] });

    // encoded, the empty tensors bind placeholders and the kernel still writes gradGrid's zeros
    const gradGrid = dirty(12);
    const gradInput = dirty(0);
    const empty = storageBuffer(gpu, new Float32Array(1));
    const encoder = gpu.createCommandEncoder();
    sampler.encodeGridSampleBackward(encoder, {
      gradOutput: empty,
      input: empty,
      inputShape: [1, 0, 4, 4],
      grid: storageBuffer(gpu, randomTensor([1, 2, 3, 2], 2).data),
      gridShape: [1, 2, 3, 2],
      gradInput,
      gradGrid,
    });
    gpu.queue.submit([encoder.finish()]);
    expect(await readBuffer(gpu, gradGrid, 12)).toEqual(new Float32Array(12));
  });

  it('folds dispatches above maxComputeWorkgroupsPerDimension into 2-D', async () => {
    // 1 x 1030 x 4100 points = 66,004 workgroups of 64 > 65,535; gradGrid only (no scatter)
    const big = { input: randomTensor([1, 1, 8, 8], 5), grid: randomTensor([1, 1030, 4100, 2], 6, -1.1, 1.1) };
    const bigGradOutput = randomTensor([1, 1, 1030, 4100], 7);
    expect(Math.ceil((1030 * 4100) / 64)).toBeGreaterThan(gpu.limits.maxComputeWorkgroupsPerDimension);
    const gradGrid = gpu.createBuffer({ size: big.grid.data.byteLength, usage: usage() });
    const buffers = [
      storageBuffer(gpu, bigGradOutput.data),
      storageBuffer(gpu, big.input.data),
      storageBuffer(gpu, big.grid.data),
    ];
    const encoder = gpu.createCommandEncoder();
    sampler.encodeGridSampleBackward(encoder, {
      gradOutput: buffers[0],
      input: buffers[1],
      inputShape: big.input.shape,
      grid: buffers[2],
      gridShape: big.grid.shape,
      gradGrid,
    });
    gpu.queue.submit([encoder.finish()]);
    const data = await readBuffer(gpu, gradGrid, big.grid.data.length);
    const cpu = gridSampleBackwardCpu(bigGradOutput, big.input, big.grid);
    const scale = gradGridScale(bigGradOutput, big.input, big.grid, {}, cpu.gradGrid);
    expectClose({ data, shape: big.grid.shape }, cpu.gradGrid, TOLERANCE.backward, 'gradGrid', { scale });
    for (const b of [gradGrid, ...buffers]) b.destroy();
  });

  it('reduces affine_grid gradients over many chunks and many batch items', async () => {
    for (const [gradGrid, size] of [
      [randomTensor([1, 300, 400, 2], 10), [1, 1, 300, 400]], // 469 chunks of 256 points
      [randomTensor([5000, 1, 3, 2], 11), [5000, 1, 1, 3]],
      [randomTensor([2, 9, 10, 11, 3], 12), [2, 1, 9, 10, 11]],
    ] as const) {
      const expectedTheta = affineGridBackwardCpu(gradGrid, size);
      expectClose(await sampler.affineGridBackward(gradGrid, size), expectedTheta, TOLERANCE.affineBackward);
    }
  });

  it('compiles each variant once and allocates no buffers for repeated same-shaped calls', async () => {
    await sampler.gridSampleBackward(gradOutput, input, grid, options);
    await sampler.affineGridBackward(randomTensor([2, 4, 7, 2], 9), [2, 3, 4, 7]);
    const after = sampler.stats;
    for (let i = 0; i < 10; i++) {
      await sampler.gridSampleBackward(gradOutput, input, grid, options);
      await sampler.affineGridBackward(randomTensor([2, 4, 7, 2], 9), [2, 3, 4, 7]);
    }
    expect(sampler.stats).toEqual(after);
  });

  it('checks the buffers given to the encode methods', () => {
    const b = (elements: number, flags = usage()) => gpu.createBuffer({ size: elements * 4, usage: flags });
    const args = {
      gradOutput: b(8),
      input: b(18),
      inputShape: [1, 2, 3, 3],
      grid: b(8),
      gridShape: [1, 2, 2, 2],
    };
    const noCopyDst = b(18, GPUBufferUsage.STORAGE);
    const encoder = gpu.createCommandEncoder();
    const cases: [() => void, RegExp][] = [
      [() => sampler.encodeGridSampleBackward(encoder, args), /give gradInput, gradGrid or both/],
      [
        () => sampler.encodeGridSampleBackward(encoder, { ...args, gradInput: noCopyDst }),
        /gradInput buffer needs GPUBufferUsage.COPY_DST/,
      ],
      [
        () => sampler.encodeGridSampleBackward(encoder, { ...args, gradGrid: b(4) }),
        /gradGrid buffer has 16 bytes but its shape needs 8 float32 values/,
      ],
      [
        () => sampler.encodeGridSampleBackward(encoder, { ...args, gradOutput: b(7), gradGrid: b(8) }),
        /gradOutput buffer has 28 bytes/,
      ],
      [
        () => sampler.encodeAffineGridBackward(encoder, { gradGrid: b(8), size: [1, 1, 2, 2], gradTheta: b(5) }),
        /gradTheta buffer has 20 bytes but its shape needs 6/,
      ],
      [
        () => sampler.encodeAffineGridBackward(encoder, { gradGrid: b(7), size: [1, 1, 2, 2], gradTheta: b(6) }),
        /gradGrid buffer has 28 bytes/,
      ],
    ];
    for (const [call, message] of cases) expect(call).toThrow(message);
    encoder.finish();
  });

  it('checks Tensor arguments and shapes before any GPU work', async () => {
    const wrongShape: Tensor = { data: new Float32Array(12), shape: [2, 3, 2, 1] };
    await expect(sampler.gridSampleBackward(wrongShape, input, grid)).rejects.toThrow(
      /gradOutput must have the shape of grid_sample\(input, grid\), \[2, 3, 4, 7\]/,
    );
    await expect(sampler.affineGridBackward(wrongShape, [2, 1, 3, 3])).rejects.toThrow(
      /gradGrid must have the shape of affine_grid\(theta, size\), \[2, 3, 3, 2\]/,
    );
  });

  it('runs the README backward example and matches PyTorch', async () => {
    const { readmeBackwardExample } = await import('../helpers/readme-backward-example.js');
    const golden = transformerCases.find((c) => c.name === 'README example');
    if (!golden) throw new Error('the README example golden is missing: run scripts/make_golden.py');
    const { gradTheta, gradInput } = await readmeBackwardExample(sampler);
    expectClose(gradTheta, golden.expectedGradTheta, TOLERANCE.affineBackward, 'gradTheta');
    const grid = affineGridCpu(golden.theta, golden.gradOutput.shape);
    const scale = gradInputScale(golden.gradOutput, golden.input, grid, golden.options, golden.expectedGradInput);
    expectClose(gradInput, golden.expectedGradInput, TOLERANCE.backward, 'gradInput', { scale });
  });

  it('throws on use after destroy()', async () => {
    const own = await GridSampler.create({ device: gpu });
    own.destroy();
    await expect(own.gridSampleBackward(gradOutput, input, grid)).rejects.toThrow(/sampler was destroyed/);
    await expect(own.affineGridBackward(randomTensor([1, 2, 2, 2], 1), [1, 1, 2, 2])).rejects.toThrow(
      /sampler was destroyed/,
    );
  });
});
