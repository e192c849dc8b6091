import { describe, expect, it } from 'vitest';
import { GOLDEN_COUNTS } from '../helpers/counts.js';
import { affineCases, goldenTorchVersion, sampleCases } from '../helpers/golden.js';
import { createTestDevice, readBuffer, storageBuffer, useTestSampler } from '../helpers/gpu.js';
import { expectClose, forwardTolerance, TOLERANCE } from '../helpers/tolerance.js';

const device = await createTestDevice();

describe.skipIf(!device)(`GridSampler on WebGPU against PyTorch ${goldenTorchVersion} goldens`, async () => {
  const gpu = device as GPUDevice;
  const sampler = await useTestSampler(gpu);

  it.each(sampleCases.map((c) => [c.name, c] as const))('gridSample %s', async (_, c) => {
    const out = await sampler.gridSample(c.input, c.grid, c.options);
    expectClose(out, c.expected, forwardTolerance(c.options.mode), c.name);
  });

  it.each(affineCases.map((c) => [c.name, c] as const))('affineGrid %s', async (_, c) => {
    const out = await sampler.affineGrid(c.theta, c.size, c.options);
    expectClose(out, c.expected, TOLERANCE.affine, c.name);
  });

  // The GPU-resident path on the caller's buffers and encoder, for one case per dimensionality and mode.
  const resident = sampleCases.filter((c) => c.name.endsWith(' random') && c.options.paddingMode === 'reflection');
  it('picks one random golden per dimensionality, mode and alignCorners for encodeGridSample', () => {
    expect(resident).toHaveLength(GOLDEN_COUNTS.randomReflection);
  });
  it.each(resident.map((c) => [c.name, c] as const))('encodeGridSample %s', async (_, c) => {
    const input = storageBuffer(gpu, c.input.data);
    const grid = storageBuffer(gpu, c.grid.data);
    const output = gpu.createBuffer({
      size: c.expected.data.byteLength,
      usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC,
    });
    const encoder = gpu.createCommandEncoder();
    sampler.encodeGridSample(
      encoder,
      { input, inputShape: c.input.shape, grid, gridShape: c.grid.shape, output },
      c.options,
    );
    gpu.queue.submit([encoder.finish()]);
    const data = await readBuffer(gpu, output, c.expected.data.length);
    expectClose({ data, shape: c.expected.shape }, c.expected, forwardTolerance(c.options.mode), c.name);
    for (const b of [input, grid, output]) b.destroy();
  });
});
