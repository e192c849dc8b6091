// The GPU bundle's table: kernel times and achieved bandwidth of every GPU contender per workload,
// next to the device's nominal bandwidth.
import type { ContenderResult, NamedWorkload, WorkloadResult } from '../suite.js';
import { bytesMoved, gigabytesPerSecond, type NominalBandwidth } from './bandwidth.js';

/** Results of either kind of workload: grid_sample's, deformable attention's. */
type AnyResult = WorkloadResult<NamedWorkload>;

/** The GPU contenders of the table, in column order. */
export const GPU_COLUMNS: readonly { id: string; head: string }[] = [
  { id: 'ours-gpu', head: 'ours' },
  { id: 'ours-gpu-nhwc', head: 'ours, NHWC input' },
  { id: 'ort-webgpu', head: 'ort-web WebGPU EP' },
  { id: 'torch-cuda', head: 'PyTorch CUDA' },
];

export interface Achieved {
  /** median kernel milliseconds (GPU timestamps or CUDA events; submit-to-done where neither exists) */
  ms: number;
  timedBy: 'gpu' | 'wall';
  gbPerSecond: number;
  /** of the nominal bandwidth, when known */
  fractionOfNominal?: number;
}

/** The kernel time and bandwidth of one contender's result, or undefined when it did not run. */
export function achieved(
  w: AnyResult,
  r: ContenderResult | undefined,
  nominal: NominalBandwidth,
): Achieved | undefined {
  const timedBy = r?.gpu ? 'gpu' : 'wall';
  const ms = r?.[timedBy]?.median;
  if (!r || r.skipped || ms === undefined || !(ms > 0)) return undefined;
  const gbPerSecond = gigabytesPerSecond(bytesMoved(w.workload), ms);
  return {
    ms,
    timedBy,
    gbPerSecond,
    ...(nominal.gbPerSecond ? { fractionOfNominal: gbPerSecond / nominal.gbPerSecond } : {}),
  };
}

const find = (w: AnyResult, id: string) => w.results.find((r) => r.id === id);
const ms = (v: number) => (v >= 100 ? v.toFixed(0) : v >= 1 ? v.toFixed(2) : v.toFixed(3));

function cells(w: AnyResult, id: string, nominal: NominalBandwidth): [string, string] {
  const r = find(w, id);
  const a = achieved(w, r, nominal);
  if (!a) return [r?.skipped ? 'n/a' : '', ''];
  const flags = `${a.timedBy === 'wall' ? ' (wall)' : ''}${r?.mismatches ? ` (${r.mismatches} off)` : ''}`;
  const share = a.fractionOfNominal !== undefined ? ` (${(100 * a.fractionOfNominal).toFixed(0)} %)` : '';
  return [`${ms(a.ms)}${flags}`, `${a.gbPerSecond.toFixed(a.gbPerSecond >= 10 ? 0 : 2)}${share}`];
}

function ratioCell(w: AnyResult, ours: string, peer: string, nominal: NominalBandwidth): string {
  const a = achieved(w, find(w, ours), nominal);
  const b = achieved(w, find(w, peer), nominal);
  return a && b ? (a.ms / b.ms).toFixed(2) : 'n/a';
}

/** The markdown table: per workload, bytes moved, then kernel ms and GB/s (share of nominal) per contender, then ours / each peer. */
export function bandwidthTable(workloads: readonly AnyResult[], nominal: NominalBandwidth): string {
  const present = GPU_COLUMNS.filter((c) => workloads.some((w) => find(w, c.id)));
  const peers = present.filter((c) => !c.id.startsWith('ours'));
  const head = [...present.flatMap((c) => [`${c.head} ms`, `${c.head} GB/s`]), ...peers.map((p) => `ours / ${p.head}`)];
  const lines = [
    `Nominal bandwidth: ${nominal.gbPerSecond ? `${nominal.gbPerSecond} GB/s` : 'unknown'} (${nominal.source}).`,
    'GB/s = (input + grid read once + output written once, float32; D1, D2: value, locations and weights read once, output written once) / median kernel time; (x %) = share of nominal.',
    '',
    `| workload | MB moved | ${head.join(' | ')} |`,
    `|---|---:|${head.map(() => '---:').join('|')}|`,
  ];
  for (const w of workloads) {
    const mb = (bytesMoved(w.workload) / 1e6).toFixed(1);
    const row = [
      ...present.flatMap((c) => cells(w, c.id, nominal)),
      ...peers.map((p) => ratioCell(w, 'ours-gpu', p.id, nominal)),
    ];
    lines.push(`| ${w.workload.id} ${w.workload.title} | ${mb} | ${row.join(' | ')} |`);
  }
  return `${lines.join('\n')}\n`;
}
