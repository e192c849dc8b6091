// Hostile input to the public functions beyond the forward ops (see fuzz.test.ts): the backward passes,
// gridFromFlow and the image helpers. Each call returns the CPU reference's result or throws a
// documented error, within a time limit.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  affineGridBackwardCpu,
  type GridSampleBackwardOptions,
  gridFromFlow,
  gridSampleBackwardCpu,
  gridSampleCpu,
  imageFromTensor,
  readImage,
  type Tensor,
  tensorFromImage,
  warpImage,
} from '../../src/index.js';
import { fuzzParameters } from '../helpers/fuzz.js';
import { createTestDevice, useTestSampler } from '../helpers/gpu.js';
import { gradientScales } from '../helpers/gradient-scale.js';
import {
  affineCaseArb,
  count,
  expectDocumented,
  expectSame,
  gridValue,
  hostileValue,
  type Outcome,
  outcome,
  sampleCaseArb,
  toleranceOfOptions,
} from '../helpers/hostile.js';
import { compare, describeComparison, TOLERANCE } from '../helpers/tolerance.js';

const device = await createTestDevice();
// every run must complete: numRuns runs, none slower than perRunMs, all within budgetMs (see fuzz.ts)
const runs = fuzzParameters({ numRuns: 150, perRunMs: 20_000, budgetMs: 100_000 });
const TIMEOUT = 120_000; // vitest's limit for each property, above its budget

/** A gradient in the shape `like` has, when that is a valid shape; else something hostile. */
const gradientLike = (like: unknown) =>
  fc.oneof(
    { weight: 6, arbitrary: fc.integer().map((s) => shapedNoise(like, s)) },
    { weight: 1, arbitrary: hostileValue },
  );

function shapedNoise(like: unknown, seedValue: number): unknown {
  const shape = (like as { shape?: unknown })?.shape;
  if (!Array.isArray(shape) || !shape.every((d) => Number.isSafeInteger(d) && d >= 0) || count(shape) > 10_000)
    return like;
  const data = Float32Array.from({ length: count(shape) }, (_, i) => Math.sin(seedValue + i * 1.3) * 2);
  return { data, shape };
}

/** gridSampleBackward's gradient `key` against the CPU's, each value at its own scale (gradient-scale.ts). */
const compareGradients = (
  actual: Outcome<unknown>,
  reference: Outcome<unknown>,
  key: 'gradInput' | 'gradGrid',
  [gradOutput, input, grid, options]: [Tensor, Tensor, Tensor, unknown],
) => {
  const pick = (o: Outcome<unknown>): Outcome<Tensor> =>
    o.ok ? { ok: true, value: (o.value as Record<string, Tensor>)[key] } : o;
  // a reference result means valid arguments, so the scale can be computed from them
  const scale = reference.ok
    ? gradientScales(gradOutput, input, grid, (options ?? {}) as GridSampleBackwardOptions, reference.value as never)[
        key
      ]
    : {};
  expectSame(pick(actual), pick(reference), `gridSampleBackward ${key}`, TOLERANCE.backward, false, scale);
};

describe.skipIf(!device)('hostile input to the backward and image functions', async () => {
  const gpu = device as GPUDevice;
  const sampler = await useTestSampler(gpu);

  it(
    'gridSampleBackwardCpu and GridSampler.gridSampleBackward agree or throw documented errors',
    async () => {
      const caseArb = sampleCaseArb.chain((c) => {
        const output = outcome(() => gridSampleCpu(c.input as Tensor, c.grid as Tensor, c.options as never));
        return fc.record({ c: fc.constant(c), gradOutput: fc.constant(output), noise: fc.integer() });
      });
      await fc.assert(
        fc.asyncProperty(caseArb, async ({ c, gradOutput, noise }) => {
          const forward = await gradOutput;
          const grad = forward.ok ? shapedNoise(forward.value, noise) : { data: new Float32Array(1), shape: [1] };
          const args = [grad, c.input, c.grid, c.options] as [Tensor, Tensor, Tensor, never];
          const reference = await outcome(() => gridSampleBackwardCpu(...args));
          const actual = await outcome(() => sampler.gridSampleBackward(...args));
          compareGradients(actual, reference, 'gradInput', args);
          compareGradients(actual, reference, 'gradGrid', args);
        }),
        runs,
      );
    },
    TIMEOUT,
  );

  it(
    'affineGridBackwardCpu and GridSampler.affineGridBackward agree or throw documented errors',
    async () => {
      // gradGrid in the grid shape of `size` ([N, ...spatial, dims]) where size is an array
      const gridShapeOf = (size: unknown) =>
        Array.isArray(size) ? { shape: [size[0], ...size.slice(2), size.length - 2] } : undefined;
      const caseArb = affineCaseArb.chain((c) =>
        gradientLike(gridShapeOf(c.size)).map((gradGrid) => ({ ...c, gradGrid })),
      );
      await fc.assert(
        fc.asyncProperty(caseArb, async ({ gradGrid, size, options }) => {
          const args = [gradGrid, size, options] as [Tensor, number[], never];
          const reference = await outcome(() => affineGridBackwardCpu(...args));
          const actual = await outcome(() => sampler.affineGridBackward(...args));
          expectSame(actual, reference, 'affineGridBackward', TOLERANCE.affineBackward, false);
        }),
        runs,
      );
    },
    TIMEOUT,
  );

  it(
    'gridFromFlow returns a grid of the flow shape or throws a documented error',
    async () => {
      const flowArb = fc.oneof(
        fc
          .record({
            dims: fc.constantFrom(2, 3),
            spatial: fc.array(fc.integer({ min: 0, max: 4 }), { minLength: 3, maxLength: 3 }),
          })
          .chain(({ dims, spatial }) => {
            const shape = [1, ...spatial.slice(3 - dims), dims];
            return fc
              .array(gridValue, { minLength: count(shape), maxLength: count(shape) })
              .map((v) => ({ data: Float32Array.from(v), shape }));
          }),
        hostileValue,
        fc.constant({ data: new Float32Array(6), shape: [1, 1, 2, 3] }),
      );
      await fc.assert(
        fc.asyncProperty(
          flowArb,
          fc.constantFrom<unknown>(undefined, {}, { alignCorners: true }, { alignCorners: 'no' }),
          async (flow, options) => {
            const result = await outcome(() => gridFromFlow(flow as Tensor, options as never));
            if (!result.ok) return expectDocumented(result.error, 'gridFromFlow');
            const { data, shape } = flow as Tensor;
            expect(result.value.shape).toEqual(shape);
            // PyTorch's unnormalize takes each grid value back to the pixel position + displacement
            const align = (options as { alignCorners?: boolean } | undefined)?.alignCorners === true;
            const dims = shape.length - 2;
            const sizes = shape.slice(1, -1).reverse(); // x, y[, z]
            const back: number[] = [];
            const wanted: number[] = [];
            const scale: number[] = [];
            for (const [i, g] of result.value.data.entries()) {
              const a = i % dims;
              const size = sizes[a];
              if (align && size === 1) {
                expect(g, 'size 1 with alignCorners addresses the one pixel').toBe(0);
                continue;
              }
              if (Number.isNaN(data[i])) {
                expect(g, 'a NaN displacement gives a NaN grid value').toBeNaN();
                continue;
              }
              // beyond 2^24 pixels float32 grid values overflow or cannot tell pixels apart
              if (!(Math.abs(data[i]) < 2 ** 24)) continue;
              const point = Math.floor(i / dims);
              const position = Math.floor(point / sizes.slice(0, a).reduce((x, y) => x * y, 1)) % size;
              back.push(align ? ((g + 1) / 2) * (size - 1) : ((g + 1) * size - 1) / 2);
              wanted.push(position + data[i]);
              // the float32 grid value holds (2 p + 1) / size - 1 to a relative 2^-24: in pixels, up to
              // 2^-24 (|p| + size) once unnormalized
              scale.push(Math.abs(position + data[i]) + size);
            }
            const check = compare(back, wanted, TOLERANCE.affine, { scale });
            expect(check.ok, `gridFromFlow: ${describeComparison(check)}`).toBe(true);
          },
        ),
        runs,
      );
    },
    TIMEOUT,
  );

  it(
    'warpImage on the GPU equals the CPU reference within 1/255, or throws a documented error',
    async () => {
      const pixelsArb = fc.oneof(
        {
          weight: 6,
          arbitrary: fc
            .record({ width: fc.integer({ min: 1, max: 6 }), height: fc.integer({ min: 1, max: 6 }), s: fc.integer() })
            .map(({ width, height, s }) => ({
              width,
              height,
              data: Uint8ClampedArray.from({ length: width * height * 4 }, (_, i) => (i * 89 + s) & 255),
            })),
        },
        {
          weight: 1,
          arbitrary: fc.constantFrom<unknown>(
            null,
            {},
            { width: 2, height: 2, data: new Uint8Array(3) },
            { width: 1.5, height: 2, data: new Uint8Array(12) },
            { width: 2, height: 2, data: new Float32Array(16) },
          ),
        },
      );
      const gridArb = fc.oneof(
        {
          weight: 6,
          arbitrary: fc
            .record({ h: fc.integer({ min: 1, max: 4 }), w: fc.integer({ min: 1, max: 4 }) })
            .chain(({ h, w }) =>
              fc
                .array(gridValue, { minLength: h * w * 2, maxLength: h * w * 2 })
                .map((v) => ({ data: Float32Array.from(v), shape: [1, h, w, 2] })),
            ),
        },
        {
          weight: 1,
          arbitrary: fc.constantFrom<unknown>(
            null,
            { data: new Float32Array(8), shape: [2, 1, 2, 2] },
            { data: new Float32Array(0), shape: [1, 0, 3, 2] },
          ),
        },
      );
      const optionsArb = fc.constantFrom<unknown>(
        undefined,
        { mode: 'nearest' },
        { mode: 'bicubic', paddingMode: 'reflection' },
        { mode: 'trilinear' },
        { paddingMode: 'border', alignCorners: true },
      );
      await fc.assert(
        fc.asyncProperty(pixelsArb, gridArb, optionsArb, async (pixels, grid, options) => {
          const cpu = await outcome(() =>
            imageFromTensor(gridSampleCpu(tensorFromImage(pixels as never), grid as Tensor, options as never)),
          );
          const gpu = await outcome(async () => {
            const texture = warpImage(gpu_(), pixels as never, grid as Tensor, options as never);
            const image = await readImage(gpu_(), texture);
            texture.destroy();
            return image;
          });
          if (!cpu.ok) {
            expectDocumented(cpu.error, 'warpImage reference');
            expect(gpu.ok, 'warpImage accepted what the CPU path rejected').toBe(false);
            if (!gpu.ok) expectDocumented(gpu.error, 'warpImage');
            return;
          }
          if (cpu.value.data.length === 0) {
            // a texture cannot be empty: an empty output is a documented RangeError on the GPU path
            expect(gpu.ok).toBe(false);
            if (!gpu.ok) expectDocumented(gpu.error, 'warpImage with an empty grid');
            return;
          }
          if (!gpu.ok) throw new Error(`warpImage threw ${String(gpu.error)} where the CPU returned`);
          const tolerance = toleranceOfOptions(options).abs === 0 ? TOLERANCE.nearest : TOLERANCE.imageByte;
          const check = compare(gpu.value.data, cpu.value.data, tolerance, { scale: 1 });
          expect(check.ok, `warpImage: ${describeComparison(check)}`).toBe(true);
        }),
        runs,
      );
    },
    TIMEOUT,
  );

  const gpu_ = () => gpu;
});
