// Property test: msDeformAttn on the GPU (both APIs) equals msDeformAttnCpu on random calls (1-4 levels
// with size-1 ones, 1-4 points, heads 1-8, d 1-33 so both kernels and partial channel blocks run,
// locations outside [0, 1], NaN, ±Infinity and huge), within TOLERANCE.msda per element in units of
// the size of its terms (msdaTermScale): signed weights and values cancel, so the output's own peak
// would say nothing about the rounding of the terms.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { msDeformAttnCpu } from '../../src/index.js';
import { fuzzParameters } from '../helpers/fuzz.js';
import { createTestDevice, useTestSampler } from '../helpers/gpu.js';
import { encodeMsda, msdaCallArb, msdaTermScale } from '../helpers/msda.js';
import { compare, expectClose, TOLERANCE } from '../helpers/tolerance.js';

const device = await createTestDevice();

describe.skipIf(!device)('msDeformAttn on the GPU equals msDeformAttnCpu on random calls', async () => {
  const sampler = await useTestSampler(device as GPUDevice);
  let worst = 0;

  it('random shapes, locations and weights, through msDeformAttn and encodeMsDeformAttn', async () => {
    await fc.assert(
      fc.asyncProperty(msdaCallArb, async (call) => {
        const { value, spatialShapes, samplingLocations, attentionWeights } = call;
        const expected = msDeformAttnCpu(value, spatialShapes, samplingLocations, attentionWeights);
        const scale = msdaTermScale(call);
        const tensor = await sampler.msDeformAttn(value, spatialShapes, samplingLocations, attentionWeights);
        expectClose(tensor, expected, TOLERANCE.msda, 'msDeformAttn', { scale });
        expectClose(await encodeMsda(sampler, call), expected, TOLERANCE.msda, 'encodeMsDeformAttn', { scale });
        worst = Math.max(worst, compare(tensor.data, expected.data, TOLERANCE.msda, { scale }).scaledError);
      }),
      fuzzParameters({ numRuns: 300, perRunMs: 10_000, budgetMs: 100_000 }),
    );
    console.log(`msDeformAttn GPU vs CPU: worst ${worst.toExponential(2)} x the size of the terms`);
  }, 120_000); // above the property's 100 s budget (fuzz.ts)

  it('catches a location off by 1/1000 pixel (negative control)', async () => {
    // value = the x pixel index on a 16 x 16 level: the output moves by weight * shift
    const spatialShapes: [number, number][] = [[16, 16]];
    const value = { data: Float32Array.from({ length: 256 }, (_, i) => i % 16), shape: [1, 256, 1, 1] };
    const attentionWeights = { data: Float32Array.of(1), shape: [1, 1, 1, 1, 1] };
    const at = (x: number) => ({ data: Float32Array.of(x, 0.6), shape: [1, 1, 1, 1, 1, 2] });
    const call = { value, spatialShapes, samplingLocations: at(0.4), attentionWeights };
    const expected = msDeformAttnCpu(value, spatialShapes, call.samplingLocations, attentionWeights);
    const scale = msdaTermScale(call);
    const good = await sampler.msDeformAttn(value, spatialShapes, at(0.4), attentionWeights);
    expectClose(good, expected, TOLERANCE.msda, 'unchanged', { scale });
    const off = await sampler.msDeformAttn(value, spatialShapes, at(0.4 + 0.001 / 16), attentionWeights);
    expect(compare(off.data, expected.data, TOLERANCE.msda, { scale }).ok).toBe(false);
  });
});
