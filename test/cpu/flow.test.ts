import { describe, expect, it } from 'vitest';
import { affineGridCpu, gridFromFlow, gridSampleCpu, type Tensor } from '../../src/index.js';
import { randomTensor } from '../helpers/random.js';
import { expectClose, forwardTolerance, TOLERANCE } from '../helpers/tolerance.js';

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
        const expected = new Float32Array(out.data.length);
        for (let b = 0; b < n; b++) {
          const [dx, dy] = shift[b];
          for (let ch = 0; ch < c; ch++) {
            for (let y = 0; y < h; y++) {
              for (let x = 0; x < w; x++) {
                const sx = x + dx;
                const sy = y + dy;
                const inside = sx >= 0 && sx < w && sy >= 0 && sy < h;
                expected[((b * c + ch) * h + y) * w + x] = inside ? input.data[((b * c + ch) * h + sy) * w + sx] : 0;
              }
            }
          }
        }
        // whole pixels land on pixel centres up to the grid's float32 rounding: nearest copies exactly
        expectClose(out, { data: expected, shape: out.shape }, forwardTolerance(mode), `${mode} align ${alignCorners}`);
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
      expectClose(gridFromFlow(zero2d, { alignCorners }), identity2d, TOLERANCE.affine);
      const zero3d = { data: new Float32Array(3 * 4 * 5 * 3), shape: [1, 3, 4, 5, 3] };
      const theta3d = { data: new Float32Array([1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0]), shape: [1, 3, 4] };
      const identity3d = affineGridCpu(theta3d, [1, 1, 3, 4, 5], { alignCorners });
      expectClose(gridFromFlow(zero3d, { alignCorners }), identity3d, TOLERANCE.affine);
    }
  });

  it('puts fractional displacements where PyTorch unnormalizes them back to pixels (hand-worked values)', () => {
    // a 1 x 3 image (W = 3, H = 1): points (0, 0), (1, 0), (2, 0) move to x = 0.5, 0.75, 5.75 and
    // y = 0, 1.5, -2. alignCorners false: g = (2 p + 1) / size - 1, so x -> -1/3, -1/6, 19/6 and
    // y -> 0, 3, -4
    const flow: Tensor = { data: new Float32Array([0.5, 0, -0.25, 1.5, 3.75, -2]), shape: [1, 1, 3, 2] };
    expect([...gridFromFlow(flow).data]).toEqual([-1 / 3, 0, -1 / 6, 3, 19 / 6, -4].map(Math.fround));
    // alignCorners true: g = 2 p / (size - 1) - 1 for x, so -0.5, -0.25, 4.75; y has size 1, where
    // every grid value addresses the one row: 0
    expect([...gridFromFlow(flow, { alignCorners: true }).data]).toEqual([-0.5, 0, -0.25, 0, 4.75, 0].map(Math.fround));
  });

  // Bilinear (trilinear) interpolation reproduces a linear function exactly, so a linear input sampled
  // through gridFromFlow(flow) must give that function at (x + dx, y + dy[, z + dz]) wherever every tap
  // is inside: an independent reference for any real-valued flow.
  it.each([
    ['2-D', [2, 3, 6, 9]],
    ['3-D', [1, 2, 4, 5, 6]],
  ] as const)('fractional flows sample a linear input at x + dx, %s, both alignCorners', (_, fixed) => {
    const shape: number[] = [...fixed];
    const [n, c, ...spatial] = shape;
    const dims = spatial.length;
    const sizes = [...spatial].reverse(); // x, y[, z]
    const slope = [0.75, -1.25, 0.5]; // per axis, plus 2 per channel
    const linear = (ch: number, at: number[]) => 2 * ch + at.reduce((sum, v, a) => sum + slope[a] * v, 0);
    const input: Tensor = { data: new Float32Array(shape.reduce((a, b) => a * b, 1)), shape };
    const points = spatial.reduce((a, b) => a * b, 1);
    const coordinate = (p: number) =>
      sizes.map((_, a) => Math.floor(p / sizes.slice(0, a).reduce((x, y) => x * y, 1)) % sizes[a]);
    for (let b = 0; b < n; b++)
      for (let ch = 0; ch < c; ch++)
        for (let p = 0; p < points; p++) input.data[(b * c + ch) * points + p] = linear(ch, coordinate(p));
    // displacements up to 2.5 pixels each way, fractional
    const flow = randomTensor([n, ...spatial, dims], 7, -2.5, 2.5);
    for (const alignCorners of [false, true]) {
      const out = gridSampleCpu(input, gridFromFlow(flow, { alignCorners }), { alignCorners });
      const expected: number[] = [];
      const got: number[] = [];
      for (let b = 0; b < n; b++) {
        for (let p = 0; p < points; p++) {
          const at = coordinate(p).map((v, a) => v + flow.data[(b * points + p) * dims + a]);
          if (!at.every((v, a) => v >= 0 && v <= sizes[a] - 1)) continue; // a tap outside: zeros padding
          for (let ch = 0; ch < c; ch++) {
            expected.push(linear(ch, at));
            got.push(out.data[(b * c + ch) * points + p]);
          }
        }
      }
      expect(expected.length, 'points with every tap inside').toBeGreaterThan(points / 4);
      expectClose(
        { data: Float32Array.from(got), shape: [got.length] },
        { data: Float32Array.from(expected), shape: [expected.length] },
        forwardTolerance('bilinear'),
        `alignCorners ${alignCorners}`,
      );
    }
  });

  it('rejects a flow of the wrong shape', () => {
    expect(() => gridFromFlow({ data: new Float32Array(12), shape: [1, 2, 2, 3] })).toThrow(
      /flow must be \[N, H, W, 2\] or \[N, D, H, W, 3\].*got \[1, 2, 2, 3\]/,
    );
  });
});
