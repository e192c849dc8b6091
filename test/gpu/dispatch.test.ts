// Dispatch shapes at the kernel's real workgroup size: more than maxComputeWorkgroupsPerDimension
// workgroups fold into y, and more batches than that limit still sample every batch.
import { describe, expect, it } from 'vitest';
import { WORKGROUP_SIZE } from '../../src/gpu/kernel.js';
import { gridSampleCpu } from '../../src/index.js';
import { createTestDevice, useTestSampler } from '../helpers/gpu.js';
import { randomTensor } from '../helpers/random.js';
import { expectClose, TOLERANCE } from '../helpers/tolerance.js';

const device = await createTestDevice();

describe.skipIf(!device)('dispatch folding at WORKGROUP_SIZE', async () => {
  const gpu = device as GPUDevice;
  const sampler = await useTestSampler(gpu);

  it('samples every point of a grid that needs more than maxComputeWorkgroupsPerDimension workgroups', async () => {
    const max = gpu.limits.maxComputeWorkgroupsPerDimension;
    const width = 4096;
    const height = Math.ceil((max * WORKGROUP_SIZE + 1000) / width);
    expect(Math.ceil((height * width) / WORKGROUP_SIZE)).toBeGreaterThan(max);
    const input = randomTensor([1, 1, 6, 7], 31);
    const grid = randomTensor([1, height, width, 2], 32, -1.1, 1.1);
    const out = await sampler.gridSample(input, grid);
    const expected = gridSampleCpu(input, grid);
    expectClose(out, expected, TOLERANCE.forward);
  });

  it('samples every batch when there are more batches than maxComputeWorkgroupsPerDimension', async () => {
    const n = gpu.limits.maxComputeWorkgroupsPerDimension + 7;
    for (const dims of [2, 3] as const) {
      const input = randomTensor(dims === 2 ? [n, 2, 2, 3] : [n, 2, 2, 2, 3], 33);
      const grid = randomTensor(dims === 2 ? [n, 1, 2, 2] : [n, 1, 1, 2, 3], 34, -1.1, 1.1);
      const out = await sampler.gridSample(input, grid);
      const expected = gridSampleCpu(input, grid);
      expectClose(out, expected, TOLERANCE.forward, `${dims}-D`);
    }
  });
});
