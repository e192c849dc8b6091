// Peers' conformance cases: ../shared/conformance/peer_cases.json relative to the repository root (CI
// clones the repository with shared/ beside it; the data is never copied in). 117 grid_sample,
// grid_sample backward and affine_grid cases with literal expected values from onnxruntime, PyTorch's
// test_nn.py, burn and executorch (see that folder's README for the format and tolerances).
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import {
  affineGridCpu,
  type GridSampler,
  gridSampleBackwardCpu,
  gridSampleCpu,
  type Mode,
  type PaddingMode,
  type Tensor,
} from '../../src/index.js';
import { underCi } from './ci.js';
import { type Comparison, compare, TOLERANCE, type Tolerance } from './tolerance.js';

export const CONFORMANCE_PATH = resolve(import.meta.dirname, '../..', '../shared/conformance/peer_cases.json');

/** The file holds at least this many cases (README: 117); fewer is a broken or truncated file. */
export const MIN_CONFORMANCE_CASES = 117;

interface Encoded {
  shape: number[];
  data: string;
}

interface Common {
  /** The source id (ort-cc, ort-custom, torch-test_nn, burn, executorch). */
  source: string;
  name: string;
  alignCorners: boolean;
  /** The case's own absolute tolerance, where the peer states one. */
  atol?: number;
}

export type ConformanceCase = Common &
  (
    | { kind: 'grid_sample'; mode: Mode; paddingMode: PaddingMode; input: Tensor; grid: Tensor; output: Tensor }
    | {
        kind: 'grid_sample_backward';
        mode: Mode;
        paddingMode: PaddingMode;
        input: Tensor;
        grid: Tensor;
        gradOutput: Tensor;
        gradGrid: Tensor;
      }
    | { kind: 'affine_grid'; theta: Tensor; size: number[]; output: Tensor }
  );

function decode({ shape, data }: Encoded): Tensor {
  const bytes = new Uint8Array(Buffer.from(data, 'base64')); // aligned copy
  return { shape, data: new Float32Array(bytes.buffer, 0, bytes.length / 4) };
}

/** Decodes one raw case; the file writes "source:name" in `source` where `name` is absent. */
function decodeCase(raw: Record<string, unknown>): ConformanceCase {
  const out: Record<string, unknown> = { ...raw };
  for (const [key, value] of Object.entries(raw)) {
    if (value && typeof value === 'object' && 'data' in value && 'shape' in value) out[key] = decode(value as Encoded);
  }
  const label = String(raw.source);
  const colon = label.indexOf(':');
  if (raw.name === undefined && colon > 0) {
    out.source = label.slice(0, colon);
    out.name = label.slice(colon + 1);
  }
  return out as unknown as ConformanceCase;
}

/** The cases at `path`, or [] where the file is missing outside CI; under CI a missing file throws. */
export function loadConformanceCases(path = CONFORMANCE_PATH, ci = underCi): ConformanceCase[] {
  if (!existsSync(path)) {
    const message = `conformance cases missing: ${path} (CI clones the repository with shared/ beside it)`;
    if (ci) throw new Error(message);
    console.warn(`${message}: the conformance suite is skipped on this machine (it fails under CI).`);
    return [];
  }
  const raw = JSON.parse(readFileSync(path, 'utf8'));
  return (raw.cases as Record<string, unknown>[]).map(decodeCase);
}

/** How many cases the file lists (read separately from the decoding, for the count guard). */
export const conformanceFileCount: number = existsSync(CONFORMANCE_PATH)
  ? JSON.parse(readFileSync(CONFORMANCE_PATH, 'utf8')).cases.length
  : 0;

export const conformanceCases: ConformanceCase[] = loadConformanceCases();
export const conformanceAvailable = conformanceCases.length > 0;

/** The values a case checks: the forward output, or the grid gradient. */
export const expectedOf = (c: ConformanceCase): Tensor => (c.kind === 'grid_sample_backward' ? c.gradGrid : c.output);

/**
 * A case's tolerance (the README's rule): its own `atol` as an absolute bound where present (PyTorch's
 * cases: 1e-5 + 1e-6 x max|expected|), otherwise 2e-5 x max(1, max|expected|) (onnxruntime prints 6
 * decimals). Nearest cases are still exact.
 */
export function conformanceTolerance(c: ConformanceCase): { tolerance: Tolerance; scale?: number } {
  if (c.kind !== 'affine_grid' && c.mode === 'nearest' && c.kind === 'grid_sample') {
    return { tolerance: TOLERANCE.nearest };
  }
  if (c.atol !== undefined)
    return { tolerance: { abs: c.atol, rel: 0, why: `${c.source}: the case's atol` }, scale: 1 };
  return { tolerance: { abs: 2e-5, rel: 0, why: `${c.source}: 6-decimal peer values` } };
}

/** The case's values computed by the CPU reference. */
export function conformanceOnCpu(c: ConformanceCase): Tensor {
  if (c.kind === 'affine_grid') return affineGridCpu(c.theta, c.size, { alignCorners: c.alignCorners });
  const options = { mode: c.mode, paddingMode: c.paddingMode, alignCorners: c.alignCorners };
  if (c.kind === 'grid_sample') return gridSampleCpu(c.input, c.grid, options);
  return gridSampleBackwardCpu(c.gradOutput, c.input, c.grid, options).gradGrid;
}

/** The case's values computed on WebGPU through the Tensor API. */
export async function conformanceOnGpu(sampler: GridSampler, c: ConformanceCase): Promise<Tensor> {
  if (c.kind === 'affine_grid') return sampler.affineGrid(c.theta, c.size, { alignCorners: c.alignCorners });
  const options = { mode: c.mode, paddingMode: c.paddingMode, alignCorners: c.alignCorners };
  if (c.kind === 'grid_sample') return sampler.gridSample(c.input, c.grid, options);
  return (await sampler.gridSampleBackward(c.gradOutput, c.input, c.grid, options)).gradGrid;
}

/** `actual` against the case's expected values, within the case's tolerance. */
export function compareConformance(c: ConformanceCase, actual: ArrayLike<number>): Comparison {
  const { tolerance, scale } = conformanceTolerance(c);
  return compare(actual, expectedOf(c).data, tolerance, scale === undefined ? {} : { scale });
}

/** Worst error per source, in units of max(1, peak) and of each case's own tolerance, for printing. */
export class ConformanceReport {
  private readonly worst = new Map<string, { scaled: number; ratio: number; cases: number }>();

  /** Records one case's result; returns its comparison against the case's tolerance. */
  add(c: ConformanceCase, actual: ArrayLike<number>): Comparison {
    const result = compareConformance(c, actual);
    const entry = this.worst.get(c.source) ?? { scaled: 0, ratio: 0, cases: 0 };
    // the error in the tolerance table's units, whatever the case's own tolerance is
    const scaled = compare(actual, expectedOf(c).data, TOLERANCE.nearest).scaledError;
    entry.scaled = Math.max(entry.scaled, scaled);
    entry.ratio = Math.max(entry.ratio, result.ratio);
    entry.cases++;
    this.worst.set(c.source, entry);
    return result;
  }

  lines(where: string): string[] {
    return [...this.worst].map(
      ([source, { scaled, ratio, cases }]) =>
        `conformance ${where} ${source.padEnd(13)} ${String(cases).padStart(3)} cases: worst ` +
        `${scaled.toExponential(2)} x max(1, peak), ${ratio.toFixed(3)} of the case's tolerance`,
    );
  }
}
