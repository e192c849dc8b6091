// Loads the PyTorch autograd goldens written by scripts/make_golden_backward.py.
import { readFileSync } from 'node:fs';
import type { GridSampleOptions, Tensor } from '../../src/index.js';
import { gradientScales } from './gradient-scale.js';

interface Encoded {
  shape: number[];
  data: string;
}

export interface BackwardCase {
  op: 'grid_sample_backward';
  name: string;
  options: Required<Omit<GridSampleOptions, 'layout'>>;
  gradOutput: Tensor;
  input: Tensor;
  grid: Tensor;
  expectedGradInput: Tensor;
  expectedGradGrid: Tensor;
}

export interface AffineBackwardCase {
  op: 'affine_grid_backward';
  name: string;
  options: { alignCorners: boolean };
  size: number[];
  gradGrid: Tensor;
  expectedGradTheta: Tensor;
}

export interface TransformerCase {
  op: 'spatial_transformer';
  name: string;
  options: Required<Omit<GridSampleOptions, 'layout'>>;
  theta: Tensor;
  input: Tensor;
  gradOutput: Tensor;
  expectedGradTheta: Tensor;
  expectedGradInput: Tensor;
}

function decode({ shape, data }: Encoded): Tensor {
  const copy = new Uint8Array(Buffer.from(data, 'base64')); // aligned copy
  return { shape, data: new Float32Array(copy.buffer, 0, copy.length / 4) };
}

/** Decodes every field that holds an encoded tensor. */
function decodeCase<T>(raw: Record<string, unknown>): T {
  const out: Record<string, unknown> = { ...raw };
  for (const [key, value] of Object.entries(raw)) {
    if (value && typeof value === 'object' && 'data' in value && 'shape' in value) out[key] = decode(value as Encoded);
  }
  return out as T;
}

const raw = JSON.parse(readFileSync(new URL('../fixtures/golden-backward.json', import.meta.url), 'utf8'));
const all: Record<string, unknown>[] = raw.cases;
const ofOp = <T>(op: string): T[] => all.filter((c) => c.op === op).map((c) => decodeCase<T>(c));

export const backwardTorchVersion: string = raw.torch;
export const backwardCases = ofOp<BackwardCase>('grid_sample_backward');
export const affineBackwardCases = ofOp<AffineBackwardCase>('affine_grid_backward');
export const transformerCases = ofOp<TransformerCase>('spatial_transformer');

/** The per-element scales (gradient-scale.ts) of a grid_sample backward golden's two gradients. */
export function goldenGradientScales(c: BackwardCase) {
  return gradientScales(c.gradOutput, c.input, c.grid, c.options, {
    gradInput: c.expectedGradInput,
    gradGrid: c.expectedGradGrid,
  });
}
