// The binding limit that pieces are planned to, and runs: where the elements of a piece lie in the whole
// tensor. Apart from the planners (chunking.ts) because the context needs only these, and so does every
// op on it, the warps included.

/** Bytes per binding never exceeded, whatever the device allows: the kernels index with u32. */
export const MAX_INDEXABLE_BYTES = 2 ** 32 - 4;

/** The largest binding a context uses, and the name of the limit that sets it (for errors). */
export interface ChunkLimit {
  bytes: number;
  name: string;
}

export function chunkLimit(
  limits: Pick<GPUSupportedLimits, 'maxStorageBufferBindingSize' | 'maxBufferSize'>,
  maxChunkBytes?: number,
): ChunkLimit {
  const candidates: ChunkLimit[] = [
    { bytes: maxChunkBytes ?? Infinity, name: 'maxChunkBytes' },
    { bytes: limits.maxStorageBufferBindingSize, name: 'maxStorageBufferBindingSize' },
    { bytes: limits.maxBufferSize, name: 'maxBufferSize' },
    { bytes: MAX_INDEXABLE_BYTES, name: 'the u32 index range of the kernels' },
  ];
  const smallest = candidates.reduce((a, b) => (b.bytes < a.bytes ? b : a));
  return { bytes: Math.floor(smallest.bytes / 4) * 4, name: smallest.name };
}

/** A contiguous range of float32 elements. */
export interface ElementRange {
  start: number;
  length: number;
}

/** A contiguous range as the one run of a piece. */
export const runOf = (range: ElementRange): Run[] => [{ from: 0, to: range.start, length: range.length }];

/** Elements in all runs of a piece. */
export const elementsOf = (runs: readonly Run[]) => runs.reduce((sum, run) => sum + run.length, 0);

/** Whether the runs of a piece are all `total` elements of the tensor, in order. */
export const isWhole = (runs: readonly Run[], total: number) =>
  runs.length === 1 && runs[0].from === 0 && runs[0].to === 0 && runs[0].length === total;

/** `length` elements at `from` in a piece and at `to` in the whole tensor. */
export interface Run {
  from: number;
  to: number;
  length: number;
}
