// layout: 'nhwc' in the CPU backward: the PyTorch autograd goldens transposed to channels last, and the
// channels-first gradients transposed, on seeded random cases of every mode, padding and alignCorners in
// 2-D and 3-D. Channels last only changes strides, so it must equal channels first exactly.
import { describe, expect, it } from 'vitest';
import { gridSampleBackwardCpu, type Tensor } from '../../src/index.js';
import { backwardOptionGrid, randomBackwardCase } from '../helpers/backward-cases.js';
import { GOLDEN_COUNTS } from '../helpers/counts.js';
import { backwardCases, backwardTorchVersion, goldenGradientScales } from '../helpers/golden-backward.js';
import { toChannelsFirst, toChannelsLast } from '../helpers/layout.js';
import { expectClose, TOLERANCE } from '../helpers/tolerance.js';

const seed = Number(process.env.LAYOUT_SEED ?? 20_260_112);

describe(`CPU backward with layout 'nhwc' (seed ${seed}; replay with LAYOUT_SEED=${seed})`, () => {
  it('covers every backward golden, and every mode x padding x alignCorners in 2-D and 3-D', () => {
    expect(backwardCases).toHaveLength(GOLDEN_COUNTS.backward);
    expect([backwardOptionGrid(2).length, backwardOptionGrid(3).length]).toEqual([18, 12]);
  });

  it.each(backwardCases.map((c) => [c.name, c] as const))(
    `PyTorch ${backwardTorchVersion} golden %s, transposed`,
    (_, c) => {
      const options = { ...c.options, layout: 'nhwc' } as const;
      const { gradInput, gradGrid } = gridSampleBackwardCpu(
        toChannelsLast(c.gradOutput),
        toChannelsLast(c.input),
        c.grid,
        options,
      );
      expect(gradInput.shape).toEqual(toChannelsLast(c.input).shape);
      const scales = goldenGradientScales(c);
      const back = toChannelsFirst(gradInput);
      expectClose(back, c.expectedGradInput, TOLERANCE.backward, `${c.name} gradInput`, scales.gradInput);
      expectClose(gradGrid, c.expectedGradGrid, TOLERANCE.backward, `${c.name} gradGrid`, scales.gradGrid);
    },
  );

  for (const dims of [2, 3] as const) {
    it.each(backwardOptionGrid(dims).map((o, i) => [`${o.mode} ${o.paddingMode} ${o.alignCorners}`, o, i] as const))(
      `${dims}-D %s equals the channels-first gradients transposed, exactly`,
      (_, options, i) => {
        for (const channels of [1, 3, 4]) {
          const { input, grid, gradOutput } = randomBackwardCase(dims, seed + 100 * i + 10 * channels + dims, channels);
          const first = gridSampleBackwardCpu(gradOutput, input, grid, options);
          const last = gridSampleBackwardCpu(toChannelsLast(gradOutput), toChannelsLast(input), grid, {
            ...options,
            layout: 'nhwc',
          });
          const label = `C = ${channels}`;
          expect(last.gradInput.shape, label).toEqual(toChannelsLast(input).shape);
          expect(toChannelsFirst(last.gradInput).data, `${label} gradInput`).toEqual(first.gradInput.data);
          expect(last.gradGrid.data, `${label} gradGrid`).toEqual(first.gradGrid.data);
          // not all zero: the cases reach inside the input
          expect(first.gradInput.data.some((v) => v !== 0)).toBe(true);
        }
      },
    );
  }

  it('checks gradOutput against the channels-last output shape', () => {
    const t = (shape: number[]): Tensor => ({ data: new Float32Array(shape.reduce((a, b) => a * b, 1)), shape });
    const call = () => gridSampleBackwardCpu(t([1, 3, 2, 4]), t([1, 5, 6, 3]), t([1, 2, 4, 2]), { layout: 'nhwc' });
    expect(call).toThrow(RangeError);
    expect(call).toThrow(/gradOutput must have the shape of grid_sample\(input, grid\), \[1, 2, 4, 3\]/);
  });
});
