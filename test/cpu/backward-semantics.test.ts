// The gradient details PyTorch autograd has and implementations get wrong, one test each, with values
// worked out by hand from PyTorch's formulas (noted beside each). Row input [0, 10, 20, 30]: W = 4, H = 1.
import { describe, expect, it } from 'vitest';
import {
  affineGridBackwardCpu,
  type GridSampleBackwardOptions,
  gridSampleBackwardCpu,
  gridSampleCpu,
  type Tensor,
} from '../../src/index.js';

const row: Tensor = { data: new Float32Array([0, 10, 20, 30]), shape: [1, 1, 1, 4] };
const points = (...xs: number[]): Tensor => ({
  data: new Float32Array(xs.flatMap((x) => [x, 0])),
  shape: [1, 1, xs.length, 2],
});
const ones = (n: number): Tensor => ({ data: new Float32Array(n).fill(1), shape: [1, 1, 1, n] });

function backward(grid: Tensor, options: GridSampleBackwardOptions) {
  const { gradInput, gradGrid } = gridSampleBackwardCpu(ones(grid.shape[2]), row, grid, options);
  return { gradInput: [...gradInput.data], gradGrid: [...gradGrid.data] };
}

describe('grid gradient', () => {
  it('is d out / d x times d x / d grid (W = 4, alignCorners false: x = ((g + 1) * 4 - 1) / 2, dx/dg = 2)', () => {
    // g = -0.125 -> x = 1.25: out = 12.5, d out / d x = 20 - 10 = 10 -> 20. Along y (H = 1, y = 0) the
    // south row is zero padding: d out / d y = (0 - 10) * 0.75 + (0 - 20) * 0.25 = -12.5, dy/dg = 0.5.
    const { gradInput, gradGrid } = backward(points(-0.125), {});
    expect(gradGrid).toEqual([20, -6.25]);
    expect(gradInput).toEqual([0, 0.75, 0.25, 0]);
  });

  it('is 0 for a clipped coordinate, the borders included (border padding)', () => {
    // x = 1.25 is inside: 20; y = 0 sits on the border, which PyTorch counts as out of bounds: 0.
    expect(backward(points(-0.125), { paddingMode: 'border' }).gradGrid).toEqual([20, 0]);
    // g = -0.75 -> x = 0 exactly: zeros padding sees the slope 10 * 2; border padding clips it to 0.
    expect(backward(points(-0.75), {}).gradGrid[0]).toBe(20);
    expect(backward(points(-0.75), { paddingMode: 'border' }).gradGrid[0]).toBe(0);
    // g = -1.2 -> x = -0.9, clipped to 0: the gradient of a clipped coordinate is 0.
    expect(backward(points(-1.2), { paddingMode: 'border' })).toEqual({ gradInput: [1, 0, 0, 0], gradGrid: [0, 0] });
  });

  it('flips its sign under reflection', () => {
    // g = -1.375 -> x = -1.25, reflected about -0.5 to 0.25: out = 2.5, d out / d x = -10 * 2 = -20.
    const { gradInput, gradGrid } = backward(points(-1.375), { paddingMode: 'reflection' });
    expect(gradGrid[0]).toBe(-20);
    expect(gradInput).toEqual([0.75, 0.25, 0, 0]);
    // g = 1.875 -> x = 5.25, reflected about 3.5 to 1.75: a falling stretch again, -10 * 2 = -20.
    expect(backward(points(1.875), { paddingMode: 'reflection' }).gradGrid[0]).toBe(-20);
    // g = 3.875 -> x = 9.25, one period (8) further: x - 8 = 1.25 rising again: +20.
    expect(backward(points(3.875), { paddingMode: 'reflection' }).gradGrid[0]).toBe(20);
  });

  it('is 0 in nearest mode, whose gradInput counts the picks', () => {
    // x = 1.25 and 1.4 pick pixel 1, x = 2.6 picks pixel 3
    const { gradInput, gradGrid } = backward(points(-0.125, -0.05, 0.55), { mode: 'nearest' });
    expect(gradGrid).toEqual([0, 0, 0, 0, 0, 0]);
    expect(gradInput).toEqual([0, 2, 0, 1]);
  });

  it('nearest ties go where the forward picked: half to even, in 2-D and 3-D', () => {
    // g = -0.5 -> x = 0.5 -> pixel 0; g = 0.5 -> x = 2.5 -> pixel 2 (PyTorch 1.13's 2-D backward agrees;
    // its 3-D kernels round half away from zero, fixed in PyTorch 2.1)
    expect(backward(points(-0.5, 0.5), { mode: 'nearest' }).gradInput).toEqual([1, 0, 1, 0]);
    const volume: Tensor = { data: new Float32Array(4), shape: [1, 1, 1, 1, 4] };
    const grid3d: Tensor = { data: new Float32Array([-0.5, 0, 0, 0.5, 0, 0]), shape: [1, 1, 1, 2, 3] };
    const gradOutput: Tensor = { data: new Float32Array([1, 1]), shape: [1, 1, 1, 1, 2] };
    const { gradInput } = gridSampleBackwardCpu(gradOutput, volume, grid3d, { mode: 'nearest' });
    expect([...gradInput.data]).toEqual([1, 0, 1, 0]);
  });

  it('bicubic: comes from the cubic weights, not scaled by the tap padding', () => {
    // g = -1 -> x = -0.5, t = 0.5, taps -2..1 clip to pixels 0, 0, 0, 1 (border). d weights / d t at 0.5:
    // (0.1875, -1.3125, 1.3125, -0.1875); only tap 1 holds a non-zero value: -0.1875 * 10 * 2 = -3.75.
    // Bilinear clips the continuous coordinate instead, so its gradient there is 0.
    expect(backward(points(-1), { mode: 'bicubic', paddingMode: 'border' }).gradGrid[0]).toBeCloseTo(-3.75, 6);
    expect(backward(points(-1), { mode: 'bilinear', paddingMode: 'border' }).gradGrid[0]).toBe(0);
  });

  it('is 0 along a size-1 dimension with alignCorners (the coordinate is pinned to 0)', () => {
    expect(backward(points(-0.125), { alignCorners: true }).gradGrid[1]).toBe(0);
  });
});

describe('non-finite grid values', () => {
  it('NaN sampled nothing, so it gets no gradient and gives none', () => {
    for (const mode of ['bilinear', 'nearest', 'bicubic'] as const) {
      for (const paddingMode of ['zeros', 'border', 'reflection'] as const) {
        const nan: Tensor = { data: new Float32Array([Number.NaN, 0]), shape: [1, 1, 1, 2] };
        expect(backward(nan, { mode, paddingMode }), `${mode} ${paddingMode}`).toEqual({
          gradInput: [0, 0, 0, 0],
          gradGrid: [0, 0],
        });
      }
    }
    const volume: Tensor = { data: new Float32Array(8).fill(1), shape: [1, 1, 2, 2, 2] };
    const grid3d: Tensor = { data: new Float32Array([0.1, Number.NaN, 0.2]), shape: [1, 1, 1, 1, 3] };
    const { gradInput, gradGrid } = gridSampleBackwardCpu(
      { data: new Float32Array([1]), shape: [1, 1, 1, 1, 1] },
      volume,
      grid3d,
    );
    expect([...gradInput.data, ...gradGrid.data]).toEqual(new Array(11).fill(0));
  });

  it('±Infinity is held by the ±2^24 clamp: grid gradient 0, gradInput where the forward sampled', () => {
    const { gradInput, gradGrid } = backward(points(Infinity, -Infinity), { paddingMode: 'border' });
    expect(gradGrid).toEqual([0, 0, 0, 0]);
    expect(gradInput).toEqual([1, 0, 0, 1]);
    // and the forward agrees: the edge pixels were sampled
    expect([...gridSampleCpu(row, points(Infinity, -Infinity), { paddingMode: 'border' }).data]).toEqual([30, 0]);
  });
});

describe('affine_grid backward', () => {
  it('sums gradGrid times the base coordinates (x, y, 1)', () => {
    // 1 x 2 grid, alignCorners true: base x = -1, 1; y = 0. gradGrid rows (gx, gy) = (1, 2), (3, 4).
    const gradGrid: Tensor = { data: new Float32Array([1, 2, 3, 4]), shape: [1, 1, 2, 2] };
    const gradTheta = affineGridBackwardCpu(gradGrid, [1, 1, 1, 2], { alignCorners: true });
    // row x: (1 * -1 + 3 * 1, 0, 1 + 3); row y: (2 * -1 + 4 * 1, 0, 2 + 4)
    expect(gradTheta.shape).toEqual([1, 2, 3]);
    expect([...gradTheta.data]).toEqual([2, 0, 4, 2, 0, 6]);
  });
});

describe('bad input gets a specific error', () => {
  const input: Tensor = { data: new Float32Array(18), shape: [1, 2, 3, 3] };
  const grid: Tensor = { data: new Float32Array(8), shape: [1, 2, 2, 2] };
  const gradOutput: Tensor = { data: new Float32Array(8), shape: [1, 2, 2, 2] };
  it.each([
    [
      'gradOutput shape',
      () => gridSampleBackwardCpu({ data: new Float32Array(12), shape: [1, 2, 2, 3] }, input, grid),
      RangeError,
      /gradOutput must have the shape of grid_sample\(input, grid\), \[1, 2, 2, 2\] for input \[1, 2, 3, 3\] and grid \[1, 2, 2, 2\], got \[1, 2, 2, 3\]/,
    ],
    [
      'gradOutput data type',
      () => gridSampleBackwardCpu({ data: new Float64Array(8) as never, shape: [1, 2, 2, 2] }, input, grid),
      TypeError,
      /gradOutput.data must be a Float32Array, got Float64Array/,
    ],
    [
      'forward checks still apply',
      () => gridSampleBackwardCpu(gradOutput, input, grid, { mode: 'cubic' as never }),
      TypeError,
      /mode must be one of/,
    ],
    [
      'gradGrid shape',
      () => affineGridBackwardCpu({ data: new Float32Array(8), shape: [1, 2, 2, 2] }, [1, 1, 2, 3]),
      RangeError,
      /gradGrid must have the shape of affine_grid\(theta, size\), \[1, 2, 3, 2\] for size \[1, 1, 2, 3\], got \[1, 2, 2, 2\]/,
    ],
    [
      'affine size',
      () => affineGridBackwardCpu(grid, [2, 2]),
      RangeError,
      /size must be \[N, C, H, W\] or \[N, C, D, H, W\]/,
    ],
  ] as const)('%s', (_, call, type, message) => {
    expect(call).toThrow(type);
    expect(call).toThrow(message);
  });
});
