// dtype 'float16' of encodeGridSample: float16 input, grid and output buffers on any adapter (no
// shader-f16), float32 arithmetic. Reference: gridSampleCpu on the float16 values (exact in float32),
// its output rounded to float16 on the host by @petamoriken/float16; the GPU must match within one
// float16 ulp and leave every byte past the output alone.
import { describe, expect, it } from 'vitest';
import {
  affineGridCpu,
  type GridSampleOptions,
  GridSampler,
  gridSample,
  gridSampleCpu,
  type Mode,
  type PaddingMode,
  type Tensor,
} from '../../src/index.js';
import {
  beyondOneUlp,
  decodeFloat16,
  float16Buffer,
  readHalves,
  roundToFloat16,
  SENTINEL_HALF,
} from '../helpers/float16.js';
import { withSeed } from '../helpers/fuzz.js';
import { createTestDevice, useTestSampler } from '../helpers/gpu.js';
import { randomTensor } from '../helpers/random.js';

const device = await createTestDevice();
const seed = Number(process.env.FLOAT16_SEED ?? Date.now() % 2 ** 31);
const MODES: Mode[] = ['bilinear', 'nearest', 'bicubic'];
const PADDINGS: PaddingMode[] = ['zeros', 'border', 'reflection'];
const SPECIAL_GRID = [Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, 1, -1, 0, 3.5, -7, 1e5];

/** Random grid in [-1.3, 1.3], about one point in eight replaced by a special value. */
function hostileGrid(shape: number[], caseSeed: number): Tensor {
  const grid = randomTensor(shape, caseSeed, -1.3, 1.3);
  const pick = randomTensor([grid.data.length], caseSeed + 7, 0, 1).data;
  for (let i = 0; i < grid.data.length; i++) {
    if (pick[i] < 0.125) grid.data[i] = SPECIAL_GRID[Math.floor(pick[i] * 8 * SPECIAL_GRID.length)];
  }
  return grid;
}

describe.skipIf(!device)("dtype 'float16'", async () => {
  const gpu = device as GPUDevice;
  const sampler = await useTestSampler(gpu);

  /** Runs one float16 call on the GPU; returns the output values and the halves past them. */
  async function runFloat16(
    input: Tensor,
    grid: Tensor,
    outputShape: number[],
    options: GridSampleOptions,
    on: GridSampler = sampler,
  ) {
    const count = outputShape.reduce((a, b) => a * b, 1);
    const buffers = {
      input: float16Buffer(gpu, input.data),
      grid: float16Buffer(gpu, grid.data),
      output: float16Buffer(gpu, new Float32Array(0), Math.ceil(count / 2) + 2),
    };
    const encoder = gpu.createCommandEncoder();
    on.encodeGridSample(
      encoder,
      { ...buffers, inputShape: input.shape, gridShape: grid.shape },
      { ...options, dtype: 'float16' },
    );
    gpu.queue.submit([encoder.finish()]);
    const halves = await readHalves(gpu, buffers.output);
    for (const buffer of Object.values(buffers)) buffer.destroy();
    return { values: decodeFloat16(halves.subarray(0, count)), tail: halves.subarray(count) };
  }

  /** Every mode, padding and alignCorners on random odd shapes, against the float16-rounded reference. */
  async function checkCases(spatialDims: 2 | 3, layout: 'nchw' | 'nhwc', caseSeed: number) {
    let cases = 0;
    let offByOne = 0;
    let total = 0;
    for (const mode of MODES) {
      if (spatialDims === 3 && mode === 'bicubic') continue;
      for (const paddingMode of PADDINGS) {
        for (const alignCorners of [false, true]) {
          const s = caseSeed + 101 * cases++;
          const size = (k: number) => 1 + ((s * (k + 3)) % (spatialDims === 2 ? 11 : 7)); // odd and even
          const [n, c] = [1 + (s % 2), 1 + ((s >> 1) % 3) * 2]; // C = 1, 3 or 5
          const spatial = spatialDims === 2 ? [size(0), size(1)] : [size(0), size(1), size(2)];
          const out = spatialDims === 2 ? [size(3), size(4)] : [size(3), size(4), size(5)];
          const inputShape = layout === 'nhwc' ? [n, ...spatial, c] : [n, c, ...spatial];
          const outputShape = layout === 'nhwc' ? [n, ...out, c] : [n, c, ...out];
          const input = randomTensor(inputShape, s, -4, 4);
          input.data.set(roundToFloat16(input.data));
          const grid = hostileGrid([n, ...out, spatialDims], s + 1);
          grid.data.set(roundToFloat16(grid.data));
          const options = { mode, paddingMode, alignCorners, layout };
          const reference = roundToFloat16(gridSampleCpu(input, grid, options).data);
          const { values, tail } = await runFloat16(input, grid, outputShape, options);
          const label = `${JSON.stringify(options)} input [${inputShape}] grid [${grid.shape}]`;
          const bad = beyondOneUlp(values, reference);
          expect(
            bad.slice(0, 5).map((i) => `#${i}: ${values[i]} vs ${reference[i]}`),
            `${label}: beyond one float16 ulp`,
          ).toEqual([]);
          expect(
            [...tail].every((h) => h === SENTINEL_HALF),
            `${label}: halves past the output`,
          ).toBe(true);
          offByOne += values.filter((v, i) => !Object.is(v, reference[i]) && !(v === 0 && reference[i] === 0)).length;
          total += values.length;
        }
      }
    }
    console.log(`float16 ${spatialDims}-D ${layout}: ${offByOne} of ${total} values one ulp off, the rest exact`);
    // one ulp covers f32 results that differ from the CPU's in their last bits next to a float16
    // rounding boundary: rare. Rounding other than to nearest would put about half the values one off.
    expect(offByOne, 'values one float16 ulp off').toBeLessThanOrEqual(Math.ceil(total * 0.02));
  }

  // the random cases print their seed when they fail (FLOAT16_SEED replays them)
  const seeded = (check: () => unknown) => withSeed(seed, 'FLOAT16_SEED', check);

  it('2-D, channels first: every mode, padding and alignCorners within one float16 ulp', async () => {
    await seeded(() => checkCases(2, 'nchw', seed));
  });

  it('2-D, channels last (layout nhwc): every mode, padding and alignCorners within one float16 ulp', async () => {
    await seeded(() => checkCases(2, 'nhwc', seed + 1));
  });

  it('3-D (grid points of 3 halves, every other one mid-word), both layouts, within one float16 ulp', async () => {
    await seeded(async () => {
      await checkCases(3, 'nchw', seed + 2);
      await checkCases(3, 'nhwc', seed + 3);
    });
  });

  // The error against float32 storage is quantization, not arithmetic: each input value moves by up to
  // 2^-11 of itself, the output again, and each grid value by half its float16 spacing: 2^-12 below 1
  // in magnitude (W / 8192 pixels), 2^-11 from 1 to 2 (W / 4096). Measured on [1, 3, 256, 256] images
  // in [0, 1] warped by a rotation (README documents these numbers, with a margin): the grid's share
  // dominates and grows with the image's steepest step between neighbouring pixels.
  const DOCUMENTED_ERROR = {
    smooth: { bilinear: 2e-3, bicubic: 2.5e-3 },
    noise: { bilinear: 0.05, bicubic: 0.06 },
  };
  for (const image of ['smooth', 'noise'] as const) {
    for (const mode of ['bilinear', 'bicubic'] as const) {
      it(`error against float32 storage, ${image} image warp [1, 3, 256, 256] ${mode}: within the documented bound`, async () => {
        const [h, w] = [256, 256];
        const input = randomTensor([1, 3, h, w], 20260 + (mode === 'bicubic' ? 1 : 0), 0, 1);
        if (image === 'smooth') {
          for (let c = 0; c < 3; c++) {
            for (let y = 0; y < h; y++) {
              for (let x = 0; x < w; x++) {
                input.data[(c * h + y) * w + x] = 0.5 + 0.25 * Math.sin(x / 9 + c) + 0.25 * Math.cos(y / 13 - c);
              }
            }
          }
        }
        const [cos, sin] = [0.9 * Math.cos(Math.PI / 6), 0.9 * Math.sin(Math.PI / 6)];
        const theta = { data: new Float32Array([cos, -sin, 0.05, sin, cos, -0.1]), shape: [1, 2, 3] };
        const grid = affineGridCpu(theta, [1, 3, h, w]);
        const options = { mode, paddingMode: 'border' } as const;
        const reference = gridSampleCpu(input, grid, options).data;
        const { values } = await runFloat16(input, grid, [1, 3, h, w], options);
        let worst = 0;
        for (let i = 0; i < values.length; i++) worst = Math.max(worst, Math.abs(values[i] - reference[i]));
        // steepest step between neighbouring pixels, for the bilinear bound
        let steepest = 0;
        for (let i = 0; i < input.data.length; i++) {
          if ((i + 1) % w) steepest = Math.max(steepest, Math.abs(input.data[i + 1] - input.data[i]));
          if (i + w < input.data.length) steepest = Math.max(steepest, Math.abs(input.data[i + w] - input.data[i]));
        }
        console.log(`float16 vs float32 storage, ${image} ${mode}: max abs error ${worst.toExponential(3)}`);
        expect(worst).toBeLessThanOrEqual(DOCUMENTED_ERROR[image][mode]);
        if (mode === 'bilinear') {
          // input and output rounding (2^-11 of max |value| = 1 each) plus the grid's shift in x and y,
          // each at most (size / 4096) pixels for grid values below 2 in magnitude (beyond, border
          // padding clips the coordinate and no shift matters)
          expect(worst).toBeLessThanOrEqual(2 ** -10 + steepest * ((w + h) / 4096));
        }
      });
    }
  }

  it('writes exactly the output for every count modulo 4 (the pack pass takes 4 values at a time)', async () => {
    for (let count = 1; count <= 9; count++) {
      const values = Float32Array.from({ length: count }, (_, i) => (i + 1) / 8);
      const input = { data: values, shape: [1, 1, 1, count] };
      // nearest at each pixel centre (alignCorners): the output is the input
      const xs = [...values.keys()].map((i) => (count === 1 ? 0 : (2 * i) / (count - 1) - 1));
      const grid = { data: new Float32Array(xs.flatMap((x) => [x, 0])), shape: [1, 1, count, 2] };
      const out = await runFloat16(input, grid, [1, 1, 1, count], { mode: 'nearest', alignCorners: true });
      expect([...out.values], `count ${count}`).toEqual([...values]);
      expect(
        [...out.tail].every((h) => h === SENTINEL_HALF),
        `count ${count}: halves past the output`,
      ).toBe(true);
    }
  });

  it('runs where the output fills a binding limit that is not a multiple of 16 bytes', async () => {
    // 18 values of input, grid and output: 72 bytes each as float32, exactly maxChunkBytes; the pack
    // pass reads the values 4 at a time, 80 bytes, so its scratch buffer is rounded up past the limit
    const tight = await GridSampler.create({ device: gpu, maxChunkBytes: 72 });
    const input = randomTensor([1, 2, 1, 9], seed, -4, 4);
    input.data.set(roundToFloat16(input.data));
    const grid = randomTensor([1, 1, 9, 2], seed + 1, -1, 1);
    grid.data.set(roundToFloat16(grid.data));
    const reference = roundToFloat16(gridSampleCpu(input, grid).data);
    const { values, tail } = await runFloat16(input, grid, [1, 2, 1, 9], {}, tight);
    tight.destroy();
    await seeded(() => {
      expect(beyondOneUlp(values, reference)).toEqual([]);
      expect([...tail].every((h) => h === SENTINEL_HALF)).toBe(true);
    });
  });

  it('passes float16 specials through, rounds to nearest even and overflows to ±Inf, as .half() does', async () => {
    // nearest copies values through the f32 path unchanged: subnormals, the largest half, NaN, ±Inf
    const row = [65504, -65504, 2 ** -24, -(2 ** -24), 2 ** -14, 1, Number.NaN, Infinity, -Infinity];
    const input = { data: new Float32Array(row), shape: [1, 1, 1, 9] };
    // with alignCorners and W = 9, pixel x sits at grid x = x / 4 - 1: every quarter pixel is exact
    const at = (xs: number[], ys = xs.map(() => 0)) => ({
      data: new Float32Array(xs.flatMap((x, i) => [x / 4 - 1, ys[i]])),
      shape: [1, 1, xs.length, 2],
    });
    const copied = await runFloat16(input, at(row.map((_, i) => i)), [1, 1, 1, 9], {
      mode: 'nearest',
      alignCorners: true,
    });
    expect([...copied.values]).toEqual(row);
    // bilinear at 1/4, 1/2, 3/4 from 1 to 1 + 2^-10, and halfway from 1 + 2^-10 to 1 + 2^-9: exact f32
    // values 1 + 2^-12, 1 + 2^-11 (tie), 1 + 3 * 2^-12 and 1 + 3 * 2^-11 (tie), which round to nearest,
    // ties to the even mantissa
    const steps = { data: new Float32Array([0, 0, 0, 0, 1, 1 + 2 ** -10, 1 + 2 ** -9, 0, 0]), shape: [1, 1, 1, 9] };
    const rounded = await runFloat16(steps, at([4.25, 4.5, 4.75, 5.5]), [1, 1, 1, 4], { alignCorners: true });
    expect([...rounded.values]).toEqual([1, 1, 1 + 2 ** -10, 1 + 2 ** -9]);
    // bicubic overshoot between two largest halves: 65504 * 1.375 in f32, beyond float16, so ±Inf
    const edge = [0, 0, -65504, 65504, 65504, -65504, 0, 0, 0];
    const peaks = { data: new Float32Array([...edge, ...edge.map((v) => -v)]), shape: [1, 1, 2, 9] };
    const options = { mode: 'bicubic', alignCorners: true } as const;
    const grid = at([3.5, 3.5], [-1, 1]);
    const overflow = await runFloat16(peaks, grid, [1, 1, 1, 2], options);
    expect([...overflow.values]).toEqual([Infinity, -Infinity]);
    expect([...roundToFloat16(gridSampleCpu(peaks, grid, options).data)]).toEqual([Infinity, -Infinity]);
  });

  it('float16 errors: unknown dtype, float16 outside encodeGridSample, buffers too small, too large for one binding', async () => {
    const input = { data: new Float32Array(12), shape: [1, 3, 2, 2] };
    const grid = { data: new Float32Array(2), shape: [1, 1, 1, 2] };
    // @ts-expect-error: typed callers cannot pass this (item 8 of issue 16); JavaScript callers get the error
    expect(() => gridSampleCpu(input, grid, { dtype: 'float64' as never })).toThrow(
      /dtype must be 'float32' or 'float16'.*got "float64"/,
    );
    // @ts-expect-error: typed callers cannot pass this (item 8 of issue 16); JavaScript callers get the error
    expect(() => gridSampleCpu(input, grid, { dtype: 16 as never })).toThrow(TypeError);
    // @ts-expect-error: typed callers cannot pass this (item 8 of issue 16); JavaScript callers get the error
    expect(() => gridSampleCpu(input, grid, { dtype: 'float16' })).toThrow(/only with GridSampler.encodeGridSample/);
    // @ts-expect-error: typed callers cannot pass this (item 8 of issue 16); JavaScript callers get the error
    await expect(sampler.gridSample(input, grid, { dtype: 'float16' })).rejects.toThrow(/encodeGridSample/);
    // @ts-expect-error: typed callers cannot pass this (item 8 of issue 16); JavaScript callers get the error
    await expect(gridSample(input, grid, { dtype: 'float16', backend: 'cpu' })).rejects.toThrow(/encodeGridSample/);
    const gradOutput = { data: new Float32Array(3), shape: [1, 3, 1, 1] };
    // @ts-expect-error: typed callers cannot pass this (item 8 of issue 16); JavaScript callers get the error
    await expect(sampler.gridSampleBackward(gradOutput, input, grid, { dtype: 'float16' })).rejects.toThrow(TypeError);
    // 12 float16 values need 24 bytes; 3 (odd) need 8, whole words
    const small = gpu.createBuffer({ size: 20, usage: GPUBufferUsage.STORAGE });
    const words = gpu.createBuffer({ size: 24, usage: GPUBufferUsage.STORAGE });
    const encoder = gpu.createCommandEncoder();
    const args = { input: small, inputShape: [1, 3, 2, 2], grid: words, gridShape: [1, 1, 1, 2], output: words };
    expect(() => sampler.encodeGridSample(encoder, args, { dtype: 'float16' })).toThrow(
      /input buffer has 20 bytes but its shape needs 12 float16 values \(24 bytes\)/,
    );
    const odd = { ...args, input: words, output: gpu.createBuffer({ size: 6, usage: GPUBufferUsage.STORAGE }) };
    expect(() => sampler.encodeGridSample(encoder, odd, { dtype: 'float16' })).toThrow(
      /3 float16 values \(8 bytes, rounded up to whole 4-byte words\)/,
    );
    // as float32 the input is 48 bytes, more than one 32-byte binding: float16 does not run in pieces
    const tiny = await GridSampler.create({ device: gpu, maxChunkBytes: 32 });
    expect(() => tiny.encodeGridSample(encoder, { ...args, input: words }, { dtype: 'float16' })).toThrow(
      /dtype 'float16' runs in one piece.*32 bytes \(set by maxChunkBytes\)/,
    );
    tiny.destroy();
    encoder.finish();
    for (const buffer of [small, words, odd.output]) buffer.destroy();
  });
});
