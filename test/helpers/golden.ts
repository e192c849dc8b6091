// Loads the PyTorch goldens written by scripts/make_golden.py.
import { readFileSync } from 'node:fs';
import type { GridSampleOptions, Tensor } from '../../src/index.js';

interface Encoded {
  shape: number[];
  data: string;
}

export interface SampleCase {
  op: 'grid_sample';
  name: string;
  options: Required<Omit<GridSampleOptions, 'layout'>>;
  input: Tensor;
  grid: Tensor;
  expected: Tensor;
}

export interface AffineCase {
  op: 'affine_grid';
  name: string;
  options: { alignCorners: boolean };
  theta: Tensor;
  size: number[];
  expected: Tensor;
}

function decode({ shape, data }: Encoded): Tensor {
  const bytes = Buffer.from(data, 'base64');
  const copy = new Uint8Array(bytes); // aligned copy
  return { shape, data: new Float32Array(copy.buffer, 0, copy.length / 4) };
}

const raw = JSON.parse(readFileSync(new URL('../fixtures/golden.json', import.meta.url), 'utf8'));

export const goldenTorchVersion: string = raw.torch;

export const sampleCases: SampleCase[] = raw.cases
  .filter((c: { op: string }) => c.op === 'grid_sample')
  .map((c: Record<string, unknown>) => ({
    ...c,
    input: decode(c.input as Encoded),
    grid: decode(c.grid as Encoded),
    expected: decode(c.expected as Encoded),
  }));

export const affineCases: AffineCase[] = raw.cases
  .filter((c: { op: string }) => c.op === 'affine_grid')
  .map((c: Record<string, unknown>) => ({
    ...c,
    theta: decode(c.theta as Encoded),
    expected: decode(c.expected as Encoded),
  }));
