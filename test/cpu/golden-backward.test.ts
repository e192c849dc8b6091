import { describe, expect, it } from 'vitest';
import { affineGridBackwardCpu, affineGridCpu, gridSampleBackwardCpu } from '../../src/index.js';
import { expectTensorClose } from '../helpers/compare.js';
import {
  affineBackwardCases,
  backwardCases,
  backwardTorchVersion,
  gradientTolerance,
  transformerCases,
} from '../helpers/golden-backward.js';

describe(`CPU backward against PyTorch ${backwardTorchVersion} autograd goldens`, () => {
  it('has gradient goldens for every mode x padding x alignCorners in 2-D and 3-D', () => {
    const combos = new Set(
      backwardCases.map(
        (c) => `${c.input.shape.length}|${c.options.mode}|${c.options.paddingMode}|${c.options.alignCorners}`,
      ),
    );
    expect(combos.size).toBe(2 * 3 * 3 + 2 * 2 * 3);
  });

  it.each(backwardCases.map((c) => [c.name, c] as const))('grid_sample backward %s', (_, c) => {
    const { gradInput, gradGrid } = gridSampleBackwardCpu(c.gradOutput, c.input, c.grid, c.options);
    expectTensorClose(
      gradInput,
      c.expectedGradInput,
      gradientTolerance(c.expectedGradInput.data),
      `${c.name} gradInput`,
    );
    expectTensorClose(gradGrid, c.expectedGradGrid, gradientTolerance(c.expectedGradGrid.data), `${c.name} gradGrid`);
  });

  it.each(affineBackwardCases.map((c) => [c.name, c] as const))('%s backward', (_, c) => {
    const gradTheta = affineGridBackwardCpu(c.gradGrid, c.size, c.options);
    expectTensorClose(gradTheta, c.expectedGradTheta, gradientTolerance(c.expectedGradTheta.data), c.name);
  });

  it.each(transformerCases.map((c) => [c.name, c] as const))('%s', (_, c) => {
    const align = { alignCorners: c.options.alignCorners };
    const size = c.gradOutput.shape; // the output size given to affine_grid
    const grid = affineGridCpu(c.theta, size, align);
    const { gradInput, gradGrid } = gridSampleBackwardCpu(c.gradOutput, c.input, grid, c.options);
    const gradTheta = affineGridBackwardCpu(gradGrid, size, align);
    expectTensorClose(
      gradTheta,
      c.expectedGradTheta,
      gradientTolerance(c.expectedGradTheta.data),
      `${c.name} gradTheta`,
    );
    expectTensorClose(
      gradInput,
      c.expectedGradInput,
      gradientTolerance(c.expectedGradInput.data),
      `${c.name} gradInput`,
    );
  });
});
