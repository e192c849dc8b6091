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

const location = fc.oneof(
  { weight: 8, arbitrary: fc.double({ min: -0.3, max: 1.3, noNaN: true }).map(Math.fround) },
  { weight: 2, arbitrary: fc.constantFrom(0, 1, 0.5, 0.25, 1 / 3, -0, -1e-8, 1 + 1e-7) },
  { weight: 1, arbitrary: fc.double({ min: -40, max: 40, noNaN: true }).map(Math.fround) },
  { weight: 1, arbitrary: fc.float() }, // NaN, ±Infinity, -0, denormals, ±3.4e38: all sample nothing or 0
);

const level = fc.oneof(
  { weight: 3, arbitrary: fc.tuple(fc.integer({ min: 1, max: 12 }), fc.integer({ min: 1, max: 12 })) },
  { weight: 1, arbitrary: fc.constantFrom<[number, number]>([1, 1], [1, 7], [5, 1]) },
);

/** Random shapes, locations, and values and weights drawn from `item`. */
const cases = (item: fc.Arbitrary<number>, weight: fc.Arbitrary<number>) =>
  fc
    .record({
      bs: fc.integer({ min: 1, max: 2 }),
      nq: fc.integer({ min: 1, max: 4 }),
      heads: fc.integer({ min: 1, max: 8 }),
      d: fc.integer({ min: 1, max: 33 }),
      levels: fc.array(level, { minLength: 1, maxLength: 4 }),
      points: fc.integer({ min: 1, max: 4 }),
    })
    .chain(({ bs, nq, heads, d, levels, points }) => {
      const s = levels.reduce((sum, [h, w]) => sum + h * w, 0);
      const tensor = (shape: number[], item: fc.Arbitrary<number>) => {
        const count = shape.reduce((a, b) => a * b, 1);
        return fc
          .array(item, { minLength: count, maxLength: count })
          .map((v) => ({ data: Float32Array.from(v), shape }));
      };
      return fc.record({
        levels: fc.constant(levels),
        points: fc.constant(points),
        value: tensor([bs, s, heads, d], item),
        locations: tensor([bs, nq, heads, levels.length, points, 2], location),
        weights: tensor([bs, nq, heads, levels.length, points], weight),
      });
    });

const caseArb = cases(fc.float({ min: -100, max: 100, noNaN: true }), fc.float({ min: -1, max: 1, noNaN: true }));

describe('msDeformAttnCpu equals a sum of gridSampleCpu calls (the PyTorch formulation)', () => {
  it(`random shapes, locations and weights (seed ${seed}; replay with FC_SEED=${seed})`, () => {
    console.log(`fast-check seed ${seed}`);
    fc.assert(
      fc.property(caseArb, ({ levels, points, value, locations, weights }) => {
        const out = msDeformAttnCpu(value, levels, locations, weights);
        const naive = msDeformAttnNaive(value, levels, locations, weights);
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
  const anything = cases(fc.float(), fc.float());
  it(`random shapes, values, locations and weights (seed ${seed}; replay with FC_SEED=${seed})`, () => {
    fc.assert(
      fc.property(fc.oneof(caseArb, anything), ({ levels, value, locations, weights }) => {
        const wasm = msDeformAttnOn('wasm-simd', value, levels, locations, weights);
        const typescript = msDeformAttnOn('typescript', value, levels, locations, weights);
        expect(firstBitDifference(wasm.data, typescript.data)).toBe(-1);
      }),
      { seed, numRuns: 300 },
    );
  });
});
