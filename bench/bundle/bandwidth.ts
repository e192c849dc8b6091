// Achieved bandwidth of a grid_sample run and the device's nominal memory bandwidth to set it against.
import { spawnSync } from 'node:child_process';
import {
  locationsShapeOf,
  type MsdaWorkload,
  outputShapeOf as msdaOutputShapeOf,
  valueShapeOf,
} from '../msda/workloads.js';
import type { NamedWorkload } from '../suite.js';
import { elements, outputShapeOf, type Workload } from '../workloads.js';

const FLOAT32 = 4;

/**
 * The bytes a workload must move at least: its input and grid read once, its output written once
 * (float32). Random taps can read input lines more than once, so this is a lower bound of the traffic.
 */
export const workloadBytes = (w: Workload): number =>
  FLOAT32 * (elements(w.inputShape) + elements(w.gridShape) + elements(outputShapeOf(w)));

/**
 * The bytes a deformable attention workload must move at least: value, sampling locations and attention
 * weights read once, output written once (float32). Each sample reads 4 taps of d channels, so the
 * value is read more than once where points overlap: a lower bound again.
 */
export const msdaWorkloadBytes = (w: MsdaWorkload): number => {
  const locations = elements(locationsShapeOf(w));
  return FLOAT32 * (elements(valueShapeOf(w)) + locations + locations / 2 + elements(msdaOutputShapeOf(w)));
};

/** The bytes moved by either kind of workload. */
export const bytesMoved = (w: NamedWorkload): number =>
  'spatialShapes' in w ? msdaWorkloadBytes(w as MsdaWorkload) : workloadBytes(w as Workload);

/** GB/s (1e9 bytes a second) for `bytes` moved in `ms` milliseconds. */
export const gigabytesPerSecond = (bytes: number, ms: number): number => bytes / ms / 1e6;

// Peak memory bandwidth from the vendors' datasheets, GB/s; the first pattern that matches wins, so
// the specific variants come before the family.
const DATASHEET: readonly [pattern: RegExp, gbPerSecond: number][] = [
  [/H200/i, 4800],
  [/H100.*PCIe/i, 2000],
  [/H100 NVL/i, 3900],
  [/H100/i, 3350],
  [/A100.*80GB.*PCIe/i, 1935],
  [/A100.*80GB/i, 2039],
  [/A100/i, 1555],
  [/L40/i, 864],
  [/\bL4\b/i, 300],
  [/\bA10G?\b/i, 600],
  [/\bT4\b/i, 320],
  [/V100/i, 900],
  [/RTX 6000 Ada/i, 960],
  [/RTX A6000/i, 768],
  [/RTX 4090/i, 1008],
  [/RTX 4080/i, 717],
  [/RTX 3090/i, 936],
  [/MI300X/i, 5300],
];

export interface NominalBandwidth {
  gbPerSecond?: number;
  /** where the figure (or its absence) comes from */
  source: string;
}

/** `nvidia-smi`'s line for the first GPU (name, driver, memory, max memory clock), or undefined without it. */
export function nvidiaSmi(): string | undefined {
  const r = spawnSync(
    'nvidia-smi',
    ['--query-gpu=name,driver_version,memory.total,clocks.max.memory', '--format=csv,noheader'],
    { encoding: 'utf8' },
  );
  return r.status === 0 ? r.stdout.split('\n')[0].trim() || undefined : undefined;
}

/** The datasheet bandwidth of the first of `names` (nvidia-smi's name first, then the adapter's) found in the table. */
export function nominalBandwidth(names: readonly (string | undefined)[]): NominalBandwidth {
  for (const name of names) {
    if (!name) continue;
    const row = DATASHEET.find(([pattern]) => pattern.test(name));
    if (row) return { gbPerSecond: row[1], source: `datasheet figure for "${name}" (${row[0].source})` };
  }
  return {
    source: `not in the datasheet table of bench/bundle/bandwidth.ts (${names.filter(Boolean).join(', ') || 'no name'})`,
  };
}
