// Where the engine has no WebAssembly (or no SIMD), msDeformAttnCpu runs its TypeScript kernel: the same
// PyTorch bits, and the 'wasm-simd' kernel refuses to run instead of returning zeros.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { msdaCases } from '../helpers/golden-msda.js';
import { expectSameBits } from '../wasm/bits.js';

afterEach(() => {
  vi.unstubAllGlobals();
  vi.resetModules();
});

describe('msDeformAttnCpu without WebAssembly', () => {
  it('falls back to the TypeScript kernel, bit for bit the goldens', async () => {
    vi.stubGlobal('WebAssembly', undefined);
    vi.resetModules(); // a fresh module, which has not compiled the kernel yet
    const { msDeformAttnCpu, msDeformAttnOn } = await import('../../src/cpu/ms-deform-attn.js');
    const cases = msdaCases.filter((c) => !c.name.startsWith('decoder-sized')).slice(0, 8);
    expect(cases.length).toBe(8);
    for (const c of cases) {
      const out = msDeformAttnCpu(c.value, c.spatialShapes, c.samplingLocations, c.attentionWeights);
      expectSameBits(out, c.expected, c.name);
    }
    const c = cases[0];
    expect(() =>
      msDeformAttnOn('wasm-simd', c.value, c.spatialShapes, c.samplingLocations, c.attentionWeights),
    ).toThrow(/WebAssembly SIMD kernel cannot run here/);
  });
});
