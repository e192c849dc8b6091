import { describe, expect, it } from 'vitest';
import { affineGridCpu, gridFromFlow, gridSampleCpu, type Tensor } from '../../src/index.js';
import { maxAbsDiff } from '../helpers/compare.js';
import { randomTensor } from '../helpers/random.js';

describe('gridFromFlow', () => {
  it('shifts by whole pixels: output[y][x] = input[y + dy][x + dx], zero outside', () => {
    const [n, c, h, w] = [2, 3, 5, 7];
    const input = randomTensor([n, c, h, w], 1);
    const flow: Tensor = { data: new Float32Array(n * h * w * 2), shape: [n, h, w, 2] };
    const shift = [
      [2, -1],
      [-3, 1],
    ];
    for (let b = 0; b < n; b++) {
      for (let p = 0; p < h * w; p++) flow.data.set(shift[b], (b * h * w + p) * 2);
    }
    for (const alignCorners of [false, true]) {
      for (const mode of ['bilinear', 'nearest'] as const) {
        const out = gridSampleCpu(input, gridFromFlow(flow, { alignCorners }), { mode, alignCorners });
        for (let b = 0; b < n; b++) {
          const [dx, dy] = shift[b];
          for (let ch = 0; ch < c; ch++) {
            for (let y = 0; y < h; y++) {
              for (let x = 0; x < w; x++) {
                const sx = x + dx;
                const sy = y + dy;
                const inside = sx >= 0 && sx < w && sy >= 0 && sy < h;
                const expected = inside ? input.data[((b * c + ch) * h + sy) * w + sx] : 0;
                expect(out.data[((b * c + ch) * h + y) * w + x]).toBeCloseTo(expected, 5);
              }
            }
          }
        }
      }
    }
  });

  it('gives the identity grid of affine_grid for zero flow, in 2-D and 3-D', () => {
    for (const alignCorners of [false, true]) {
      const zero2d = { data: new Float32Array(2 * 4 * 6 * 2), shape: [2, 4, 6, 2] };
      const identity2d = affineGridCpu(
        { data: new Float32Array([1, 0, 0, 0, 1, 0, 1, 0, 0, 0, 1, 0]), shape: [2, 2, 3] },
        [2, 1, 4, 6],
        { alignCorners },
      );
      expect(maxAbsDiff(gridFromFlow(zero2d, { alignCorners }).data, identity2d.data)).toBeLessThan(1e-6);
      const zero3d = { data: new Float32Array(3 * 4 * 5 * 3), shape: [1, 3, 4, 5, 3] };
      const theta3d = { data: new Float32Array([1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0]), shape: [1, 3, 4] };
      const identity3d = affineGridCpu(theta3d, [1, 1, 3, 4, 5], { alignCorners });
      expect(maxAbsDiff(gridFromFlow(zero3d, { alignCorners }).data, identity3d.data)).toBeLessThan(1e-6);
    }
  });

  it('rejects a flow of the wrong shape', () => {
    expect(() => gridFromFlow({ data: new Float32Array(12), shape: [1, 2, 2, 3] })).toThrow(
      /flow must be \[N, H, W, 2\] or \[N, D, H, W, 3\].*got \[1, 2, 2, 3\]/,
    );
  });
});
