// The benchmark's workloads (issue 4): float32, a fixed seed, grids uniform in [-1.1, 1.1].
import type { GridSampleOptions, Mode, PaddingMode, Tensor } from '../src/index.js';

export interface Workload {
  id: string;
  title: string;
  inputShape: number[];
  gridShape: number[];
  mode: Mode;
  paddingMode: PaddingMode;
  alignCorners: boolean;
}

const workload = (
  id: string,
  title: string,
  inputShape: number[],
  gridShape: number[],
  mode: Mode,
  paddingMode: PaddingMode,
): Workload => ({ id, title, inputShape, gridShape, mode, paddingMode, alignCorners: false });

export const WORKLOADS: readonly Workload[] = [
  workload('W1', 'image warp, bilinear zeros', [1, 3, 1024, 1024], [1, 1024, 1024, 2], 'bilinear', 'zeros'),
  workload('W2', 'image warp, bicubic border', [1, 3, 1024, 1024], [1, 1024, 1024, 2], 'bicubic', 'border'),
  workload('W3', 'feature map, bilinear zeros', [4, 64, 64, 64], [4, 64, 64, 2], 'bilinear', 'zeros'),
  workload('W4', 'deformable-attention-like, bilinear zeros', [64, 32, 64, 64], [64, 300, 16, 2], 'bilinear', 'zeros'),
  workload('W5', 'volumetric, trilinear zeros', [1, 4, 64, 64, 64], [1, 64, 64, 64, 3], 'bilinear', 'zeros'),
  workload('W6', 'image warp, nearest reflection', [1, 3, 1024, 1024], [1, 1024, 1024, 2], 'nearest', 'reflection'),
];

export const GRID_RANGE = 1.1;
export const SEED = 20240604;

export const optionsOf = (w: Workload): GridSampleOptions => ({
  mode: w.mode,
  paddingMode: w.paddingMode,
  alignCorners: w.alignCorners,
});

export const outputShapeOf = (w: Workload): number[] => [w.inputShape[0], w.inputShape[1], ...w.gridShape.slice(1, -1)];

export const elements = (shape: readonly number[]): number => shape.reduce((a, b) => a * b, 1);

/** Seeded uniform float32 values in [lo, hi) (mulberry32). */
export function seededTensor(shape: number[], seed: number, lo: number, hi: number): Tensor {
  let state = seed >>> 0;
  const data = new Float32Array(elements(shape));
  for (let i = 0; i < data.length; i++) {
    state = (state + 0x6d2b79f5) >>> 0;
    let r = Math.imul(state ^ (state >>> 15), 1 | state);
    r = (r + Math.imul(r ^ (r >>> 7), 61 | r)) ^ r;
    data[i] = lo + (hi - lo) * (((r ^ (r >>> 14)) >>> 0) / 4294967296);
  }
  return { data, shape };
}

/** The input (uniform in [-1, 1)) and grid (uniform in [-1.1, 1.1)) of a workload. */
export function workloadData(w: Workload): { input: Tensor; grid: Tensor } {
  const index = Number(w.id.slice(1));
  return {
    input: seededTensor(w.inputShape, SEED + 2 * index, -1, 1),
    grid: seededTensor(w.gridShape, SEED + 2 * index + 1, -GRID_RANGE, GRID_RANGE),
  };
}

/** `--only W1,W3` style selection; every workload when `ids` is empty. */
export function selectWorkloads(ids: readonly string[]): Workload[] {
  if (ids.length === 0) return [...WORKLOADS];
  const unknown = ids.filter((id) => !WORKLOADS.some((w) => w.id === id));
  if (unknown.length > 0)
    throw new RangeError(
      `unknown workload ${unknown.join(', ')}; expected some of ${WORKLOADS.map((w) => w.id).join(', ')}`,
    );
  return WORKLOADS.filter((w) => ids.includes(w.id));
}
