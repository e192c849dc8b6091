import { describe, it } from 'vitest';
import { expectTensorClose, toleranceFor } from '../helpers/compare.js';
import { affineCases, goldenTorchVersion, sampleCases } from '../helpers/golden.js';
import { createTestDevice, readBuffer, storageBuffer, useTestSampler } from '../helpers/gpu.js';

const device = await createTestDevice();

describe.skipIf(!device)(`GridSampler on WebGPU against PyTorch ${goldenTorchVersion} goldens`, async () => {
  const gpu = device as GPUDevice;
  const sampler = await useTestSampler(gpu);

  it.each(sampleCases.map((c) => [c.name, c] as const))('gridSample %s', async (_, c) => {
    const out = await sampler.gridSample(c.input, c.grid, c.options);
    expectTensorClose(out, c.expected, toleranceFor(c.options.mode, c.expected.data), c.name);
  });

  it.each(affineCases.map((c) => [c.name, c] as const))('affineGrid %s', async (_, c) => {
    const out = await sampler.affineGrid(c.theta, c.size, c.options);
    expectTensorClose(out, c.expected, toleranceFor('bilinear', c.expected.data), c.name);
  });

  // The GPU-resident path on the caller's buffers and encoder, for one case per dimensionality and mode.
  const resident = sampleCases.filter((c) => c.name.endsWith(' random') && c.options.paddingMode === 'reflection');
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
    expectTensorClose(
      { data, shape: c.expected.shape },
      c.expected,
      toleranceFor(c.options.mode, c.expected.data),
      c.name,
    );
    for (const b of [input, grid, output]) b.destroy();
  });
});
