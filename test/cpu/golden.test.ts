import { describe, expect, it } from 'vitest';
import { affineGridCpu, gridSampleCpu } from '../../src/index.js';
import { expectTensorClose, toleranceFor } from '../helpers/compare.js';
import { affineCases, goldenTorchVersion, sampleCases } from '../helpers/golden.js';

describe(`CPU reference against PyTorch ${goldenTorchVersion} goldens`, () => {
  it('has goldens for every mode x padding x alignCorners in 2-D and 3-D', () => {
    const combos = new Set(
      sampleCases.map(
        (c) => `${c.input.shape.length}|${c.options.mode}|${c.options.paddingMode}|${c.options.alignCorners}`,
      ),
    );
    expect(combos.size).toBe(2 * 3 * 3 + 2 * 2 * 3);
  });

  it.each(sampleCases.map((c) => [c.name, c] as const))('grid_sample %s', (_, c) => {
    const out = gridSampleCpu(c.input, c.grid, c.options);
    expectTensorClose(out, c.expected, toleranceFor(c.options.mode, c.expected.data), c.name);
  });

  it.each(affineCases.map((c) => [c.name, c] as const))('%s', (_, c) => {
    const out = affineGridCpu(c.theta, c.size, c.options);
    expectTensorClose(out, c.expected, toleranceFor('bilinear', c.expected.data), c.name);
  });
});
