// Large input planes take the CPU reference's plane-by-plane bilinear path (src/cpu/grid-sample-2d.ts,
// from 2^18 elements a plane with C > 1), which the small golden shapes never reach.
import { describe, expect, it } from 'vitest';
import { gridSampleCpu, type Tensor } from '../../src/index.js';
import { randomTensor } from '../helpers/random.js';
import { expectClose, TOLERANCE } from '../helpers/tolerance.js';

const H = 512;
const W = 600;
const C = 3;

// Channel c at pixel (y, x) holds c + x / 2 - y / 4: bilinear interpolation reproduces a linear
// function, so any point whose four taps are inside samples c + px / 2 - py / 4 (hand-checkable).
const input: Tensor = { data: new Float32Array(C * H * W), shape: [1, C, H, W] };
for (let c = 0; c < C; c++)
  for (let y = 0; y < H; y++) for (let x = 0; x < W; x++) input.data[(c * H + y) * W + x] = c + x / 2 - y / 4;

const points: [number, number][] = [
  [0.1234, -0.5678],
  [-0.99, 0.99],
  [0, 0],
  [0.5, 0.25],
  [Number.NaN, 0.3], // samples nothing
  [5, -7], // every tap outside
  [1, 1], // the corner: some taps outside
  [-1.0005, 0.2],
];
const grid: Tensor = { data: Float32Array.from(points.flat()), shape: [1, 1, points.length, 2] };

describe('CPU reference, plane by plane on large inputs', () => {
  const out = gridSampleCpu(input, grid, { mode: 'bilinear', paddingMode: 'zeros', alignCorners: false });

  it('reproduces a linear input where all four taps are inside, and its zero-padded share at the edges', () => {
    // bilinear with zeros padding, written out: the taps inside, weighted, of c + x / 2 - y / 4
    const value = (c: number, x: number, y: number) => c + x / 2 - y / 4;
    const inside = (x: number, y: number) => x >= 0 && x < W && y >= 0 && y < H;
    const expected: number[] = [];
    const terms: number[] = []; // sum of |weight x tap|: the size of what was added, per value
    const actual: number[] = [];
    let partlyOutside = 0;
    for (const [i, [gx, gy]] of points.entries()) {
      if (Number.isNaN(gx) || Number.isNaN(gy)) continue;
      const px = ((Math.fround(gx) + 1) * W - 1) / 2;
      const py = ((Math.fround(gy) + 1) * H - 1) / 2;
      const [x0, y0] = [Math.floor(px), Math.floor(py)];
      const taps = [
        [x0, y0, (x0 + 1 - px) * (y0 + 1 - py)],
        [x0 + 1, y0, (px - x0) * (y0 + 1 - py)],
        [x0, y0 + 1, (x0 + 1 - px) * (py - y0)],
        [x0 + 1, y0 + 1, (px - x0) * (py - y0)],
      ];
      if (taps.some(([x, y]) => !inside(x, y))) partlyOutside++;
      for (let c = 0; c < C; c++) {
        let sum = 0;
        let size = 0;
        for (const [x, y, w] of taps) {
          if (!inside(x, y)) continue;
          sum += w * value(c, x, y);
          size += Math.abs(w * value(c, x, y));
        }
        expected.push(sum);
        terms.push(Math.max(1, size));
        actual.push(out.data[c * points.length + i]);
      }
    }
    // the corner (1, 1) and (-1.0005, 0.2) keep some taps, (5, -7) none
    expect(partlyOutside).toBe(3);
    const asTensor = (v: number[]) => ({ data: Float32Array.from(v), shape: [v.length] });
    expectClose(asTensor(actual), asTensor(expected), TOLERANCE.forward, 'large plane', { scale: terms });
    // the corner keeps only its top-left tap (W - 1, H - 1), at weight 1/4
    const corner = points.findIndex(([x, y]) => x === 1 && y === 1);
    for (let c = 0; c < C; c++)
      expect(out.data[c * points.length + corner]).toBe(Math.fround(value(c, W - 1, H - 1) / 4));
  });

  it('returns 0 for NaN points and points with every tap outside', () => {
    for (let c = 0; c < C; c++) {
      expect(out.data[c * points.length + 4]).toBe(0);
      expect(out.data[c * points.length + 5]).toBe(0);
    }
  });

  it('equals the per-pixel path channel by channel, to the last bit, on random grids and paddings', () => {
    const random = randomTensor([1, 40, 30, 2], 3, -1.2, 1.2);
    random.data[17] = Number.NaN;
    for (const paddingMode of ['zeros', 'border', 'reflection'] as const) {
      for (const alignCorners of [false, true]) {
        const options = { mode: 'bilinear', paddingMode, alignCorners } as const;
        const all = gridSampleCpu(input, random, options).data;
        for (let c = 0; c < C; c++) {
          const plane: Tensor = { data: input.data.slice(c * H * W, (c + 1) * H * W), shape: [1, 1, H, W] };
          const single = gridSampleCpu(plane, random, options).data; // one channel: the per-pixel path
          expect(all.slice(c * 1200, (c + 1) * 1200), `${paddingMode} align=${alignCorners} channel ${c}`).toEqual(
            single,
          );
        }
      }
    }
  });
});
