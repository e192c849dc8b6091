// Property test: the GPU backward equals the CPU backward on random shapes, options and grids (NaN,
// ±Infinity, -0, denormals and huge values included), and on crowded grids where many points land on
// the same input pixels, so the atomic scatter of gradInput runs under contention.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { gridSampleBackwardCpu, type Mode, type PaddingMode, type Tensor } from '../../src/index.js';
import { fuzzParameters } from '../helpers/fuzz.js';
import { createTestDevice, useTestSampler } from '../helpers/gpu.js';
import { gradientScales } from '../helpers/gradient-scale.js';
import { randomTensor } from '../helpers/random.js';
import { expectClose, TOLERANCE } from '../helpers/tolerance.js';

const device = await createTestDevice();

const gridValue = fc.oneof(
  { weight: 6, arbitrary: fc.double({ min: -1.3, max: 1.3, noNaN: true }).map(Math.fround) },
  { weight: 2, arbitrary: fc.double({ min: -60, max: 60, noNaN: true }).map(Math.fround) },
  { weight: 2, arbitrary: fc.float() }, // NaN, ±Infinity, -0, denormals, ±3.4e38
  { weight: 1, arbitrary: fc.constantFrom(-1, 1, 0, -0.5, 0.5, 1e30, -1e30) },
);

const count = (s: number[]) => s.reduce((a, b) => a * b, 1);
const tensorOf = (shape: number[], arb: fc.Arbitrary<number>) =>
  fc
    .array(arb, { minLength: count(shape), maxLength: count(shape) })
    .map((v) => ({ data: Float32Array.from(v), shape }));
const value = (bound: number) => fc.float({ min: Math.fround(-bound), max: Math.fround(bound), noNaN: true });

const caseArb = fc
  .record({
    dims: fc.constantFrom(2, 3),
    mode: fc.constantFrom<Mode>('bilinear', 'nearest', 'bicubic'),
    paddingMode: fc.constantFrom<PaddingMode>('zeros', 'border', 'reflection'),
    alignCorners: fc.boolean(),
    crowded: fc.boolean(),
    n: fc.integer({ min: 1, max: 2 }),
    c: fc.integer({ min: 1, max: 4 }),
    inSize: fc.array(fc.integer({ min: 1, max: 7 }), { minLength: 3, maxLength: 3 }),
    outSize: fc.array(fc.integer({ min: 1, max: 5 }), { minLength: 3, maxLength: 3 }),
  })
  .filter((c) => !(c.dims === 3 && c.mode === 'bicubic'))
  .chain((c) => {
    // crowded: tiny inputs, more points, all within 0.02 of one point
    const inSize = c.crowded ? c.inSize.map((s) => 1 + (s % 3)) : c.inSize;
    const outSize = c.crowded ? c.outSize.map((s) => 4 * s) : c.outSize;
    const inputShape = [c.n, c.c, ...inSize.slice(3 - c.dims)];
    const gridShape = [c.n, ...outSize.slice(3 - c.dims), c.dims];
    const outputShape = [c.n, c.c, ...outSize.slice(3 - c.dims)];
    const grid = c.crowded
      ? fc
          .tuple(fc.array(value(1.2), { minLength: c.dims, maxLength: c.dims }), tensorOf(gridShape, value(0.02)))
          .map(([centre, t]) => ({ data: t.data.map((v, i) => v + centre[i % c.dims]), shape: t.shape }))
      : tensorOf(gridShape, gridValue);
    return fc.record({
      options: fc.constant({ mode: c.mode, paddingMode: c.paddingMode, alignCorners: c.alignCorners }),
      input: tensorOf(inputShape, value(10)),
      grid,
      gradOutput: tensorOf(outputShape, value(1)),
    });
  });

describe.skipIf(!device)('GPU backward equals the CPU backward', async () => {
  const gpu = device as GPUDevice;
  const sampler = await useTestSampler(gpu);

  it('random shapes, options and grids, crowded ones included', async () => {
    await fc.assert(
      fc.asyncProperty(caseArb, async ({ gradOutput, input, grid, options }) => {
        const expected = gridSampleBackwardCpu(gradOutput, input, grid, options);
        const out = await sampler.gridSampleBackward(gradOutput, input, grid, options);
        const label = JSON.stringify(options);
        const scales = gradientScales(gradOutput, input, grid, options, expected);
        expectClose(out.gradInput, expected.gradInput, TOLERANCE.backward, `${label} gradInput`, scales.gradInput);
        expectClose(out.gradGrid, expected.gradGrid, TOLERANCE.backward, `${label} gradGrid`, scales.gradGrid);
      }),
      fuzzParameters({ numRuns: 200, perRunMs: 10_000, budgetMs: 100_000 }),
    );
  }, 120_000); // above the property's 100 s budget (fuzz.ts)

  // Every point of a 128 x 128 grid on the same spot of a 2 x 2 (2 x 2 x 2) input: 16,384 points add
  // into each of the 4 (8) pixels per channel at once.
  it.each([
    ['2-D bilinear', [1, 3, 2, 2], [1, 128, 128, 2], 'bilinear'],
    ['2-D bicubic', [1, 2, 2, 2], [1, 128, 128, 2], 'bicubic'],
    ['2-D nearest', [1, 3, 2, 2], [1, 128, 128, 2], 'nearest'],
    ['3-D trilinear', [1, 2, 2, 2, 2], [1, 4, 64, 64, 3], 'bilinear'],
    ['3-D nearest', [1, 2, 2, 2, 2], [1, 4, 64, 64, 3], 'nearest'],
  ] as const)('heavy contention: %s', async (_, inputShape, gridShape, mode) => {
    const input = randomTensor([...inputShape], 1);
    const grid: Tensor = { data: new Float32Array(count([...gridShape])).fill(0.1), shape: gridShape };
    const gradOutput = randomTensor([inputShape[0], inputShape[1], ...gridShape.slice(1, -1)], 2);
    const options = { mode, paddingMode: 'border' } as const;
    const expected = gridSampleBackwardCpu(gradOutput, input, grid, options);
    const out = await sampler.gridSampleBackward(gradOutput, input, grid, options);
    expect(Math.max(...expected.gradInput.data.map(Math.abs))).toBeGreaterThan(10); // many adds landed
    // thousands of adds per pixel in any order: the error scales with the sum of |terms| (gradInputScale);
    // losing one add of |grad_output| 0.1 goes 8x beyond the bound (test/gpu/negative-controls.test.ts)
    const scales = gradientScales(gradOutput, input, grid, options, expected);
    expectClose(out.gradInput, expected.gradInput, TOLERANCE.scatter, 'gradInput', scales.gradInput);
    expectClose(out.gradGrid, expected.gradGrid, TOLERANCE.backward, 'gradGrid', scales.gradGrid);
  });
});
