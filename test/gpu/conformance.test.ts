// WebGPU (the Tensor API: GridSampler.gridSample, affineGrid, gridSampleBackward) against peers'
// conformance cases, each within its own tolerance; see test/cpu/conformance.test.ts.
import { afterAll, describe, expect, it } from 'vitest';
import {
  ConformanceReport,
  conformanceAvailable,
  conformanceCases,
  conformanceFileCount,
  conformanceOnGpu,
  expectedOf,
  MIN_CONFORMANCE_CASES,
} from '../helpers/conformance.js';
import { createTestDevice, useTestSampler } from '../helpers/gpu.js';
import { describeComparison } from '../helpers/tolerance.js';

const device = await createTestDevice();
const report = new ConformanceReport();

describe.skipIf(!device || !conformanceAvailable)("GridSampler on WebGPU against peers' cases", async () => {
  const sampler = await useTestSampler(device as GPUDevice);
  afterAll(() => console.log(report.lines('gpu').join('\n')));

  it('registers every case of the file, at least 117', () => {
    expect(conformanceCases).toHaveLength(conformanceFileCount);
    expect(conformanceCases.length).toBeGreaterThanOrEqual(MIN_CONFORMANCE_CASES);
  });

  it.each(conformanceCases.map((c) => [`${c.source} ${c.name}`, c] as const))('%s', async (_, c) => {
    const out = await conformanceOnGpu(sampler, c);
    expect(out.shape).toEqual(expectedOf(c).shape);
    const result = report.add(c, out.data);
    expect(result.ok, describeComparison(result)).toBe(true);
  });
});
