// The CPU reference against peers' conformance cases (../shared/conformance/peer_cases.json: onnxruntime,
// PyTorch's test_nn.py, burn, executorch), each within its own tolerance. Under CI a missing file fails.
import { afterAll, describe, expect, it } from 'vitest';
import {
  CONFORMANCE_PATH,
  ConformanceReport,
  conformanceAvailable,
  conformanceCases,
  conformanceFileCount,
  conformanceOnCpu,
  expectedOf,
  loadConformanceCases,
  MIN_CONFORMANCE_CASES,
} from '../helpers/conformance.js';
import { describeComparison } from '../helpers/tolerance.js';

const report = new ConformanceReport();

describe.skipIf(!conformanceAvailable)(`CPU reference against peers' cases (${CONFORMANCE_PATH})`, () => {
  afterAll(() => console.log(report.lines('cpu').join('\n')));

  it('registers every case of the file, at least 117, of every kind and source', () => {
    expect(conformanceCases).toHaveLength(conformanceFileCount);
    expect(conformanceCases.length).toBeGreaterThanOrEqual(MIN_CONFORMANCE_CASES);
    expect(new Set(conformanceCases.map((c) => c.kind))).toEqual(
      new Set(['grid_sample', 'grid_sample_backward', 'affine_grid']),
    );
    expect(new Set(conformanceCases.map((c) => c.source))).toEqual(
      new Set(['ort-cc', 'ort-custom', 'torch-test_nn', 'burn', 'executorch']),
    );
  });

  it.each(conformanceCases.map((c) => [`${c.source} ${c.name}`, c] as const))('%s', (_, c) => {
    const out = conformanceOnCpu(c);
    expect(out.shape).toEqual(expectedOf(c).shape);
    const result = report.add(c, out.data);
    expect(result.ok, describeComparison(result)).toBe(true);
  });
});

describe('the conformance file', () => {
  it('is required under CI: a missing file throws rather than registering no cases', () => {
    const missing = `${CONFORMANCE_PATH}.missing`;
    expect(() => loadConformanceCases(missing, true)).toThrow(/conformance cases missing: .*peer_cases\.json\.missing/);
    expect(loadConformanceCases(missing, false)).toEqual([]);
  });
});
