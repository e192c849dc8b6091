// The forward grid_sample cases of other projects' test suites (../shared/conformance/, see its
// README), read from there: their expected values were produced by PyTorch and onnxruntime.
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Mode, PaddingMode, Tensor } from '../../src/index.js';

export const PEER_CASES_PATH = resolve(import.meta.dirname, '../../../shared/conformance/peer_cases.json');

export interface PeerSampleCase {
  source: string;
  mode: Mode;
  paddingMode: PaddingMode;
  alignCorners: boolean;
  input: Tensor;
  grid: Tensor;
  output: Tensor;
  atol?: number;
}

function decode({ shape, data }: { shape: number[]; data: string }): Tensor {
  const bytes = new Uint8Array(Buffer.from(data, 'base64'));
  return { shape, data: new Float32Array(bytes.buffer, 0, bytes.length / 4) };
}

/** The forward cases, or undefined when the file is missing (a failure under CI: the caller checks). */
export function peerSampleCases(): PeerSampleCase[] | undefined {
  if (!existsSync(PEER_CASES_PATH)) return undefined;
  const { cases } = JSON.parse(readFileSync(PEER_CASES_PATH, 'utf8'));
  return cases
    .filter((c: { kind: string }) => c.kind === 'grid_sample')
    .map((c: Record<string, unknown>) => ({
      ...c,
      input: decode(c.input as never),
      grid: decode(c.grid as never),
      output: decode(c.output as never),
    }));
}

/** The README's tolerance: a case's atol, else 2e-5 x max(1, max |expected|). */
export function peerTolerance(c: PeerSampleCase): number {
  if (c.atol !== undefined) return c.atol;
  let peak = 1;
  for (const v of c.output.data) if (Math.abs(v) > peak) peak = Math.abs(v);
  return 2e-5 * peak;
}
