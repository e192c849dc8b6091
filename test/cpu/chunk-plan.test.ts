// The chunk planner without a GPU: running each planned piece through the CPU reference on its own
// slices, and scattering the results, must rebuild the one-piece result exactly; every slice must fit.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  affineOutputRange,
  chunkLimit,
  gridRange,
  inputRange,
  outputRuns,
  pieceGeometry,
  planAffineGrid,
  planGridSample,
  splitEvenly,
  thetaRange,
} from '../../src/gpu/chunking.js';
import { affineGridCpu, gridSampleCpu, type Layout, type Tensor } from '../../src/index.js';
import { affineGeometry, sampleGeometry } from '../../src/options.js';
import { randomTensor } from '../helpers/random.js';

const slice = (t: Tensor, start: number, length: number, shape: number[]): Tensor => ({
  data: t.data.slice(start, start + length),
  shape,
});

function gridSampleInPieces(input: Tensor, grid: Tensor, limitBytes: number, layout: Layout = 'nchw') {
  const geo = sampleGeometry(input.shape, grid.shape, layout);
  const last = layout === 'nhwc';
  const limit = { bytes: limitBytes, name: 'maxChunkBytes' };
  const pieces = planGridSample(geo, limit);
  const out = new Float32Array(geo.outputShape.reduce((a, b) => a * b, 1)).fill(Number.NaN);
  for (const piece of pieces) {
    const sub = pieceGeometry(geo, piece);
    const inSlice = inputRange(geo, piece);
    const gridSlice = gridRange(geo, piece);
    const inShape = last ? [sub.n, ...input.shape.slice(1, -1), sub.c] : [sub.n, sub.c, ...input.shape.slice(2)];
    const gridShape = [sub.n, ...(last ? sub.outputShape.slice(1, -1) : sub.outputShape.slice(2)), geo.spatialDims];
    for (const bytes of [inSlice.length * 4, gridSlice.length * 4, sub.outputShape.reduce((a, b) => a * b, 1) * 4]) {
      expect(bytes).toBeLessThanOrEqual(limitBytes);
    }
    const part = gridSampleCpu(
      slice(input, inSlice.start, inSlice.length, inShape),
      slice(grid, gridSlice.start, gridSlice.length, gridShape),
      { layout },
    );
    for (const run of outputRuns(geo, piece)) {
      // each output element is written by exactly one piece
      expect(out.subarray(run.to, run.to + run.length).every(Number.isNaN)).toBe(true);
      out.set(part.data.subarray(run.from, run.from + run.length), run.to);
    }
  }
  return { out, pieces };
}

describe('chunk planning', () => {
  it('splitEvenly covers a range in balanced runs', () => {
    expect(splitEvenly(80, 32)).toEqual([
      [0, 27],
      [27, 27],
      [54, 26],
    ]);
    expect(splitEvenly(5, 5)).toEqual([[0, 5]]);
    expect(splitEvenly(1, 1)).toEqual([[0, 1]]);
  });

  it('takes the smallest of the device limits and maxChunkBytes, rounded down to whole floats', () => {
    const limits = { maxStorageBufferBindingSize: 134217728, maxBufferSize: 268435456 };
    expect(chunkLimit(limits)).toEqual({ bytes: 134217728, name: 'maxStorageBufferBindingSize' });
    expect(chunkLimit({ ...limits, maxBufferSize: 1000 })).toEqual({ bytes: 1000, name: 'maxBufferSize' });
    expect(chunkLimit(limits, 1023)).toEqual({ bytes: 1020, name: 'maxChunkBytes' });
    expect(chunkLimit({ maxStorageBufferBindingSize: 2 ** 40, maxBufferSize: 2 ** 40 }).bytes).toBe(2 ** 32 - 4);
  });

  it('splits [1, 80, 1024, 1024] float32 (320 MiB) along channels under the default 128 MiB binding limit', () => {
    const geo = sampleGeometry([1, 80, 1024, 1024], [1, 8, 8, 2]);
    const pieces = planGridSample(geo, chunkLimit({ maxStorageBufferBindingSize: 2 ** 27, maxBufferSize: 2 ** 28 }));
    expect(pieces.map((p) => [p.batch, p.channel, p.channels, p.rows])).toEqual([
      [0, 0, 27, 8],
      [0, 27, 27, 8],
      [0, 54, 26, 8],
    ]);
  });

  it('splits along batch, then channels, then output rows, and rebuilds the one-piece result exactly', () => {
    const cases = [
      // [input shape, grid shape, limit bytes, expected kind of split]
      [[4, 3, 5, 6], [4, 3, 4, 2], 3 * 5 * 6 * 4 * 2, 'batch'],
      [[2, 7, 5, 6], [2, 3, 4, 2], 3 * 5 * 6 * 4, 'channels'],
      [[2, 3, 4, 5], [2, 9, 7, 2], 7 * 2 * 4 * 3, 'rows'],
      [[2, 3, 3, 4, 5], [2, 3, 5, 4, 3], 4 * 3 * 4 * 5, 'rows'],
      [[1, 5, 2, 3, 2], [1, 2, 2, 2, 3], 2 * 3 * 2 * 4 * 2, 'channels'],
    ] as const;
    for (const [inShape, gridShape, limit, kind] of cases) {
      const input = randomTensor([...inShape], 1);
      const grid = randomTensor([...gridShape], 2, -1.2, 1.2);
      const { out, pieces } = gridSampleInPieces(input, grid, limit);
      const rows = gridShape.slice(1, -2).reduce((a: number, b: number) => a * b, 1);
      const kinds = new Set(
        pieces.map((p) => (p.rows < rows ? 'rows' : p.channels < inShape[1] ? 'channels' : 'batch')),
      );
      expect([...kinds], JSON.stringify(inShape)).toEqual([kind]);
      expect(pieces.length).toBeGreaterThan(1);
      expect(out).toEqual(gridSampleCpu(input, grid).data);
    }
  });

  it('rebuilds the one-piece result for random shapes and limits (property)', () => {
    fc.assert(
      fc.property(
        fc.record({
          dims: fc.constantFrom(2, 3),
          n: fc.integer({ min: 1, max: 3 }),
          c: fc.integer({ min: 1, max: 5 }),
          inSize: fc.array(fc.integer({ min: 1, max: 5 }), { minLength: 3, maxLength: 3 }),
          outSize: fc.array(fc.integer({ min: 1, max: 5 }), { minLength: 3, maxLength: 3 }),
          limitFloats: fc.integer({ min: 1, max: 400 }),
          seed: fc.integer({ min: 0, max: 1000 }),
        }),
        ({ dims, n, c, inSize, outSize, limitFloats, seed }) => {
          const inputShape = [n, c, ...inSize.slice(3 - dims)];
          const gridShape = [n, ...outSize.slice(3 - dims), dims];
          const input = randomTensor(inputShape, seed);
          const grid = randomTensor(gridShape, seed + 1, -1.3, 1.3);
          const plane = inSize.slice(3 - dims).reduce((a, b) => a * b, 1);
          if (plane > limitFloats || outSize[2] * dims > limitFloats) {
            expect(() => gridSampleInPieces(input, grid, limitFloats * 4)).toThrow(
              /more than maxChunkBytes = \d+ bytes/,
            );
            return;
          }
          expect(gridSampleInPieces(input, grid, limitFloats * 4).out).toEqual(gridSampleCpu(input, grid).data);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('channels last: splits along batch, then output rows, never channels, and rebuilds the result (property)', () => {
    fc.assert(
      fc.property(
        fc.record({
          dims: fc.constantFrom(2, 3),
          n: fc.integer({ min: 1, max: 3 }),
          c: fc.integer({ min: 1, max: 9 }),
          inSize: fc.array(fc.integer({ min: 1, max: 4 }), { minLength: 3, maxLength: 3 }),
          outSize: fc.array(fc.integer({ min: 1, max: 5 }), { minLength: 3, maxLength: 3 }),
          limitFloats: fc.integer({ min: 1, max: 600 }),
          seed: fc.integer({ min: 0, max: 1000 }),
        }),
        ({ dims, n, c, inSize, outSize, limitFloats, seed }) => {
          const inputShape = [n, ...inSize.slice(3 - dims), c];
          const gridShape = [n, ...outSize.slice(3 - dims), dims];
          const input = randomTensor(inputShape, seed);
          const grid = randomTensor(gridShape, seed + 1, -1.3, 1.3);
          const item = inSize.slice(3 - dims).reduce((a, b) => a * b, c);
          if (item > limitFloats || outSize[2] * Math.max(c, dims) > limitFloats) {
            expect(() => gridSampleInPieces(input, grid, limitFloats * 4, 'nhwc')).toThrow(
              /more than maxChunkBytes = \d+ bytes/,
            );
            return;
          }
          const { out, pieces } = gridSampleInPieces(input, grid, limitFloats * 4, 'nhwc');
          expect(pieces.every((p) => p.channel === 0 && p.channels === c)).toBe(true);
          expect(out).toEqual(gridSampleCpu(input, grid, { layout: 'nhwc' }).data);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('refuses, naming the limit and the size, an input plane that no binding can hold', () => {
    const geo = sampleGeometry([1, 1, 6000, 6000], [1, 2, 2, 2]);
    const limit = chunkLimit({ maxStorageBufferBindingSize: 134217728, maxBufferSize: 268435456 });
    expect(() => planGridSample(geo, limit)).toThrow(RangeError);
    expect(() => planGridSample(geo, limit)).toThrow(
      /^grid_sample: one input plane \(one channel of one batch item, 6000 x 6000\) is 144000000 bytes \(36000000 float32 values\), more than maxStorageBufferBindingSize = 134217728 bytes/,
    );
    const wide = sampleGeometry([1, 1, 2, 2], [1, 1, 2 ** 24, 2]);
    expect(() => planGridSample(wide, { bytes: 2 ** 27 - 4, name: 'maxChunkBytes' })).toThrow(
      /one grid row \(W_out = 16777216 points x 2\)/,
    );
  });

  it('splits affine_grid along batch, then grid points, and rebuilds the one-piece grid exactly', () => {
    for (const [size, limitFloats] of [
      [[5, 1, 4, 6], 4 * 6 * 2 * 2],
      [[2, 1, 7, 9], 20],
      [[2, 1, 3, 4, 5], 3 * 7],
    ] as const) {
      const dims = size.length - 2;
      const theta = randomTensor([size[0], dims, dims + 1], 3);
      const geo = affineGeometry(theta.shape, [...size]);
      const expected = affineGridCpu(theta, [...size]);
      const out = new Float32Array(expected.data.length).fill(Number.NaN);
      const pieces = planAffineGrid(geo, { bytes: limitFloats * 4, name: 'maxChunkBytes' });
      expect(pieces.length).toBeGreaterThan(1);
      for (const piece of pieces) {
        const t = thetaRange(geo, piece);
        const o = affineOutputRange(geo, piece);
        expect(o.length * 4).toBeLessThanOrEqual(limitFloats * 4);
        const whole = affineGridCpu(slice(theta, t.start, t.length, [piece.batches, dims, dims + 1]), [
          piece.batches,
          ...size.slice(1),
        ]);
        expect(out.subarray(o.start, o.start + o.length).every(Number.isNaN)).toBe(true);
        out.set(whole.data.subarray(piece.point * dims, piece.point * dims + o.length), o.start);
      }
      expect(out).toEqual(expected.data);
    }
  });
});
