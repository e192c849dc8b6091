// msDeformAttnCpu against PyTorch goldens (scripts/make_golden_msda.py): bit for bit. It follows the
// reference's float32 operations, including the fused multiply-adds of PyTorch's AVX2 grid_sample
// kernel and the addition order of its sum(-1); see src/cpu/ms-deform-attn.ts.
import { describe, expect, it } from 'vitest';
import { msDeformAttnCpu, type Tensor } from '../../src/index.js';
import { msdaCases, msdaTorchVersion } from '../helpers/golden-msda.js';

/** The first element where the two differ (NaN equals NaN), or -1 when they are equal bit for bit. */
function firstDifference(actual: Float32Array, expected: Float32Array): number {
  if (actual.length !== expected.length) return Math.min(actual.length, expected.length);
  for (let i = 0; i < actual.length; i++) {
    const a = actual[i];
    const e = expected[i];
    if (!(Object.is(a, e) || (Number.isNaN(a) && Number.isNaN(e)))) return i;
  }
  return -1;
}

function expectBitExact(actual: Tensor, expected: Tensor, label: string): void {
  expect([...actual.shape], `${label} shape`).toEqual([...expected.shape]);
  const i = firstDifference(actual.data, expected.data);
  expect(i, `${label}: element ${i} is ${actual.data[i]}, PyTorch's ${expected.data[i]}`).toBe(-1);
}

describe(`msDeformAttnCpu against PyTorch ${msdaTorchVersion} goldens`, () => {
  it('has goldens for every L and P in 1..4, size-1 levels, d not a multiple of 4 and the decoder-sized case', () => {
    const lp = new Set(msdaCases.map((c) => `${c.samplingLocations.shape[3]}x${c.samplingLocations.shape[4]}`));
    for (let l = 1; l <= 4; l++) for (let p = 1; p <= 4; p++) expect(lp.has(`${l}x${p}`), `L=${l} P=${p}`).toBe(true);
    expect(msdaCases.some((c) => c.spatialShapes.some(([h, w]) => h === 1 && w === 1))).toBe(true);
    expect(msdaCases.some((c) => c.value.shape[3] % 4 !== 0)).toBe(true);
    expect(msdaCases.some((c) => c.value.shape[1] === 8400 && c.value.shape[2] === 8 && c.value.shape[3] === 32)).toBe(
      true,
    );
  });

  it.each(msdaCases.map((c) => [c.name, c] as const))('%s', (_, c) => {
    const out = msDeformAttnCpu(c.value, c.spatialShapes, c.samplingLocations, c.attentionWeights);
    expectBitExact(out, c.expected, c.name);
  });

  it('the exact comparison catches a one-ulp error (negative control)', () => {
    const c = msdaCases.find((x) => x.name.startsWith('decoder-sized'))!;
    const out = msDeformAttnCpu(c.value, c.spatialShapes, c.samplingLocations, c.attentionWeights);
    const i = out.data.findIndex((v) => v !== 0);
    const bits = new Uint32Array(out.data.buffer, out.data.byteOffset, out.data.length);
    bits[i] += 1; // the next float32 away from zero
    expect(firstDifference(out.data, c.expected.data)).toBe(i);
    expect(() => expectBitExact(out, c.expected, c.name)).toThrow(/PyTorch's/);
  });
});
