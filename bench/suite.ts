// Runs every contender on every workload, interleaved round by round so that load from other
// processes hits all of them alike, and checks each result against the CPU reference.
import { gridSampleCpu } from '../src/index.js';
import type { Contender, PreparedRun } from './contender.js';
import { countMismatches, maxAbsDiff, type Summary, summarize } from './stats.js';
import { optionsOf, type Workload, workloadData } from './workloads.js';

export interface ContenderResult {
  id: string;
  label: string;
  timing: string;
  skipped?: string;
  wall?: Summary;
  gpu?: Summary;
  /** software adapter worker CPU time (see worker-cpu.ts) */
  work?: Summary;
  /** CPU contenders: CPU time of the run (see Measurement.cpu) */
  cpu?: Summary;
  /** against the CPU reference */
  maxAbsDiff?: number;
  /** elements off by more than the test tolerance (1e-4, bicubic 2e-4, x max(1, max|ref|); nearest exact) */
  mismatches?: number;
  notes?: Record<string, unknown>;
}

/** A workload's results; `W` is grid_sample's Workload or another kind with an id and a title. */
export interface WorkloadResult<W extends NamedWorkload = Workload> {
  workload: W;
  results: ContenderResult[];
}

export interface NamedWorkload {
  id: string;
  title: string;
}

export interface SuiteOptions {
  rounds: number;
  warmup: number;
  log: (line: string) => void;
}

function tolerance(w: Workload, reference: Float32Array): number {
  if (w.mode === 'nearest') return 0;
  let scale = 1;
  for (const v of reference) scale = Math.max(scale, Math.abs(v));
  return (w.mode === 'bicubic' ? 2e-4 : 1e-4) * scale;
}

const fmt = (ms: number) => (ms >= 100 ? ms.toFixed(0) : ms >= 10 ? ms.toFixed(1) : ms.toFixed(2));

export async function runWorkload(
  w: Workload,
  contenders: readonly Contender[],
  opts: SuiteOptions,
): Promise<WorkloadResult> {
  const data = workloadData(w);
  const reference = gridSampleCpu(data.input, data.grid, optionsOf(w)).data;
  const results = await runContenders(w, data, contenders, reference, tolerance(w, reference), opts);
  return { workload: w, results };
}

/**
 * Prepares every contender on one workload, checks its output against `reference` (max |diff|, and
 * the elements off by more than `tol`), then times the contenders interleaved.
 */
export async function runContenders<W extends NamedWorkload, D>(
  w: W,
  data: D,
  contenders: readonly Contender<W, D>[],
  reference: Float32Array,
  tol: number,
  opts: SuiteOptions,
): Promise<ContenderResult[]> {
  const results: ContenderResult[] = [];
  const live: {
    result: ContenderResult;
    prepared: PreparedRun;
    wall: number[];
    gpu: number[];
    work: number[];
    cpu: number[];
  }[] = [];
  for (const c of contenders) {
    const result: ContenderResult = { id: c.id, label: c.label, timing: c.timing };
    results.push(result);
    try {
      const prepared = await c.prepare(w, data);
      if (typeof prepared === 'string') {
        result.skipped = prepared;
        continue;
      }
      const out = await prepared.output();
      result.maxAbsDiff = maxAbsDiff(out, reference);
      result.mismatches = out.length === reference.length ? countMismatches(out, reference, tol) : reference.length;
      live.push({ result, prepared, wall: [], gpu: [], work: [], cpu: [] });
    } catch (error) {
      result.skipped = `failed: ${error instanceof Error ? error.message.split('\n')[0] || error.name : String(error)}`;
      console.error(error);
    }
    opts.log(
      `  ${w.id} ${c.id}: ${result.skipped ?? `ready (max |diff| ${result.maxAbsDiff?.toExponential(1)}, ${result.mismatches} mismatches)`}`,
    );
  }
  for (let round = 0; round < opts.warmup + opts.rounds; round++) {
    // rotate the order so no contender always runs right after a heavy one
    for (let k = 0; k < live.length; k++) {
      const entry = live[(k + round) % live.length];
      const m = await entry.prepared.run();
      if (round < opts.warmup) continue;
      entry.wall.push(m.wall);
      if (m.gpu !== undefined && Number.isFinite(m.gpu)) entry.gpu.push(m.gpu);
      if (m.work !== undefined && Number.isFinite(m.work)) entry.work.push(m.work);
      if (m.cpu !== undefined && Number.isFinite(m.cpu)) entry.cpu.push(m.cpu);
    }
  }
  for (const entry of live) {
    entry.result.wall = summarize(entry.wall);
    if (entry.gpu.length > 0) entry.result.gpu = summarize(entry.gpu);
    if (entry.work.length > 0) entry.result.work = summarize(entry.work);
    if (entry.cpu.length > 0) entry.result.cpu = summarize(entry.cpu);
    entry.result.notes = entry.prepared.notes?.();
    await entry.prepared.release();
    const gpu =
      (entry.result.gpu ? ` gpu ${fmt(entry.result.gpu.median)} ms` : '') +
      (entry.result.work ? ` worker CPU ${fmt(entry.result.work.median)} ms` : '') +
      (entry.result.cpu ? ` CPU ${fmt(entry.result.cpu.median)} ms` : '');
    opts.log(`  ${w.id} ${entry.result.id}: wall ${fmt(entry.result.wall.median)} ms${gpu}`);
  }
  return results;
}
