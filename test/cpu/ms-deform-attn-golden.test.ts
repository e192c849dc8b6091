// msDeformAttnCpu against PyTorch goldens (scripts/make_golden_msda.py): bit for bit. It follows the
// reference's float32 operations, including the fused multiply-adds of PyTorch's AVX2 grid_sample
// kernel and the addition order of its sum(-1); see src/cpu/ms-deform-attn-reference.ts. Both kernels:
// the wasm one (what msDeformAttnCpu runs) and the TypeScript one (its fallback).
import { describe, expect, it } from 'vitest';
import { msDeformAttnOn } from '../../src/cpu/ms-deform-attn.js';
import { msDeformAttnCpu } from '../../src/index.js';
import { msdaCases, msdaTorchVersion } from '../helpers/golden-msda.js';
import { expectSameBits, firstBitDifference } from '../wasm/bits.js';

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

  // 'wasm-simd' throws where WebAssembly SIMD is missing: every engine the tests run on has it
  const kernels = ['wasm-simd', 'typescript'] as const;
  it.each(kernels.flatMap((k) => msdaCases.map((c) => [`${k}: ${c.name}`, k, c] as const)))('%s', (_, kernel, c) => {
    const out = msDeformAttnOn(kernel, c.value, c.spatialShapes, c.samplingLocations, c.attentionWeights);
    expectSameBits(out, c.expected, c.name);
  });

  it('the bitwise comparison catches a one-ulp error (negative control)', () => {
    const c = msdaCases.find((x) => x.name.startsWith('decoder-sized'))!;
    const out = msDeformAttnCpu(c.value, c.spatialShapes, c.samplingLocations, c.attentionWeights);
    const i = out.data.findIndex((v) => v !== 0);
    const bits = new Uint32Array(out.data.buffer, out.data.byteOffset, out.data.length);
    bits[i] += 1; // the next float32 away from zero
    expect(firstBitDifference(out.data, c.expected.data)).toBe(i);
    expect(() => expectSameBits(out, c.expected, c.name)).toThrow(/first bitwise difference/);
  });
});
