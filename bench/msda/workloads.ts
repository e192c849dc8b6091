// The multi-scale deformable attention workloads of issue 15, with seeded data shaped like a real
// layer's: D1 samples around per-query reference boxes (a decoder), D2 around each query's own position
// (an encoder, where every position of every level is a query).
import type { Tensor } from '../../src/cpu.js';
import { elements, seededTensor } from '../workloads.js';

export interface MsdaWorkload {
  id: string;
  title: string;
  spatialShapes: readonly (readonly [number, number])[];
  queries: number;
  heads: number;
  /** channels per head */
  channels: number;
  points: number;
  /** the ONNX export of this attention, in bench/models/ (scripts/export_msda_onnx.py) */
  model: string;
  /** 'decoder': around a random reference point per query; 'encoder': around each query's own position */
  queriesAt: 'decoder' | 'encoder';
}

export interface MsdaInputs {
  value: Tensor;
  samplingLocations: Tensor;
  attentionWeights: Tensor;
}

export const MSDA_WORKLOADS: readonly MsdaWorkload[] = [
  {
    id: 'D1',
    title: 'deformable attention, RT-DETR decoder at 640',
    spatialShapes: [
      [80, 80],
      [40, 40],
      [20, 20],
    ],
    queries: 300,
    heads: 8,
    channels: 32,
    points: 4,
    model: 'msda-d1.onnx',
    queriesAt: 'decoder',
  },
  {
    id: 'D2',
    title: 'deformable attention, Deformable-DETR encoder at ~800',
    spatialShapes: [
      [100, 100],
      [50, 50],
      [25, 25],
      [13, 13],
    ],
    queries: 13294,
    heads: 8,
    channels: 32,
    points: 4,
    model: 'msda-d2.onnx',
    queriesAt: 'encoder',
  },
];

const SEED = 20261203;
/** decoder offsets: up to this fraction of the map around the reference point */
const DECODER_SPREAD = 0.08;
/** encoder offsets: up to this many pixels of each level around the query's position */
const ENCODER_SPREAD_PX = 4;

export const valueShapeOf = (w: MsdaWorkload): number[] => [
  1,
  w.spatialShapes.reduce((s, [h, x]) => s + h * x, 0),
  w.heads,
  w.channels,
];
export const locationsShapeOf = (w: MsdaWorkload): number[] => [
  1,
  w.queries,
  w.heads,
  w.spatialShapes.length,
  w.points,
  2,
];
export const outputShapeOf = (w: MsdaWorkload): number[] => [1, w.queries, w.heads * w.channels];

/** Normalized (x, y) of each query's reference point. */
function referencePoints(w: MsdaWorkload, index: number): Float32Array {
  if (w.queriesAt === 'decoder') return seededTensor([w.queries, 2], SEED + 10 * index + 1, 0.05, 0.95).data;
  // encoder: query i is position i of the flattened levels, at its pixel centre
  const points = new Float32Array(2 * w.queries);
  let q = 0;
  for (const [h, x] of w.spatialShapes) {
    for (let i = 0; i < h * x && q < w.queries; i++, q++) {
      points[2 * q] = ((i % x) + 0.5) / x;
      points[2 * q + 1] = (Math.floor(i / x) + 0.5) / h;
    }
  }
  return points;
}

/** Value uniform in [-1, 1); locations around reference points; weights softmaxed per (query, head). */
export function msdaWorkloadData(w: MsdaWorkload): MsdaInputs {
  const index = Number(w.id.slice(1));
  const levels = w.spatialShapes.length;
  const value = seededTensor(valueShapeOf(w), SEED + 10 * index, -1, 1);
  const reference = referencePoints(w, index);
  const locationsShape = locationsShapeOf(w);
  const samplingLocations = seededTensor(locationsShape, SEED + 10 * index + 2, -1, 1); // offsets in [-1, 1)
  const loc = samplingLocations.data;
  for (let i = 0; i < elements(locationsShape); i += 2) {
    const q = Math.floor(i / (2 * w.heads * levels * w.points));
    const level = Math.floor(i / (2 * w.points)) % levels;
    const [h, x] = w.spatialShapes[level];
    const spreadX = w.queriesAt === 'decoder' ? DECODER_SPREAD : ENCODER_SPREAD_PX / x;
    const spreadY = w.queriesAt === 'decoder' ? DECODER_SPREAD : ENCODER_SPREAD_PX / h;
    loc[i] = reference[2 * q] + loc[i] * spreadX;
    loc[i + 1] = reference[2 * q + 1] + loc[i + 1] * spreadY;
  }
  const attentionWeights = seededTensor(locationsShape.slice(0, 5), SEED + 10 * index + 3, -2, 2); // logits
  const a = attentionWeights.data;
  const group = levels * w.points;
  for (let start = 0; start < a.length; start += group) {
    let sum = 0;
    for (let k = start; k < start + group; k++) sum += Math.exp(a[k]);
    for (let k = start; k < start + group; k++) a[k] = Math.exp(a[k]) / sum;
  }
  return { value, samplingLocations, attentionWeights };
}

/** `--only D1` style selection from a mixed list of ids; every workload when `ids` is empty. */
export function selectMsdaWorkloads(ids: readonly string[]): MsdaWorkload[] {
  return ids.length === 0 ? [...MSDA_WORKLOADS] : MSDA_WORKLOADS.filter((w) => ids.includes(w.id));
}

export const isMsdaWorkloadId = (id: string): boolean => MSDA_WORKLOADS.some((w) => w.id === id);
