// Large input planes take the CPU reference's plane-by-plane bilinear path (src/cpu/grid-sample-2d.ts,
// from 2^18 elements a plane with C > 1), which the small golden shapes never reach.
import { describe, expect, it } from 'vitest';
import { gridSampleCpu, type Tensor } from '../../src/index.js';
import { randomTensor } from '../helpers/random.js';

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

  it('reproduces a linear input where all four taps are inside', () => {
    for (const [i, [gx, gy]] of points.entries()) {
      const px = ((gx + 1) * W - 1) / 2;
      const py = ((gy + 1) * H - 1) / 2;
      if (!(px >= 0 && px < W - 1 && py >= 0 && py < H - 1)) continue;
      for (let c = 0; c < C; c++) expect(out.data[c * points.length + i]).toBeCloseTo(c + px / 2 - py / 4, 3);
    }
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
