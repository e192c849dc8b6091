// Property: on random shapes (size-1 and empty dimensions included), options and grids full of
// NaN, ±Infinity, -0, huge values and exact half-pixel ties, the wasm backend returns gridSampleCpu's
// result bit for bit, on 1 and 2 threads. Replay a failure with FC_SEED=<seed>.
import fc from 'fast-check';
import { afterAll, describe, it } from 'vitest';
import { type GridSampleOptions, gridSampleCpu, type Tensor, WasmSampler } from '../../src/index.js';
import { fuzzParameters, fuzzSeed } from '../helpers/fuzz.js';
import { randomTensor } from '../helpers/random.js';
import { expectSameBits } from './bits.js';

const seed = fuzzSeed;
const samplers = await Promise.all([WasmSampler.create({ threads: 1 }), WasmSampler.create({ threads: 2 })]);
afterAll(() => {
  for (const s of samplers) s.destroy();
});

const SPECIAL = [Number.NaN, Infinity, -Infinity, -0, 0, 1e30, -1e30, 1, -1, 0.5, -0.5, 1.0000001, 2 ** 24];

const caseArb = fc
  .record({
    dims: fc.constantFrom(2, 3),
    mode: fc.constantFrom('bilinear', 'nearest', 'bicubic'),
    paddingMode: fc.constantFrom('zeros', 'border', 'reflection'),
    alignCorners: fc.boolean(),
    layout: fc.constantFrom('nchw', 'nhwc'),
    n: fc.integer({ min: 0, max: 5 }), // from 4 on, 2 threads take whole batch items
    c: fc.integer({ min: 0, max: 9 }),
    inSize: fc.array(fc.integer({ min: 1, max: 9 }), { minLength: 3, maxLength: 3 }),
    outSize: fc.array(fc.integer({ min: 0, max: 9 }), { minLength: 3, maxLength: 3 }),
    spread: fc.constantFrom(1, 1.2, 3),
    specials: fc.array(fc.tuple(fc.nat(), fc.constantFrom(...SPECIAL)), { maxLength: 12 }),
    data: fc.nat(),
  })
  .map((r) => {
    const dims = r.dims as 2 | 3;
    const mode = dims === 3 && r.mode === 'bicubic' ? 'bilinear' : r.mode;
    const spatial = r.inSize.slice(3 - dims);
    const inputShape = r.layout === 'nchw' ? [r.n, r.c, ...spatial] : [r.n, ...spatial, r.c];
    const input = randomTensor(inputShape, r.data, -2, 2);
    const grid = randomTensor([r.n, ...r.outSize.slice(3 - dims), dims], r.data + 1, -r.spread, r.spread);
    for (const [at, value] of r.specials) if (grid.data.length > 0) grid.data[at % grid.data.length] = value;
    // a few inputs too: the products of NaN, ±Infinity and -0 must round alike
    for (const [at, value] of r.specials.slice(0, 3))
      if (input.data.length > 0) input.data[at % input.data.length] = value;
    const options: GridSampleOptions = {
      mode,
      paddingMode: r.paddingMode,
      alignCorners: r.alignCorners,
      layout: r.layout,
    };
    return { input, grid, options } as { input: Tensor; grid: Tensor; options: GridSampleOptions };
  });

describe(`wasm backend = gridSampleCpu on random cases (fast-check seed ${seed}; replay with FC_SEED=${seed})`, () => {
  console.log(`fast-check seed ${seed}`);
  it('matches bit for bit on 1 and 2 threads', async () => {
    await fc.assert(
      fc.asyncProperty(caseArb, async ({ input, grid, options }) => {
        const expected = gridSampleCpu(input, grid, options);
        for (const sampler of samplers) {
          const label = `${sampler.threads} thread(s), input [${input.shape}], grid [${grid.shape}], ${JSON.stringify(options)}`;
          expectSameBits(await sampler.gridSample(input, grid, options), expected, label);
        }
      }),
      // a call that hangs fails the property: 10 s each, 2 minutes in all (400 runs take ~2 s)
      fuzzParameters({ numRuns: 400, perRunMs: 10_000, budgetMs: 120_000 }),
    );
  });

  it('matches bit for bit where the work splits across threads, rounds, chunks and batch items', async () => {
    for (const [n, c, h, w, oh, ow] of [
      [3, 5, 17, 13, 11, 7],
      [2, 3, 40, 31, 9, 13],
      [5, 1, 6, 6, 3, 3],
      [2, 8, 12, 12, 37, 1],
      [5, 6, 9, 7, 5, 3], // whole batch items per thread, 3 and 2
      [8, 4, 3, 5, 2, 2],
      [1, 3, 64, 64, 100, 90], // rounds of points, each in many chunks the threads claim
      [9, 5, 16, 16, 20, 20], // rounds of batch items
      [1, 3, 300, 301, 50, 40], // one thread copies in and packs channels-first input in two stages
      [1, 5, 241, 247, 33, 29],
    ]) {
      for (const mode of ['bilinear', 'nearest', 'bicubic'] as const) {
        for (const layout of ['nchw', 'nhwc'] as const) {
          const input = randomTensor(layout === 'nchw' ? [n, c, h, w] : [n, h, w, c], n * c + h, -1, 1);
          const grid = randomTensor([n, oh, ow, 2], w * oh + ow, -1.2, 1.2);
          const options = { mode, paddingMode: 'reflection', layout } as const;
          const expected = gridSampleCpu(input, grid, options);
          for (const sampler of samplers) {
            expectSameBits(
              await sampler.gridSample(input, grid, options),
              expected,
              `${[n, c, h, w, oh, ow]} ${mode} ${layout}`,
            );
          }
        }
      }
    }
  });

  it('matches the sign of every zero: -0 inputs, and taps with weight 0 on negative values', async () => {
    // bilinear sums four products (-0 stays -0), trilinear adds its corners to +0 (-0 becomes +0)
    for (const dims of [2, 3] as const) {
      for (const mode of dims === 2
        ? (['bilinear', 'nearest', 'bicubic'] as const)
        : (['bilinear', 'nearest'] as const)) {
        const spatial = dims === 2 ? [3, 4] : [2, 3, 4];
        const negativeZeros = {
          data: new Float32Array(2 * 2 * spatial.reduce((a, b) => a * b)).fill(-0),
          shape: [2, 2, ...spatial],
        };
        const negatives = randomTensor([2, 2, ...spatial], 7, -2, -1);
        // on pixel centres (alignCorners: -1, 0, 1), exactly between them, and outside
        const values = [-1, 0, 1, -0.5, 0.5, -0, 1.5, -3];
        const gridShape = dims === 2 ? [2, 5, 3, 2] : [2, 1, 5, 3, 3];
        const count = gridShape.reduce((a, b) => a * b);
        const grid = {
          data: Float32Array.from({ length: count }, (_, i) => values[(i * 5 + (i >> 2)) % values.length]),
          shape: gridShape,
        };
        for (const input of [negativeZeros, negatives]) {
          for (const paddingMode of ['zeros', 'border', 'reflection'] as const) {
            for (const alignCorners of [true, false]) {
              const options = { mode, paddingMode, alignCorners };
              const expected = gridSampleCpu(input, grid, options);
              for (const sampler of samplers) {
                expectSameBits(
                  await sampler.gridSample(input, grid, options),
                  expected,
                  `${dims}-D ${JSON.stringify(options)}`,
                );
              }
            }
          }
        }
      }
    }
  });

  it('rounds and floors every half-pixel tie, pixel centre and their neighbours as the reference, on axes up to and past 2^22', async () => {
    // nearest and bilinear turn coordinates on axes of up to 2^22 pixels into integers with an add of
    // 1.5 x 2^23, on longer ones with a conversion
    for (const width of [1000, 2 ** 22 + 3]) {
      const input = randomTensor([1, 1, 2, width], width, -1, 1);
      const steps = 4000;
      const xs: number[] = [];
      for (let j = 0; j <= steps; j++) {
        const g = Math.fround(-1.1 + (2.2 * j) / steps);
        // the value, and the floats just below and above it
        xs.push(g, g * (1 - 2 ** -23), g * (1 + 2 ** -23));
      }
      // ties and pixel centres on both alignments
      for (let k = -2; k < 1002; k++)
        xs.push((2 * k + 2) / width - 1, (2 * k) / (width - 1) - 1, 1 - (2 * k + 1) / width);
      const grid = { data: new Float32Array(xs.length * 2), shape: [1, 1, xs.length, 2] };
      xs.forEach((x, i) => {
        grid.data[2 * i] = x;
        grid.data[2 * i + 1] = i % 3 === 0 ? -1 : 0.25;
      });
      for (const paddingMode of ['zeros', 'border', 'reflection'] as const) {
        for (const alignCorners of [false, true]) {
          for (const mode of ['nearest', 'bilinear'] as const) {
            const options = { mode, paddingMode, alignCorners };
            const expected = gridSampleCpu(input, grid, options);
            for (const sampler of samplers) {
              expectSameBits(
                await sampler.gridSample(input, grid, options),
                expected,
                `width ${width} ${JSON.stringify(options)}`,
              );
            }
          }
        }
      }
    }
  });
});
