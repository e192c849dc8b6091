// Property test: random shapes, options, layouts and grids (NaN, ±Infinity, -0, denormals, huge values
// included) give the same result on the GPU as on the CPU reference.
import fc from 'fast-check';
import { describe, it } from 'vitest';
import { gridSampleCpu, type Layout, type Mode, type PaddingMode } from '../../src/index.js';
import { fuzzParameters } from '../helpers/fuzz.js';
import { createTestDevice, useTestSampler } from '../helpers/gpu.js';
import { expectClose, forwardTolerance } from '../helpers/tolerance.js';

const device = await createTestDevice();

const gridValue = fc.oneof(
  { weight: 6, arbitrary: fc.double({ min: -1.3, max: 1.3, noNaN: true }).map(Math.fround) },
  { weight: 2, arbitrary: fc.double({ min: -60, max: 60, noNaN: true }).map(Math.fround) },
  { weight: 2, arbitrary: fc.float() }, // NaN, ±Infinity, -0, denormals, ±3.4e38
  { weight: 1, arbitrary: fc.constantFrom(-1, 1, 0, -0.5, 0.5, 1e30, -1e30) },
);

const caseArb = fc
  .record({
    dims: fc.constantFrom(2, 3),
    mode: fc.constantFrom<Mode>('bilinear', 'nearest', 'bicubic'),
    paddingMode: fc.constantFrom<PaddingMode>('zeros', 'border', 'reflection'),
    alignCorners: fc.boolean(),
    layout: fc.constantFrom<Layout>('nchw', 'nhwc'),
    n: fc.integer({ min: 1, max: 2 }),
    // up to 8: channels last, 4 and 8 take the vec4 kernels
    c: fc.integer({ min: 1, max: 8 }),
    inSize: fc.array(fc.integer({ min: 1, max: 7 }), { minLength: 3, maxLength: 3 }),
    outSize: fc.array(fc.integer({ min: 1, max: 5 }), { minLength: 3, maxLength: 3 }),
  })
  .filter((c) => !(c.dims === 3 && c.mode === 'bicubic'))
  .chain((c) => {
    const spatial = c.inSize.slice(3 - c.dims);
    const inputShape = c.layout === 'nhwc' ? [c.n, ...spatial, c.c] : [c.n, c.c, ...spatial];
    const gridShape = [c.n, ...c.outSize.slice(3 - c.dims), c.dims];
    const count = (s: number[]) => s.reduce((a, b) => a * b, 1);
    return fc.record({
      options: fc.constant({
        mode: c.mode,
        paddingMode: c.paddingMode,
        alignCorners: c.alignCorners,
        layout: c.layout,
      }),
      input: fc
        .array(fc.float({ min: -100, max: 100, noNaN: true }), {
          minLength: count(inputShape),
          maxLength: count(inputShape),
        })
        .map((v) => ({ data: Float32Array.from(v), shape: inputShape })),
      grid: fc
        .array(gridValue, { minLength: count(gridShape), maxLength: count(gridShape) })
        .map((v) => ({ data: Float32Array.from(v), shape: gridShape })),
    });
  });

describe.skipIf(!device)('GPU equals the CPU reference on random cases', async () => {
  const gpu = device as GPUDevice;
  const sampler = await useTestSampler(gpu);

  it('random shapes, options and grids', async () => {
    await fc.assert(
      fc.asyncProperty(caseArb, async ({ input, grid, options }) => {
        const expected = gridSampleCpu(input, grid, options);
        const out = await sampler.gridSample(input, grid, options);
        expectClose(out, expected, forwardTolerance(options.mode), JSON.stringify(options));
      }),
      fuzzParameters({ numRuns: 300, perRunMs: 10_000, budgetMs: 100_000 }),
    );
  }, 120_000); // above the property's 100 s budget (fuzz.ts)
});
