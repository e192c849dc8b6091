import { describe, expect, it } from 'vitest';
import { affineGridBackwardCpu, affineGridCpu, gridSampleBackwardCpu } from '../../src/index.js';
import { GOLDEN_COUNTS } from '../helpers/counts.js';
import {
  affineBackwardCases,
  backwardCases,
  backwardTorchVersion,
  goldenGradientScales,
  transformerCases,
} from '../helpers/golden-backward.js';
import { gradInputScale } from '../helpers/gradient-scale.js';
import { expectClose, TOLERANCE } from '../helpers/tolerance.js';

describe(`CPU backward against PyTorch ${backwardTorchVersion} autograd goldens`, () => {
  it('has gradient goldens for every mode x padding x alignCorners in 2-D and 3-D, and every case of the fixture', () => {
    const combos = new Set(
      backwardCases.map(
        (c) => `${c.input.shape.length}|${c.options.mode}|${c.options.paddingMode}|${c.options.alignCorners}`,
      ),
    );
    expect(combos.size).toBe(2 * 3 * 3 + 2 * 2 * 3);
    expect(backwardCases).toHaveLength(GOLDEN_COUNTS.backward);
    expect(affineBackwardCases).toHaveLength(GOLDEN_COUNTS.affineBackward);
    expect(transformerCases).toHaveLength(GOLDEN_COUNTS.transformer);
  });

  it.each(backwardCases.map((c) => [c.name, c] as const))('grid_sample backward %s', (_, c) => {
    const { gradInput, gradGrid } = gridSampleBackwardCpu(c.gradOutput, c.input, c.grid, c.options);
    const scales = goldenGradientScales(c);
    expectClose(gradInput, c.expectedGradInput, TOLERANCE.backward, `${c.name} gradInput`, scales.gradInput);
    expectClose(gradGrid, c.expectedGradGrid, TOLERANCE.backward, `${c.name} gradGrid`, scales.gradGrid);
  });

  it.each(affineBackwardCases.map((c) => [c.name, c] as const))('%s backward', (_, c) => {
    const gradTheta = affineGridBackwardCpu(c.gradGrid, c.size, c.options);
    expectClose(gradTheta, c.expectedGradTheta, TOLERANCE.affineBackward, c.name);
  });

  it.each(transformerCases.map((c) => [c.name, c] as const))('%s', (_, c) => {
    const align = { alignCorners: c.options.alignCorners };
    const size = c.gradOutput.shape; // the output size given to affine_grid
    const grid = affineGridCpu(c.theta, size, align);
    const { gradInput, gradGrid } = gridSampleBackwardCpu(c.gradOutput, c.input, grid, c.options);
    const gradTheta = affineGridBackwardCpu(gradGrid, size, align);
    expectClose(gradTheta, c.expectedGradTheta, TOLERANCE.affineBackward, `${c.name} gradTheta`);
    const scale = gradInputScale(c.gradOutput, c.input, grid, c.options, c.expectedGradInput);
    expectClose(gradInput, c.expectedGradInput, TOLERANCE.backward, `${c.name} gradInput`, { scale });
  });
});
