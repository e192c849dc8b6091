import { describe, expect, it } from 'vitest';
import { affineGridCpu, gridSampleCpu } from '../../src/index.js';
import { GOLDEN_COUNTS } from '../helpers/counts.js';
import { affineCases, goldenTorchVersion, sampleCases } from '../helpers/golden.js';
import { expectClose, forwardTolerance, TOLERANCE } from '../helpers/tolerance.js';

describe(`CPU reference against PyTorch ${goldenTorchVersion} goldens`, () => {
  it('has goldens for every mode x padding x alignCorners in 2-D and 3-D, and every case of the fixture', () => {
    const combos = new Set(
      sampleCases.map(
        (c) => `${c.input.shape.length}|${c.options.mode}|${c.options.paddingMode}|${c.options.alignCorners}`,
      ),
    );
    expect(combos.size).toBe(2 * 3 * 3 + 2 * 2 * 3);
    expect(sampleCases).toHaveLength(GOLDEN_COUNTS.sample);
    expect(affineCases).toHaveLength(GOLDEN_COUNTS.affine);
  });

  it.each(sampleCases.map((c) => [c.name, c] as const))('grid_sample %s', (_, c) => {
    const out = gridSampleCpu(c.input, c.grid, c.options);
    expectClose(out, c.expected, forwardTolerance(c.options.mode), c.name);
  });

  it.each(affineCases.map((c) => [c.name, c] as const))('%s', (_, c) => {
    const out = affineGridCpu(c.theta, c.size, c.options);
    expectClose(out, c.expected, TOLERANCE.affine, c.name);
  });
});
