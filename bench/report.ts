// The markdown table and the ours/peer ratios of a run.
import type { ContenderResult, NamedWorkload, WorkloadResult } from './suite.js';

/** Results of any kind of workload (grid_sample's, deformable attention's). */
type AnyResult = WorkloadResult<NamedWorkload>;

export type Metric = 'gpu' | 'wall' | 'work' | 'cpu';

export interface RunInfo {
  command: string;
  date: string;
  environment: Record<string, string>;
  rounds: number;
  warmup: number;
}

export interface RatioSpec {
  label: string;
  ours: [id: string, metric: Metric];
  peer: [id: string, metric: Metric];
}

/** ours/peer, medians of the same run: below 1 means we are faster (0.33 = 3x faster). */
export const RATIOS: readonly RatioSpec[] = [
  { label: 'GPU kernel / ort-web webgpu kernel (timestamps)', ours: ['ours-gpu', 'gpu'], peer: ['ort-webgpu', 'gpu'] },
  {
    label: 'GPU submit-to-done / ort-web webgpu run-to-done',
    ours: ['ours-gpu', 'wall'],
    peer: ['ort-webgpu', 'wall'],
  },
  {
    label: 'GPU work / ort-web webgpu work (SwiftShader worker CPU)',
    ours: ['ours-gpu', 'work'],
    peer: ['ort-webgpu', 'work'],
  },
  {
    label: 'GPU kernel, channels-last input / ort-web webgpu kernel (timestamps)',
    ours: ['ours-gpu-nhwc', 'gpu'],
    peer: ['ort-webgpu', 'gpu'],
  },
  {
    label: 'GPU work, channels-last input / ort-web webgpu work (worker CPU)',
    ours: ['ours-gpu-nhwc', 'work'],
    peer: ['ort-webgpu', 'work'],
  },
  { label: 'GPU kernel / ort-web JS kernels (timestamps)', ours: ['ours-gpu', 'gpu'], peer: ['ort-jsep', 'gpu'] },
  { label: 'GPU kernel / ort-node CPU', ours: ['ours-gpu', 'gpu'], peer: ['ort-node', 'wall'] },
  { label: 'wasm, 1 thread / ort-web wasm (1 thread)', ours: ['ours-wasm-1', 'wall'], peer: ['ort-wasm', 'wall'] },
  { label: 'wasm, 1 thread / ort-node CPU (1 thread)', ours: ['ours-wasm-1', 'wall'], peer: ['ort-node', 'wall'] },
  { label: 'wasm, 1 thread / PyTorch CPU (1 thread)', ours: ['ours-wasm-1', 'wall'], peer: ['torch-cpu', 'wall'] },
  { label: 'wasm, 1 thread / ort-web wasm, CPU time', ours: ['ours-wasm-1', 'cpu'], peer: ['ort-wasm', 'cpu'] },
  { label: 'wasm, 1 thread / ort-node CPU, CPU time', ours: ['ours-wasm-1', 'cpu'], peer: ['ort-node', 'cpu'] },
  { label: 'wasm, 1 thread / PyTorch CPU, CPU time', ours: ['ours-wasm-1', 'cpu'], peer: ['torch-cpu', 'cpu'] },
  {
    label: 'wasm, N threads / wasm, 1 thread (0.625 = 1.6x)',
    ours: ['ours-wasm-n', 'wall'],
    peer: ['ours-wasm-1', 'wall'],
  },
  { label: 'CPU reference / ort-node CPU', ours: ['ours-cpu', 'wall'], peer: ['ort-node', 'wall'] },
  { label: 'CPU reference / ort-web wasm', ours: ['ours-cpu', 'wall'], peer: ['ort-wasm', 'wall'] },
  { label: 'CPU reference / ort-web wasm, CPU time', ours: ['ours-cpu', 'cpu'], peer: ['ort-wasm', 'cpu'] },
  { label: 'CPU reference / PyTorch CPU', ours: ['ours-cpu', 'wall'], peer: ['torch-cpu', 'wall'] },
];

const find = (w: AnyResult, id: string) => w.results.find((r) => r.id === id);

function metric(r: ContenderResult | undefined, m: Metric): number | undefined {
  return r?.[m]?.median;
}

export function ratio(w: AnyResult, spec: RatioSpec): number | undefined {
  const ours = metric(find(w, spec.ours[0]), spec.ours[1]);
  const peer = metric(find(w, spec.peer[0]), spec.peer[1]);
  return ours !== undefined && peer !== undefined && peer > 0 ? ours / peer : undefined;
}

const ms = (v: number) => (v >= 100 ? v.toFixed(0) : v >= 10 ? v.toFixed(1) : v.toFixed(2));
/** Two decimals, or two significant digits below 0.1 (deformable attention's GPU ratios are ~0.01). */
const showRatio = (v: number | undefined) => (v === undefined ? 'n/a' : v < 0.1 ? v.toPrecision(2) : v.toFixed(2));

function cell(r: ContenderResult | undefined, m: Metric): string {
  if (!r) return '';
  if (r.skipped) return 'n/a';
  const s = r[m];
  if (!s) return '';
  const flag = r.mismatches ? ` (${r.mismatches} off)` : '';
  return `${ms(s.median)} ±${ms(s.iqr / 2)}${flag}`;
}

interface Column {
  head: string;
  id: string;
  m: Metric;
}

const COLUMNS: readonly Column[] = [
  { head: 'ours GPU kernel', id: 'ours-gpu', m: 'gpu' },
  { head: 'ours submit-to-done', id: 'ours-gpu', m: 'wall' },
  { head: 'ours worker CPU', id: 'ours-gpu', m: 'work' },
  { head: 'ours GPU kernel, NHWC input', id: 'ours-gpu-nhwc', m: 'gpu' },
  { head: 'ours worker CPU, NHWC input', id: 'ours-gpu-nhwc', m: 'work' },
  { head: 'ours end to end', id: 'ours-e2e', m: 'wall' },
  { head: 'ours CPU ref', id: 'ours-cpu', m: 'wall' },
  { head: 'ours wasm 1 thread', id: 'ours-wasm-1', m: 'wall' },
  { head: 'ours wasm N threads', id: 'ours-wasm-n', m: 'wall' },
  { head: 'ort-web webgpu kernel', id: 'ort-webgpu', m: 'gpu' },
  { head: 'ort-web webgpu run', id: 'ort-webgpu', m: 'wall' },
  { head: 'ort-web webgpu worker CPU', id: 'ort-webgpu', m: 'work' },
  { head: 'ort-web JS kernel', id: 'ort-jsep', m: 'gpu' },
  { head: 'ort-web wasm', id: 'ort-wasm', m: 'wall' },
  { head: 'ort-node CPU', id: 'ort-node', m: 'wall' },
  { head: 'PyTorch CPU', id: 'torch-cpu', m: 'wall' },
];

const CPU_COLUMNS: readonly Column[] = [
  { head: 'ours CPU ref', id: 'ours-cpu', m: 'cpu' },
  { head: 'ours wasm 1 thread', id: 'ours-wasm-1', m: 'cpu' },
  { head: 'ours wasm N threads', id: 'ours-wasm-n', m: 'cpu' },
  { head: 'ort-web wasm', id: 'ort-wasm', m: 'cpu' },
  { head: 'ort-node CPU', id: 'ort-node', m: 'cpu' },
  { head: 'PyTorch CPU', id: 'torch-cpu', m: 'cpu' },
];

export function markdownReport(run: RunInfo, workloads: readonly AnyResult[]): string {
  const present = COLUMNS.filter((c) => workloads.some((w) => find(w, c.id)?.[c.m] || find(w, c.id)?.skipped));
  const lines: string[] = [];
  lines.push(`Median ms ± half the interquartile range, ${run.rounds} interleaved rounds after ${run.warmup} warm-up.`);
  lines.push(
    `Command: \`${run.command}\` (${run.date}). ${Object.entries(run.environment)
      .map(([k, v]) => `${k}: ${v}`)
      .join('; ')}.`,
  );
  lines.push('');
  lines.push(`| workload | ${present.map((c) => c.head).join(' | ')} |`);
  lines.push(`|---|${present.map(() => '---:').join('|')}|`);
  for (const w of workloads) {
    const wl = w.workload;
    lines.push(`| ${wl.id} ${wl.title} | ${present.map((c) => cell(find(w, c.id), c.m)).join(' | ')} |`);
  }
  const cpuColumns = CPU_COLUMNS.filter((c) => workloads.some((w) => find(w, c.id)?.cpu));
  if (cpuColumns.length > 0) {
    lines.push('');
    lines.push(
      'CPU contenders, CPU time of a run (all its threads; steadier than wall time when other processes load the machine):',
    );
    lines.push('');
    lines.push(`| workload | ${cpuColumns.map((c) => c.head).join(' | ')} |`);
    lines.push(`|---|${cpuColumns.map(() => '---:').join('|')}|`);
    for (const w of workloads) {
      lines.push(`| ${w.workload.id} | ${cpuColumns.map((c) => cell(find(w, c.id), 'cpu')).join(' | ')} |`);
    }
  }
  lines.push('');
  const ratios = RATIOS.filter((r) => workloads.some((w) => ratio(w, r) !== undefined));
  lines.push(`Ratios ours/peer (below 1: ours is faster; 0.33 = 3x faster):`);
  lines.push('');
  lines.push(`| ratio | ${workloads.map((w) => w.workload.id).join(' | ')} |`);
  lines.push(`|---|${workloads.map(() => '---:').join('|')}|`);
  for (const r of ratios) {
    lines.push(`| ${r.label} | ${workloads.map((w) => showRatio(ratio(w, r))).join(' | ')} |`);
  }
  const skipped = workloads.flatMap((w) =>
    w.results.filter((r) => r.skipped).map((r) => `${w.workload.id} ${r.label}: ${r.skipped}`),
  );
  const off = workloads.flatMap((w) =>
    w.results
      .filter((r) => r.mismatches)
      .map(
        (r) =>
          `${w.workload.id} ${r.label}: ${r.mismatches} elements differ from PyTorch semantics (max |diff| ${r.maxAbsDiff?.toPrecision(3)})`,
      ),
  );
  const pool = workloads.flatMap((w) => {
    const notes = find(w, 'ours-e2e')?.notes as
      | {
          statsAfterFirstCall: { liveBuffers: number; pipelinesCompiled: number };
          statsAfterAllCalls: { liveBuffers: number; pipelinesCompiled: number };
          calls: number;
        }
      | undefined;
    if (!notes) return [];
    const { statsAfterFirstCall: a, statsAfterAllCalls: b, calls } = notes;
    return [
      `${w.workload.id} ${b.liveBuffers === a.liveBuffers && b.pipelinesCompiled === a.pipelinesCompiled ? 'reused everything' : 'ALLOCATED OR COMPILED AGAIN'}: liveBuffers ${a.liveBuffers} -> ${b.liveBuffers}, pipelinesCompiled ${a.pipelinesCompiled} -> ${b.pipelinesCompiled} over ${calls} calls`,
    ];
  });
  if (pool.length > 0) {
    lines.push('');
    lines.push(
      `\`sampler.stats\` after the first \`gridSample\` call of a workload -> after all its calls (same shapes): ${pool.join('; ')}.`,
    );
  }
  if (skipped.length + off.length > 0) lines.push('');
  for (const s of skipped) lines.push(`- n/a: ${s}`);
  for (const s of off) lines.push(`- ${s}`);
  return `${lines.join('\n')}\n`;
}

export function printRatios(workloads: readonly AnyResult[], log: (line: string) => void): void {
  for (const r of RATIOS) {
    const values = workloads.map((w) => `${w.workload.id} ${showRatio(ratio(w, r))}`);
    log(`ours/peer ${r.label}: ${values.join(', ')}`);
  }
}
