// The wasm backend against the TypeScript reference, bit for bit, on every PyTorch golden (both
// layouts) and every forward case of the peers' test suites, on 1 and 2 threads; the peer cases are
// also checked against their own expected values.
import { afterAll, describe, expect, it } from 'vitest';
import { gridSampleCpu, WasmSampler } from '../../src/index.js';
import { compareConformance, conformanceAvailable, conformanceCases } from '../helpers/conformance.js';
import { sampleCases } from '../helpers/golden.js';
import { toChannelsFirst, toChannelsLast } from '../helpers/layout.js';
import { describeComparison } from '../helpers/tolerance.js';
import { expectSameBits } from './bits.js';

const samplers = await Promise.all([WasmSampler.create({ threads: 1 }), WasmSampler.create({ threads: 2 })]);
afterAll(() => {
  for (const s of samplers) s.destroy();
});

it('runs the SIMD kernels here, on 1 and on 2 threads', () => {
  expect(samplers.map((s) => [s.kernel, s.threads])).toEqual([
    ['wasm-simd', 1],
    ['wasm-simd', 2],
  ]);
});

describe.each(samplers.map((s) => [s.threads, s] as const))('%i thread(s)', (_, sampler) => {
  it(`equals gridSampleCpu bit for bit on all ${sampleCases.length} PyTorch goldens, channels first`, async () => {
    expect(sampleCases.length).toBeGreaterThan(20);
    for (const c of sampleCases) {
      expectSameBits(
        await sampler.gridSample(c.input, c.grid, c.options),
        gridSampleCpu(c.input, c.grid, c.options),
        c.name,
      );
    }
  });

  it('equals gridSampleCpu bit for bit on the goldens with channels-last input', async () => {
    for (const c of sampleCases) {
      const options = { ...c.options, layout: 'nhwc' } as const;
      const input = toChannelsLast(c.input);
      const out = await sampler.gridSample(input, c.grid, options);
      expectSameBits(out, gridSampleCpu(input, c.grid, options), `${c.name} (nhwc)`);
      expectSameBits(toChannelsFirst(out), gridSampleCpu(c.input, c.grid, c.options), `${c.name} (nhwc vs nchw)`);
    }
  });

  // (without the file, outside CI: conformance.ts warns; under CI its absence already fails)
  it.skipIf(!conformanceAvailable)(
    'equals gridSampleCpu bit for bit on every forward peer conformance case, and meets their values',
    async () => {
      const cases = conformanceCases.filter((c) => c.kind === 'grid_sample');
      expect(cases.length).toBeGreaterThan(50);
      for (const c of cases) {
        if (c.kind !== 'grid_sample') continue;
        const options = { mode: c.mode, paddingMode: c.paddingMode, alignCorners: c.alignCorners };
        const out = await sampler.gridSample(c.input, c.grid, options);
        expectSameBits(out, gridSampleCpu(c.input, c.grid, options), `${c.source} ${c.name}`);
        const result = compareConformance(c, out.data);
        expect(result.ok, `${c.source} ${c.name}: ${describeComparison(result)}`).toBe(true);
      }
    },
  );
});
