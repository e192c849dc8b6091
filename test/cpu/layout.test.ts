// layout: 'nhwc' on the CPU reference: the PyTorch goldens (channels-first) transposed to channels-last
// must come out of the channels-last path, and the two layouts must agree to the last bit.
import { describe, expect, it } from 'vitest';
import { gridSample, gridSampleCpu, type Tensor } from '../../src/index.js';
import { goldenTorchVersion, sampleCases } from '../helpers/golden.js';
import { toChannelsFirst, toChannelsLast } from '../helpers/layout.js';
import { randomTensor } from '../helpers/random.js';
import { expectClose, forwardTolerance } from '../helpers/tolerance.js';

const t = (shape: number[]): Tensor => ({ data: new Float32Array(shape.reduce((a, b) => a * b, 1)), shape });

describe(`CPU reference with layout 'nhwc' against PyTorch ${goldenTorchVersion} goldens, transposed`, () => {
  it.each(sampleCases.map((c) => [c.name, c] as const))('grid_sample %s', (_, c) => {
    const options = { ...c.options, layout: 'nhwc' } as const;
    const out = gridSampleCpu(toChannelsLast(c.input), c.grid, options);
    const expected = toChannelsLast(c.expected);
    expectClose(out, expected, forwardTolerance(c.options.mode), c.name);
    // the same arithmetic as channels-first: identical to the last bit
    expect(toChannelsFirst(out).data, c.name).toEqual(gridSampleCpu(c.input, c.grid, c.options).data);
  });

  it("'nchw' is the default", () => {
    const c = sampleCases[0];
    expect(gridSampleCpu(c.input, c.grid, { ...c.options, layout: 'nchw' }).data).toEqual(
      gridSampleCpu(c.input, c.grid, c.options).data,
    );
  });

  it('equals channels-first on a large input (where channels-first samples plane by plane), every padding', () => {
    const input = randomTensor([1, 3, 520, 512], 11);
    const grid = randomTensor([1, 24, 20, 2], 12, -1.2, 1.2);
    grid.data[5] = Number.NaN;
    for (const paddingMode of ['zeros', 'border', 'reflection'] as const) {
      const options = { mode: 'bilinear', paddingMode, alignCorners: false } as const;
      const last = gridSampleCpu(toChannelsLast(input), grid, { ...options, layout: 'nhwc' });
      expect(toChannelsFirst(last).data, paddingMode).toEqual(gridSampleCpu(input, grid, options).data);
    }
  });

  it('gridSample(backend: cpu) passes the layout through', async () => {
    // a 3-D golden with C > 1, so reading it channels first would give other values
    const c = sampleCases.find((s) => s.input.shape.length === 5 && s.input.shape[1] > 1 && s.expected.data.length > 0);
    if (!c) throw new Error('no 3-D golden with several channels');
    const out = await gridSample(toChannelsLast(c.input), c.grid, { ...c.options, layout: 'nhwc', backend: 'cpu' });
    expectClose(out, toChannelsLast(c.expected), forwardTolerance(c.options.mode), c.name);
  });
});

describe('layout errors name the channels-last shapes', () => {
  const nhwc = { layout: 'nhwc' } as const;
  it.each([
    [
      'wrong input rank',
      () => gridSampleCpu(t([2, 3, 3]), t([2, 1, 1, 2]), nhwc),
      RangeError,
      /input must be 4-D \[N, H, W, C\] or 5-D \[N, D, H, W, C\] \(layout 'nhwc'\), got 3-D/,
    ],
    [
      'empty spatial dim',
      () => gridSampleCpu(t([1, 0, 3, 2]), t([1, 1, 1, 2]), nhwc),
      RangeError,
      /input spatial dimensions must be non-empty, got input \[1, 0, 3, 2\] \(\[N, H, W, C\]\)/,
    ],
    [
      'spatial dim too large',
      () => gridSampleCpu({ data: new Float32Array(0), shape: [0, 2 ** 24 + 1, 1, 0] }, t([0, 1, 1, 2]), nhwc),
      RangeError,
      /input spatial dimension 1 is 16777217/,
    ],
    [
      'bicubic 5-D',
      () => gridSampleCpu(t([1, 2, 2, 2, 1]), t([1, 1, 1, 1, 3]), { ...nhwc, mode: 'bicubic' }),
      RangeError,
      /'bicubic' supports only 4-D input \[N, H, W, C\]/,
    ],
    [
      'unknown layout',
      () => gridSampleCpu(t([1, 1, 2, 2]), t([1, 1, 1, 2]), { layout: 'NHWC' as never }),
      TypeError,
      /layout must be 'nchw' \(channels first, \[N, C, H, W\]\) or 'nhwc' \(channels last, \[N, H, W, C\]\), got "NHWC"/,
    ],
    [
      'non-string layout',
      () => gridSampleCpu(t([1, 1, 2, 2]), t([1, 1, 1, 2]), { layout: 1 as never }),
      TypeError,
      /layout must be 'nchw'/,
    ],
  ] as const)('%s', (_, call, type, message) => {
    expect(call).toThrow(type);
    expect(call).toThrow(message);
  });

  it('reads the channels from the last dimension: [1, 2, 3, 5] is 5 channels of 2 x 3', () => {
    const out = gridSampleCpu(t([1, 2, 3, 5]), t([1, 4, 6, 2]), nhwc);
    expect(out.shape).toEqual([1, 4, 6, 5]);
    const out3d = gridSampleCpu(t([2, 2, 3, 4, 7]), t([2, 1, 5, 6, 3]), nhwc);
    expect(out3d.shape).toEqual([2, 1, 5, 6, 7]);
  });
});
