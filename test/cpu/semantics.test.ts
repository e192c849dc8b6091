// The details implementations commonly get wrong, one test each. Expected values are worked out by
// hand from PyTorch's formulas (noted beside each) or taken from the PyTorch goldens by name.
import { describe, expect, it } from 'vitest';
import { type GridSampleOptions, gridSampleCpu, type Tensor } from '../../src/index.js';
import { sampleCases } from '../helpers/golden.js';
import { expectClose, forwardTolerance } from '../helpers/tolerance.js';

const row = (...values: number[]): Tensor => ({ data: new Float32Array(values), shape: [1, 1, 1, values.length] });
const points = (...xs: number[]): Tensor => ({
  data: new Float32Array(xs.flatMap((x) => [x, 0])),
  shape: [1, 1, xs.length, 2],
});
const sample = (input: Tensor, grid: Tensor, options: GridSampleOptions) => [
  ...gridSampleCpu(input, grid, options).data,
];

function goldens(fragment: string) {
  const found = sampleCases.filter((c) => c.name.includes(fragment));
  expect(found.length, `goldens matching "${fragment}"`).toBeGreaterThan(0);
  return found;
}

function expectGoldens(fragment: string) {
  for (const c of goldens(fragment)) {
    expectClose(gridSampleCpu(c.input, c.grid, c.options), c.expected, forwardTolerance(c.options.mode), c.name);
  }
}

describe('nearest', () => {
  it('rounds half to even (W = 4, alignCorners false: x = ((g + 1) * 4 - 1) / 2)', () => {
    // g = -0.5 -> x = 0.5 -> 0; g = 0 -> 1.5 -> 2; g = 0.5 -> 2.5 -> 2; g = -1 -> -0.5 -> -0 -> 0
    expect(sample(row(10, 20, 30, 40), points(-0.5, 0, 0.5, -1), { mode: 'nearest' })).toEqual([10, 30, 30, 10]);
  });

  it('reflects before rounding, unlike onnxruntime', () => {
    // g = -1.5 -> x = -1.5, reflected about -0.5 to 0.5, rounds to pixel 0 (rounding first would give pixel 1)
    expect(sample(row(10, 20, 30, 40), points(-1.5), { mode: 'nearest', paddingMode: 'reflection' })).toEqual([10]);
  });

  it('matches PyTorch at exact half-pixel ties in float32 order, 2-D and 3-D', () => {
    expectGoldens('nearest ties');
  });
});

describe('padding', () => {
  it('bilinear clips the continuous coordinate; bicubic pads each of its 16 taps', () => {
    // g = -1 -> x = -0.5. Bilinear border samples x = 0 exactly: 0. Bicubic taps -2..1 clip to
    // pixels 0, 0, 0, 1 with weights at t = 0.5 of (-0.09375, 0.59375, 0.59375, -0.09375): -0.09375.
    const input = row(0, 1, 2, 3);
    expect(sample(input, points(-1), { mode: 'bilinear', paddingMode: 'border' })).toEqual([0]);
    expect(sample(input, points(-1), { mode: 'bicubic', paddingMode: 'border' })).toEqual([-0.09375]);
  });

  it('reflects coordinates many periods outside', () => {
    // W = 5: g = 5.3 -> x = 15.25 -> reflected 3.75 -> 37.5; g = -5.3 -> x = -11.25 -> 0.25 -> 2.5
    const out = sample(row(0, 10, 20, 30, 40), points(5.3, -5.3), { paddingMode: 'reflection' });
    expect(out[0]).toBeCloseTo(37.5, 4);
    expect(out[1]).toBeCloseTo(2.5, 4);
    expectGoldens('far');
  });
});

describe('shapes', () => {
  it('samples size-1 dimensions as PyTorch does', () => {
    // W = 1, alignCorners false: g = 0.5 -> x = 0.25 -> 7 * 0.75; alignCorners true pins x to 0
    expect(sample(row(7), points(0, 0.5), {})).toEqual([7, 5.25]);
    expect(sample(row(7), points(0.5, 3), { alignCorners: true })).toEqual([7, 7]);
    expectGoldens('size-1');
    expectGoldens('1x1');
  });

  it('returns empty outputs of the right shape', () => {
    for (const c of goldens('empty').concat(goldens('zero channels'))) {
      const out = gridSampleCpu(c.input, c.grid, c.options);
      expect(out.shape).toEqual(c.expected.shape);
      expect(out.data.length).toBe(0);
    }
  });
});

describe('non-finite grid values', () => {
  const input = row(5, 10, 20, 30);
  const modes = ['bilinear', 'nearest', 'bicubic'] as const;
  const paddings = ['zeros', 'border', 'reflection'] as const;

  it('NaN samples nothing in every mode and padding', () => {
    for (const mode of modes) {
      for (const paddingMode of paddings) {
        expect(sample(input, points(Number.NaN), { mode, paddingMode }), `${mode} ${paddingMode}`).toEqual([0]);
      }
    }
    const volume: Tensor = { data: new Float32Array(8).fill(1), shape: [1, 1, 2, 2, 2] };
    const grid3d: Tensor = { data: new Float32Array([0, Number.NaN, 0]), shape: [1, 1, 1, 1, 3] };
    expect([...gridSampleCpu(volume, grid3d, { paddingMode: 'border' }).data]).toEqual([0]);
  });

  it('±Infinity behaves like a huge finite value', () => {
    expect(sample(input, points(Infinity, -Infinity), { paddingMode: 'border' })).toEqual([30, 5]);
    expect(sample(input, points(Infinity, -Infinity), { paddingMode: 'zeros' })).toEqual([0, 0]);
    for (const mode of modes) {
      for (const paddingMode of paddings) {
        const options = { mode, paddingMode };
        expect(sample(input, points(Infinity, -Infinity), options)).toEqual(
          sample(input, points(1e30, -1e30), options),
        );
      }
    }
  });

  it('keeps the output finite wherever the input is', () => {
    const specials = [Number.NaN, Infinity, -Infinity, 1e30, -1e30, 3.4e38, -0, 1e-45, 16777217];
    for (const mode of modes) {
      for (const paddingMode of paddings) {
        for (const alignCorners of [false, true]) {
          const out = sample(input, points(...specials), { mode, paddingMode, alignCorners });
          expect(out.every(Number.isFinite), `${mode} ${paddingMode} ${alignCorners}: ${out}`).toBe(true);
        }
      }
    }
  });
});
