// Loads the multi-scale deformable attention goldens written by scripts/make_golden_msda.py (PyTorch's
// multi_scale_deformable_attn_pytorch formulation, scripts/msda_reference.py).
import { readFileSync } from 'node:fs';
import type { Tensor } from '../../src/index.js';
import { randomTensor } from './random.js';

interface Encoded {
  shape: number[];
  data: string;
}

/** A value tensor too big to store: regenerated from its seed (mulberry32, as the script does). */
interface Generated {
  generator: 'mulberry32';
  seed: number;
  lo: number;
  hi: number;
  shape: number[];
  /** float64 sum of the generated values, checked after regeneration */
  sum: number;
}

export interface MsdaCase {
  name: string;
  spatialShapes: [number, number][];
  value: Tensor;
  samplingLocations: Tensor;
  attentionWeights: Tensor;
  expected: Tensor;
}

function decode({ shape, data }: Encoded): Tensor {
  const bytes = Buffer.from(data, 'base64');
  const copy = new Uint8Array(bytes); // aligned copy
  return { shape, data: new Float32Array(copy.buffer, 0, copy.length / 4) };
}

function regenerate(spec: Generated): Tensor {
  const tensor = randomTensor(spec.shape, spec.seed, spec.lo, spec.hi);
  let sum = 0;
  for (const v of tensor.data) sum += v;
  if (sum !== spec.sum) {
    throw new Error(`golden-msda.json: value regenerated from seed ${spec.seed} sums to ${sum}, not ${spec.sum}`);
  }
  return tensor;
}

const raw = JSON.parse(readFileSync(new URL('../fixtures/golden-msda.json', import.meta.url), 'utf8'));

export const msdaTorchVersion: string = raw.torch;

export const msdaCases: MsdaCase[] = raw.cases.map((c: Record<string, unknown>) => {
  const value = c.value as Encoded | Generated;
  return {
    name: c.name as string,
    spatialShapes: c.spatialShapes as [number, number][],
    value: 'generator' in value ? regenerate(value) : decode(value),
    samplingLocations: decode(c.samplingLocations as Encoded),
    attentionWeights: decode(c.attentionWeights as Encoded),
    expected: decode(c.expected as Encoded),
  };
});

/** PyTorch's `sum(-1)` over 3 rows of `n` terms (the terms regenerated from their seed). */
export interface SumCase {
  n: number;
  terms: Tensor;
  expected: Tensor;
}

export const sumCases: SumCase[] = raw.sums.map((c: { n: number; terms: Generated; expected: Encoded }) => ({
  n: c.n,
  terms: regenerate(c.terms),
  expected: decode(c.expected),
}));
