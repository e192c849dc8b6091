// WasmSampler's contract besides the values: its options, the same errors as gridSampleCpu, calls
// queued on one memory, destroy(), the TypeScript fallback without SIMD, and gridSample's backends.
import { afterAll, describe, expect, it, vi } from 'vitest';
import { type GridSampleOptions, gridSample, gridSampleCpu, type Tensor, WasmSampler } from '../../src/index.js';
import { randomTensor } from '../helpers/random.js';
import { expectSameBits } from './bits.js';

const input = randomTensor([2, 3, 9, 11], 1);
const grid = randomTensor([2, 5, 7, 2], 2, -1.2, 1.2);

/** The error a call throws (sync or async), for comparing messages. */
async function errorOf(call: () => unknown): Promise<Error> {
  try {
    await call();
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected the call to throw');
}

describe('WasmSampler', () => {
  const samplers = [WasmSampler.create({ threads: 1 }), WasmSampler.create({ threads: 2 })];
  afterAll(async () => {
    for (const s of await Promise.all(samplers)) s.destroy();
  });

  it('defaults to min(hardware threads, 4) threads', async () => {
    const { availableParallelism } = await import('node:os');
    const sampler = await WasmSampler.create();
    expect(sampler.threads).toBe(Math.min(availableParallelism(), 4));
    expect(sampler.kernel).toBe('wasm-simd');
    sampler.destroy();
  });

  it.each([0, -1, 1.5, Number.NaN, '2', null, 1000])('rejects threads: %s', async (threads) => {
    const error = await errorOf(() => WasmSampler.create({ threads: threads as number }));
    expect(error).toBeInstanceOf(RangeError);
    expect(error.message).toMatch(/^WasmSampler\.create: threads must be an integer from 1 to 256/);
  });

  it('rejects options that are not an object', async () => {
    const error = await errorOf(() => WasmSampler.create(3 as never));
    expect(error).toBeInstanceOf(TypeError);
  });

  const bad: [string, unknown, unknown, unknown][] = [
    ['input not a tensor', null, grid, undefined],
    ['input data not Float32Array', { data: [1, 2], shape: [1, 1, 1, 2] }, grid, undefined],
    ['length mismatch', { data: new Float32Array(5), shape: [1, 1, 2, 2] }, grid, undefined],
    ['3-D input', { data: new Float32Array(4), shape: [1, 2, 2] }, grid, undefined],
    ['batch mismatch', randomTensor([3, 3, 9, 11], 1), grid, undefined],
    ['empty spatial input', { data: new Float32Array(0), shape: [2, 3, 0, 11] }, grid, undefined],
    ['bad mode', input, grid, { mode: 'area' }],
    ['bad padding', input, grid, { paddingMode: 'wrap' }],
    ['bad alignCorners', input, grid, { alignCorners: 1 }],
    ['bad layout', input, grid, { layout: 'chw' }],
    ['float16', input, grid, { dtype: 'float16' }],
    ['bicubic 3-D', randomTensor([1, 1, 2, 2, 2], 3), randomTensor([1, 1, 1, 1, 3], 4), { mode: 'bicubic' }],
    ['options not an object', input, grid, 'bilinear'],
  ];
  it.each(bad)('throws what gridSampleCpu throws: %s', async (_, badInput, badGrid, options) => {
    const expected = await errorOf(() => gridSampleCpu(badInput as Tensor, badGrid as Tensor, options as never));
    for (const sampler of await Promise.all(samplers)) {
      const error = await errorOf(() => sampler.gridSample(badInput as Tensor, badGrid as Tensor, options as never));
      expect(error.constructor).toBe(expected.constructor);
      expect(error.message).toBe(expected.message);
    }
  });

  it('queues concurrent calls on one memory: each gets its own result', async () => {
    const cases = (['bilinear', 'nearest', 'bicubic'] as const).map((mode, i) => ({
      input: randomTensor([1, 2 + i, 30, 20], 10 + i),
      grid: randomTensor([1, 17, 13, 2], 20 + i, -1.1, 1.1),
      options: { mode, paddingMode: 'border' } as GridSampleOptions,
    }));
    for (const sampler of await Promise.all(samplers)) {
      const outs = await Promise.all(cases.map((c) => sampler.gridSample(c.input, c.grid, c.options)));
      outs.forEach((out, i) => {
        const c = cases[i];
        expectSameBits(out, gridSampleCpu(c.input, c.grid, c.options), `concurrent call ${i}`);
      });
    }
  });

  it('returns a result it does not share: the next call leaves it untouched', async () => {
    for (const sampler of await Promise.all(samplers)) {
      const first = await sampler.gridSample(input, grid);
      const copy = first.data.slice();
      await sampler.gridSample(randomTensor([2, 3, 9, 11], 9), grid);
      expect(first.data.buffer).toBeInstanceOf(ArrayBuffer);
      expectSameBits(first, { data: copy, shape: first.shape }, 'first result after a second call');
    }
  });

  it('throws after destroy(), and a call in flight when destroyed rejects instead of hanging', async () => {
    for (const threads of [1, 2]) {
      const sampler = await WasmSampler.create({ threads });
      const big = randomTensor([1, 4, 256, 256], 5);
      const bigGrid = randomTensor([1, 256, 256, 2], 6, -1, 1);
      const inFlight = sampler.gridSample(big, bigGrid, { mode: 'bicubic' });
      sampler.destroy();
      const settled = await Promise.race([
        inFlight.then(
          () => 'resolved',
          (error: Error) => error.message,
        ),
        new Promise((resolve) => setTimeout(() => resolve('HUNG'), 10_000)),
      ]);
      expect(settled).toMatch(/^WasmSampler: destroyed/);
      const error = await errorOf(() => sampler.gridSample(input, grid));
      expect(error.message).toMatch(/^WasmSampler: used after destroy\(\)/);
    }
  });

  it('runs the TypeScript reference, and says so, where WebAssembly SIMD is missing', async () => {
    const validate = vi.spyOn(WebAssembly, 'validate').mockReturnValue(false);
    try {
      const sampler = await WasmSampler.create({ threads: 2 });
      expect([sampler.kernel, sampler.threads]).toEqual(['typescript', 1]);
      expectSameBits(await sampler.gridSample(input, grid), gridSampleCpu(input, grid), 'typescript fallback');
      sampler.destroy();
    } finally {
      validate.mockRestore();
    }
  });
});

describe("gridSample's wasm backend", () => {
  it("'wasm' runs the wasm sampler: gridSampleCpu's bits", async () => {
    const options = { mode: 'bicubic', paddingMode: 'reflection', alignCorners: true } as const;
    expectSameBits(
      await gridSample(input, grid, { ...options, backend: 'wasm' }),
      gridSampleCpu(input, grid, options),
      "backend 'wasm'",
    );
  });

  it("'auto' without WebGPU (Node has no navigator.gpu) falls back to wasm: gridSampleCpu's bits", async () => {
    expect((globalThis as { navigator?: { gpu?: unknown } }).navigator?.gpu).toBeUndefined();
    expectSameBits(await gridSample(input, grid, { backend: 'auto' }), gridSampleCpu(input, grid), "backend 'auto'");
  });

  it('rejects an unknown backend, naming the four', async () => {
    const error = await errorOf(() => gridSample(input, grid, { backend: 'simd' as never }));
    expect(error.message).toBe(`gridSample: backend must be one of 'auto', 'webgpu', 'wasm', 'cpu', got "simd"`);
  });
});
