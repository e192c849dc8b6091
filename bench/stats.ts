// Medians and spreads of repeated timings.

export interface Summary {
  /** milliseconds */
  median: number;
  min: number;
  max: number;
  /** interquartile range, milliseconds */
  iqr: number;
  samples: number;
}

function quantile(sorted: readonly number[], q: number): number {
  const pos = (sorted.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - lo);
}

export function summarize(times: readonly number[]): Summary {
  if (times.length === 0) throw new RangeError('summarize: no samples');
  const sorted = [...times].sort((a, b) => a - b);
  return {
    median: quantile(sorted, 0.5),
    min: sorted[0],
    max: sorted[sorted.length - 1],
    iqr: quantile(sorted, 0.75) - quantile(sorted, 0.25),
    samples: sorted.length,
  };
}

/** Largest |a - b| over two equally long arrays; NaN if the lengths differ. */
export function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) return Number.NaN;
  let m = 0;
  for (let i = 0; i < a.length; i++) {
    const d = Math.abs(a[i] - b[i]);
    if (d > m || Number.isNaN(d)) m = d;
  }
  return m;
}

/** How many elements differ by more than `tolerance`. */
export function countMismatches(a: ArrayLike<number>, b: ArrayLike<number>, tolerance: number): number {
  let n = 0;
  for (let i = 0; i < a.length; i++) if (!(Math.abs(a[i] - b[i]) <= tolerance)) n++;
  return n;
}
