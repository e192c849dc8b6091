// Negative controls: every comparison path of the suite fails on a wrong answer. Each takes a correct
// result (the CPU reference's, which passes), moves one element 10x its tolerance away (one float32
// step where the tolerance is exact) or zeroes a small gradient, and asserts that the check the real
// test uses rejects it. The GPU paths are in test/gpu/negative-controls.test.ts.
import { describe, expect, it } from 'vitest';
import {
  affineGridBackwardCpu,
  affineGridCpu,
  gridSampleBackwardCpu,
  gridSampleCpu,
  type Tensor,
} from '../../src/index.js';
import {
  compareConformance,
  conformanceAvailable,
  conformanceCases,
  conformanceOnCpu,
  conformanceTolerance,
  expectedOf,
} from '../helpers/conformance.js';
import { affineCases, sampleCases } from '../helpers/golden.js';
import {
  affineBackwardCases,
  backwardCases,
  goldenGradientScales,
  transformerCases,
} from '../helpers/golden-backward.js';
import { gradInputScale } from '../helpers/gradient-scale.js';
import { expectSame } from '../helpers/hostile.js';
import { allowanceAt, peakIndex, pushedOut, zeroedSmallest } from '../helpers/negative-control.js';
import { randomTensor } from '../helpers/random.js';
import {
  affineGridScale,
  type CompareOptions,
  compare,
  expectClose,
  forwardTolerance,
  peakScale,
  TOLERANCE,
  type Tolerance,
} from '../helpers/tolerance.js';

/** Gradients above this magnitude must never pass when returned as 0 (221 of 19,377 did under 1e-3 x peak). */
const SMALL_GRADIENT = 1e-4;

/** The check a test runs passes on `good` and fails on `bad`. */
function expectCaught(good: Tensor, bad: Tensor, expected: Tensor, tolerance: Tolerance, label: string) {
  expectClose(good, expected, tolerance, `${label} (correct)`);
  expect(() => expectClose(bad, expected, tolerance, label), label).toThrow(/outside the tolerance/);
}

describe('negative controls: the comparison itself', () => {
  const t = (...v: number[]): Tensor => ({ data: Float32Array.from(v), shape: [v.length] });

  it('rejects NaN for a number, a number for NaN, infinities that differ, and lengths or shapes that differ', () => {
    const f = TOLERANCE.forward;
    expect(compare([Number.NaN], [1], f).ok).toBe(false);
    expect(compare([1], [Number.NaN], f).ok).toBe(false);
    expect(compare([1e30], [Infinity], f).ok).toBe(false);
    expect(compare([-Infinity], [Infinity], f).ok).toBe(false);
    expect(compare([Infinity], [3.4e38], f).ok).toBe(false);
    expect(compare([1, 2], [1, 2, 3], f).ok).toBe(false);
    expect(() => expectClose({ data: new Float32Array(4), shape: [2, 2] }, t(0, 0, 0, 0), f)).toThrow(/shape/);
    // and accepts equal non-finite values and subnormals flushed to zero (WGSL may flush them)
    expect(compare([Number.NaN, Infinity, 0, -1e-39], [Number.NaN, Infinity, 1e-40, 0], TOLERANCE.nearest).ok).toBe(
      true,
    );
  });

  it('takes its scale from finite values only: one infinity or NaN does not loosen the rest', () => {
    expect(peakScale([Infinity, Number.NaN, -3, 2])).toBe(3);
    expect(compare(t(Infinity, 1.1).data, t(Infinity, 1).data, TOLERANCE.forward).ok).toBe(false);
  });

  it('scales affine_grid values by their own theta row: a huge row does not loosen the others', () => {
    // two batch items: theta 0 holds 1e30, theta 1 is near identity
    const theta = new Float32Array([1e30, 0, 0, 0, 1, 0, 1, 0, 0, 0, 1, 0]);
    const scale = affineGridScale(theta, [2, 1, 1, 2]);
    expect([...scale]).toEqual([1e30, 1, 1e30, 1, 1, 1, 1, 1].map(Math.fround));
    const expected = affineGridCpu({ data: theta, shape: [2, 2, 3] }, [2, 1, 1, 2]);
    const off = expected.data.slice();
    off[5] += 1e-4; // batch item 1, y of point 0: an error a whole-tensor peak of 1e30 would hide
    expect(compare(expected.data, expected.data, TOLERANCE.affine, { scale }).ok).toBe(true);
    expect(compare(off, expected.data, TOLERANCE.affine, { scale }).ok).toBe(false);
  });
});

describe('negative controls: PyTorch goldens, forward', () => {
  it.each(['bilinear', 'nearest', 'bicubic'] as const)(
    'every %s golden rejects one element off by 10x its tolerance',
    (mode) => {
      const cases = sampleCases.filter((c) => c.options.mode === mode && c.expected.data.length > 0);
      expect(cases.length).toBeGreaterThan(10);
      for (const c of cases) {
        const out = gridSampleCpu(c.input, c.grid, c.options);
        const tolerance = forwardTolerance(mode);
        const bad = pushedOut(out, c.expected, peakIndex(c.expected.data), tolerance);
        expectCaught(out, bad, c.expected, tolerance, c.name);
      }
    },
  );

  it('every affine_grid golden rejects one element off by 10x its tolerance', () => {
    for (const c of affineCases) {
      const out = affineGridCpu(c.theta, c.size, c.options);
      expectCaught(
        out,
        pushedOut(out, c.expected, peakIndex(c.expected.data), TOLERANCE.affine),
        c.expected,
        TOLERANCE.affine,
        c.name,
      );
    }
  });
});

describe('negative controls: PyTorch goldens, backward', () => {
  /** Every gradient golden with the compare options its test uses. */
  const goldenGradients = (): [Tensor, Tolerance, CompareOptions, string][] => [
    ...backwardCases.flatMap((c) => {
      const scales = goldenGradientScales(c);
      return [
        [c.expectedGradInput, TOLERANCE.backward, scales.gradInput, `${c.name} gradInput`],
        [c.expectedGradGrid, TOLERANCE.backward, scales.gradGrid, `${c.name} gradGrid`],
      ] as [Tensor, Tolerance, CompareOptions, string][];
    }),
    ...transformerCases.map((c): [Tensor, Tolerance, CompareOptions, string] => {
      const grid = affineGridCpu(c.theta, c.gradOutput.shape, { alignCorners: c.options.alignCorners });
      const scale = gradInputScale(c.gradOutput, c.input, grid, c.options, c.expectedGradInput);
      return [c.expectedGradInput, TOLERANCE.backward, { scale }, `${c.name} gradInput`];
    }),
    ...affineBackwardCases.map((c): [Tensor, Tolerance, CompareOptions, string] => [
      c.expectedGradTheta,
      TOLERANCE.affineBackward,
      {},
      c.name,
    ]),
    ...transformerCases.map((c): [Tensor, Tolerance, CompareOptions, string] => [
      c.expectedGradTheta,
      TOLERANCE.affineBackward,
      {},
      `${c.name} gradTheta`,
    ]),
  ];

  it('every grid_sample gradient golden rejects one element off by 10x its tolerance, and a small gradient zeroed', () => {
    let zeroed = 0;
    for (const c of backwardCases) {
      const grads = gridSampleBackwardCpu(c.gradOutput, c.input, c.grid, c.options);
      const scales = goldenGradientScales(c);
      for (const [out, expected, options, which] of [
        [grads.gradInput, c.expectedGradInput, scales.gradInput, 'gradInput'],
        [grads.gradGrid, c.expectedGradGrid, scales.gradGrid, 'gradGrid'],
      ] as const) {
        if (expected.data.length === 0) continue;
        const label = `${c.name} ${which}`;
        const tolerance = TOLERANCE.backward;
        expectClose(out, expected, tolerance, `${label} (correct)`, options);
        const off = pushedOut(out, expected, peakIndex(expected.data), tolerance, options);
        expect(() => expectClose(off, expected, tolerance, label, options), label).toThrow(/outside the tolerance/);
        const small = zeroedSmallest(out, expected, SMALL_GRADIENT);
        if (!small) continue;
        expect(
          () => expectClose(small.tensor, expected, tolerance, label, options),
          `${label} #${small.index} zeroed`,
        ).toThrow(/outside the tolerance/);
        zeroed++;
      }
    }
    expect(zeroed).toBeGreaterThan(200);
  });

  it('no golden gradient above 1e-4 in magnitude passes when returned as 0', () => {
    let values = 0;
    let passing = 0;
    for (const [expected, tolerance, options] of goldenGradients()) {
      for (let i = 0; i < expected.data.length; i++) {
        if (!(Math.abs(expected.data[i]) > SMALL_GRADIENT)) continue;
        values++;
        if (Math.abs(expected.data[i]) <= allowanceAt(expected.data, i, tolerance, options)) passing++;
      }
    }
    console.log(`golden gradients above ${SMALL_GRADIENT}: ${values}; would pass as 0: ${passing}`);
    expect(values).toBeGreaterThan(20_000);
    expect(passing).toBe(0);
  });

  it('every affine_grid backward and spatial transformer golden rejects one element off by 10x its tolerance', () => {
    for (const c of affineBackwardCases) {
      const out = affineGridBackwardCpu(c.gradGrid, c.size, c.options);
      const bad = pushedOut(out, c.expectedGradTheta, peakIndex(c.expectedGradTheta.data), TOLERANCE.affineBackward);
      expectCaught(out, bad, c.expectedGradTheta, TOLERANCE.affineBackward, c.name);
    }
    for (const c of transformerCases) {
      const size = c.gradOutput.shape;
      const align = { alignCorners: c.options.alignCorners };
      const { gradGrid } = gridSampleBackwardCpu(c.gradOutput, c.input, affineGridCpu(c.theta, size, align), c.options);
      const out = affineGridBackwardCpu(gradGrid, size, align);
      const bad = pushedOut(out, c.expectedGradTheta, peakIndex(c.expectedGradTheta.data), TOLERANCE.affineBackward);
      expectCaught(out, bad, c.expectedGradTheta, TOLERANCE.affineBackward, c.name);
    }
  });
});

describe.skipIf(!conformanceAvailable)("negative controls: peers' conformance cases", () => {
  it('every case rejects one element off by 10x its own tolerance', () => {
    for (const c of conformanceCases) {
      const out = conformanceOnCpu(c);
      const expected = expectedOf(c);
      const { tolerance, scale } = conformanceTolerance(c);
      const bad = pushedOut(out, expected, peakIndex(expected.data), tolerance, scale === undefined ? {} : { scale });
      expect(compareConformance(c, out.data).ok, `${c.source} ${c.name}`).toBe(true);
      expect(compareConformance(c, bad.data).ok, `${c.source} ${c.name} perturbed`).toBe(false);
    }
  });

  it('every backward case rejects its smallest gradient above 1e-4 zeroed', () => {
    let zeroed = 0;
    for (const c of conformanceCases.filter((k) => k.kind === 'grid_sample_backward')) {
      const small = zeroedSmallest(conformanceOnCpu(c), expectedOf(c), SMALL_GRADIENT);
      if (!small) continue; // nearest: every grid gradient is 0
      expect(compareConformance(c, small.tensor.data).ok, `${c.name} #${small.index} zeroed`).toBe(false);
      zeroed++;
    }
    expect(zeroed).toBeGreaterThanOrEqual(10); // 12 bilinear and bicubic cases, 2 with all-zero gradients
  });
});

describe("negative controls: the fuzzers' GPU-against-CPU check (expectSame), on CPU results", () => {
  it('rejects one element off by 10x the tolerance, forward and backward', () => {
    const input = randomTensor([1, 2, 5, 6], 3);
    const grid = randomTensor([1, 4, 3, 2], 4, -1.2, 1.2);
    for (const mode of ['bilinear', 'nearest', 'bicubic'] as const) {
      const reference = gridSampleCpu(input, grid, { mode });
      const tolerance = forwardTolerance(mode);
      const bad = pushedOut(reference, reference, peakIndex(reference.data), tolerance);
      expect(() => expectSame({ ok: true, value: bad }, { ok: true, value: reference }, mode, tolerance)).toThrow(
        /outside the tolerance/,
      );
    }
    const gradOutput = randomTensor([1, 2, 4, 3], 5);
    const { gradGrid } = gridSampleBackwardCpu(gradOutput, input, grid);
    const bad = pushedOut(gradGrid, gradGrid, 0, TOLERANCE.backward);
    expect(() =>
      expectSame({ ok: true, value: bad }, { ok: true, value: gradGrid }, 'gradGrid', TOLERANCE.backward),
    ).toThrow(/outside the tolerance/);
  });
});

describe('negative controls: the scatter check under contention', () => {
  it('rejects a gradInput that lost one of its 16,384 adds', () => {
    const input = randomTensor([1, 2, 2, 2], 1);
    const grid: Tensor = { data: new Float32Array(128 * 128 * 2).fill(0.1), shape: [1, 128, 128, 2] };
    const gradOutput = randomTensor([1, 2, 128, 128], 2);
    const options = { mode: 'bilinear', paddingMode: 'border' } as const;
    const expected = gridSampleBackwardCpu(gradOutput, input, grid, options).gradInput;
    const scale = gradInputScale(gradOutput, input, grid, options, expected);
    // the smallest term that matters: grad_output of 0.1 at one point
    const lost = { data: gradOutput.data.slice(), shape: gradOutput.shape };
    const at = lost.data.findIndex((v) => Math.abs(Math.abs(v) - 0.1) < 0.01);
    lost.data[at] = 0;
    const missing = gridSampleBackwardCpu(lost, input, grid, options).gradInput;
    expect(compare(expected.data, expected.data, TOLERANCE.scatter, { scale }).ok).toBe(true);
    expect(compare(missing.data, expected.data, TOLERANCE.scatter, { scale }).ok).toBe(false);
  });
});
