// Property test: msDeformAttnCpu equals PyTorch's formulation written as a sum of our own grid_sample
// reference calls (test/helpers/ms-deform-attn-naive.ts) on random shapes, locations and weights.
//
// The two differ only in rounding: msDeformAttnCpu fuses the multiply-adds of PyTorch's AVX2 kernel
// (gridSampleCpu does not) and adds the terms in PyTorch's float32 order (the naive sum is exact), so
// per output element the bound is u * M * sum|a| * K with u = 2^-24, M = max|value|, sum|a| the
// element's attention weight mass and K = n + 8 (H + W) + 20 (n = L * P terms; H + W from the
// one-ulp coordinate differences, whose effect grows with the pixel coordinate). The worst measured
// over 400 random cases with levels up to 200 x 200 was 1.1 * (n + H + W) units; the tolerance is
// 4 * (n + H + W) units, between the two.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { msDeformAttnOn } from '../../src/cpu/ms-deform-attn.js';
import { msDeformAttnCpu, type Tensor } from '../../src/index.js';
import { msDeformAttnNaive } from '../helpers/ms-deform-attn-naive.js';
import { msdaCallArb, msdaCalls } from '../helpers/msda.js';
import { firstBitDifference } from '../wasm/bits.js';

const seed = Number(process.env.FC_SEED ?? Date.now() % 2 ** 31);
const U = 2 ** -24;

/** Largest |actual - expected| / tolerance over the elements (NaN wherever exactly one side is NaN). */
function worstRatio(
  actual: Tensor,
  expected: Tensor,
  weightMass: Float64Array,
  value: Tensor,
  levels: readonly (readonly [number, number])[],
  points: number,
): number {
  let peak = 0;
  for (const v of value.data) peak = Math.max(peak, Math.abs(v));
  const k = 4 * (levels.length * points + Math.max(...levels.map(([h, w]) => h + w)));
  let worst = 0;
  for (let i = 0; i < actual.data.length; i++) {
    const a = actual.data[i];
    const e = expected.data[i];
    if (Number.isNaN(a) !== Number.isNaN(e)) return Number.NaN;
    if (a === e || Number.isNaN(a)) continue;
    worst = Math.max(worst, Math.abs(a - e) / (U * peak * weightMass[i] * k));
  }
  return worst;
}

describe('msDeformAttnCpu equals a sum of gridSampleCpu calls (the PyTorch formulation)', () => {
  it(`random shapes, locations and weights (seed ${seed}; replay with FC_SEED=${seed})`, () => {
    console.log(`fast-check seed ${seed}`);
    fc.assert(
      fc.property(msdaCallArb, ({ value, spatialShapes: levels, samplingLocations, attentionWeights }) => {
        const out = msDeformAttnCpu(value, levels, samplingLocations, attentionWeights);
        const naive = msDeformAttnNaive(value, levels, samplingLocations, attentionWeights);
        const points = samplingLocations.shape[4];
        expect(out.shape).toEqual(naive.output.shape);
        expect(worstRatio(out, naive.output, naive.weightMass, value, levels, points)).toBeLessThanOrEqual(1);
      }),
      { seed, numRuns: 200 },
    );
  });

  it('catches a location off by 1/1000 pixel (negative control)', () => {
    // value = the x pixel index on a 16 x 16 level: the output moves by weight * shift
    const levels: [number, number][] = [[16, 16]];
    const value = { data: Float32Array.from({ length: 256 }, (_, i) => i % 16), shape: [1, 256, 1, 1] };
    const locations = { data: Float32Array.of(0.4, 0.6), shape: [1, 1, 1, 1, 1, 2] };
    const weights = { data: Float32Array.of(1), shape: [1, 1, 1, 1, 1] };
    const naive = msDeformAttnNaive(value, levels, locations, weights);
    const exact = msDeformAttnCpu(value, levels, locations, weights);
    expect(worstRatio(exact, naive.output, naive.weightMass, value, levels, 1)).toBeLessThanOrEqual(1);
    const shifted = { data: Float32Array.of(0.4 + 0.001 / 16, 0.6), shape: locations.shape };
    const off = msDeformAttnCpu(value, levels, shifted, weights);
    expect(worstRatio(off, naive.output, naive.weightMass, value, levels, 1)).toBeGreaterThan(1);
  });
});

describe('the wasm kernel of msDeformAttnCpu equals its TypeScript kernel bit for bit', () => {
  // any float32 values and weights, NaN and ±Infinity included: the taps outside a level must read 0
  // without touching the value there, as the TypeScript kernel does
  const anything = msdaCalls(fc.float(), fc.float());
  it(`random shapes, values, locations and weights (seed ${seed}; replay with FC_SEED=${seed})`, () => {
    fc.assert(
      fc.property(fc.oneof(msdaCallArb, anything), ({ value, spatialShapes, samplingLocations, attentionWeights }) => {
        const wasm = msDeformAttnOn('wasm-simd', value, spatialShapes, samplingLocations, attentionWeights);
        const typescript = msDeformAttnOn('typescript', value, spatialShapes, samplingLocations, attentionWeights);
        expect(firstBitDifference(wasm.data, typescript.data)).toBe(-1);
      }),
      { seed, numRuns: 300 },
    );
  });
});
