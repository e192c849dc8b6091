// Negative controls for the GPU paths (see test/cpu/negative-controls.test.ts): GPU results checked
// against PyTorch goldens, peers' cases and the CPU reference, each moved 10x its tolerance away in one
// element (one float32 step where exact) or with a small gradient zeroed, must be rejected by the check
// the real test uses; so must whole-result mistakes a kernel bug would make.
import { describe, expect, it } from 'vitest';
import { gridSampleBackwardCpu, gridSampleCpu, type Tensor } from '../../src/index.js';
import {
  compareConformance,
  conformanceAvailable,
  conformanceCases,
  conformanceOnGpu,
  conformanceTolerance,
  expectedOf,
} from '../helpers/conformance.js';
import { sampleCases } from '../helpers/golden.js';
import { backwardCases, goldenGradientScales } from '../helpers/golden-backward.js';
import { createTestDevice, useTestSampler } from '../helpers/gpu.js';
import { gradInputScale, gradientScales } from '../helpers/gradient-scale.js';
import { expectSame } from '../helpers/hostile.js';
import { peakIndex, pushedOut, zeroedSmallest } from '../helpers/negative-control.js';
import { randomTensor } from '../helpers/random.js';
import {
  type CompareOptions,
  compare,
  expectClose,
  forwardTolerance,
  TOLERANCE,
  type Tolerance,
} from '../helpers/tolerance.js';

const device = await createTestDevice();

/** The check passes on the GPU's result and fails on `bad`. */
function expectCaught(
  good: Tensor,
  bad: Tensor,
  expected: Tensor,
  tolerance: Tolerance,
  label: string,
  options: CompareOptions = {},
) {
  expectClose(good, expected, tolerance, `${label} (GPU, unchanged)`, options);
  expect(() => expectClose(bad, expected, tolerance, label, options), label).toThrow(/outside the tolerance/);
}

describe.skipIf(!device)('negative controls on WebGPU results', async () => {
  const sampler = await useTestSampler(device as GPUDevice);

  it('PyTorch goldens, forward: one random golden per mode and rank rejects one element off', async () => {
    const picked = sampleCases.filter((c) => c.name.endsWith(' random') && c.options.paddingMode === 'reflection');
    expect(picked.length).toBeGreaterThanOrEqual(5);
    for (const c of picked) {
      const out = await sampler.gridSample(c.input, c.grid, c.options);
      const tolerance = forwardTolerance(c.options.mode);
      expectCaught(
        out,
        pushedOut(out, c.expected, peakIndex(c.expected.data), tolerance),
        c.expected,
        tolerance,
        c.name,
      );
    }
  });

  it('PyTorch goldens, backward: one element off and a small gradient zeroed are rejected', async () => {
    const picked = backwardCases.filter((c) => c.name.endsWith(' random') && c.options.paddingMode === 'zeros');
    expect(picked.length).toBeGreaterThanOrEqual(5);
    let zeroed = 0;
    for (const c of picked) {
      const grads = await sampler.gridSampleBackward(c.gradOutput, c.input, c.grid, c.options);
      const scales = goldenGradientScales(c);
      for (const [out, expected, options] of [
        [grads.gradInput, c.expectedGradInput, scales.gradInput],
        [grads.gradGrid, c.expectedGradGrid, scales.gradGrid],
      ] as const) {
        const tolerance = TOLERANCE.backward;
        const off = pushedOut(out, expected, peakIndex(expected.data), tolerance, options);
        expectCaught(out, off, expected, tolerance, c.name, options);
        const small = zeroedSmallest(out, expected, 1e-4);
        if (!small) continue;
        expect(() => expectClose(small.tensor, expected, tolerance, c.name, options)).toThrow(/outside the tolerance/);
        zeroed++;
      }
    }
    expect(zeroed).toBeGreaterThanOrEqual(5);
  });

  it.skipIf(!conformanceAvailable)("peers' conformance cases: every case rejects one element off", async () => {
    for (const c of conformanceCases) {
      const out = await conformanceOnGpu(sampler, c);
      const expected = expectedOf(c);
      const { tolerance, scale } = conformanceTolerance(c);
      const bad = pushedOut(out, expected, peakIndex(expected.data), tolerance, scale === undefined ? {} : { scale });
      expect(compareConformance(c, out.data).ok, `${c.source} ${c.name}`).toBe(true);
      expect(compareConformance(c, bad.data).ok, `${c.source} ${c.name} perturbed`).toBe(false);
    }
  });

  it('GPU against the CPU reference: one element off, forward and backward, and a small gradient zeroed', async () => {
    const input = randomTensor([2, 3, 6, 5], 1);
    const grid = randomTensor([2, 4, 7, 2], 2, -1.2, 1.2);
    for (const mode of ['bilinear', 'nearest', 'bicubic'] as const) {
      const reference = gridSampleCpu(input, grid, { mode });
      const out = await sampler.gridSample(input, grid, { mode });
      const tolerance = forwardTolerance(mode);
      const bad = pushedOut(out, reference, peakIndex(reference.data), tolerance);
      expectCaught(out, bad, reference, tolerance, mode);
      // the fuzzers' check
      expect(() => expectSame({ ok: true, value: bad }, { ok: true, value: reference }, mode, tolerance)).toThrow(
        /outside the tolerance/,
      );
    }
    const gradOutput = randomTensor([2, 3, 4, 7], 3);
    const reference = gridSampleBackwardCpu(gradOutput, input, grid, { mode: 'bicubic' });
    const out = await sampler.gridSampleBackward(gradOutput, input, grid, { mode: 'bicubic' });
    const scales = gradientScales(gradOutput, input, grid, { mode: 'bicubic' }, reference);
    for (const key of ['gradInput', 'gradGrid'] as const) {
      const expected = reference[key];
      const options = scales[key];
      const bad = pushedOut(out[key], expected, peakIndex(expected.data), TOLERANCE.backward, options);
      expectCaught(out[key], bad, expected, TOLERANCE.backward, key, options);
      const small = zeroedSmallest(out[key], expected, 1e-3); // the scales here reach ~30: 1e-3 is small
      expect(small, key).toBeDefined();
      expect(() => expectClose(small?.tensor as Tensor, expected, TOLERANCE.backward, key, options)).toThrow(
        /outside the tolerance/,
      );
    }
  });

  it('GPU against the CPU reference: whole-result mistakes (alignCorners, padding, a half-pixel shift) fail', async () => {
    const input = randomTensor([1, 2, 8, 9], 4);
    const grid = randomTensor([1, 5, 6, 2], 5, -1.1, 1.1);
    const reference = gridSampleCpu(input, grid, { mode: 'bilinear', paddingMode: 'zeros' });
    const shifted = { data: grid.data.map((v, i) => (i % 2 ? v : v + 1 / 9)), shape: grid.shape }; // half a pixel in x
    for (const wrong of [
      await sampler.gridSample(input, grid, { alignCorners: true }),
      await sampler.gridSample(input, grid, { paddingMode: 'border' }),
      await sampler.gridSample(input, shifted),
    ]) {
      expect(compare(wrong.data, reference.data, TOLERANCE.forward).ok).toBe(false);
    }
  });

  it('the scatter check rejects a GPU gradInput against a reference that lost one of its 16,384 adds', async () => {
    const input = randomTensor([1, 2, 2, 2], 1);
    const grid: Tensor = { data: new Float32Array(128 * 128 * 2).fill(0.1), shape: [1, 128, 128, 2] };
    const gradOutput = randomTensor([1, 2, 128, 128], 2);
    const options = { mode: 'bicubic', paddingMode: 'border' } as const;
    const out = (await sampler.gridSampleBackward(gradOutput, input, grid, options)).gradInput;
    const lost = { data: gradOutput.data.slice(), shape: gradOutput.shape };
    lost.data[lost.data.findIndex((v) => Math.abs(Math.abs(v) - 0.1) < 0.01)] = 0; // a term of |0.1| x weight
    const full = gridSampleBackwardCpu(gradOutput, input, grid, options).gradInput;
    const missing = gridSampleBackwardCpu(lost, input, grid, options).gradInput;
    const scale = gradInputScale(gradOutput, input, grid, options, full);
    expect(compare(out.data, full.data, TOLERANCE.scatter, { scale }).ok).toBe(true);
    expect(compare(out.data, missing.data, TOLERANCE.scatter, { scale }).ok).toBe(false);
  });
});
