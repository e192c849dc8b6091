// The benchmark's statistics and workload data, against hand-worked values.
import { describe, expect, it } from 'vitest';
import { countMismatches, maxAbsDiff, summarize } from '../../bench/stats.js';
import { GRID_RANGE, outputShapeOf, WORKLOADS, workloadData } from '../../bench/workloads.js';

describe('bench statistics', () => {
  it('summarizes with the median and the interquartile range', () => {
    // sorted 1 2 3 4 10: median 3, quartiles at positions 1 and 3 -> 2 and 4
    expect(summarize([10, 1, 4, 2, 3])).toEqual({ median: 3, min: 1, max: 10, iqr: 2, samples: 5 });
    // even count: the median interpolates, 2.5; quartiles at 0.75 and 2.25 -> 1.75 and 3.25
    expect(summarize([4, 3, 2, 1])).toMatchObject({ median: 2.5, iqr: 1.5 });
    expect(() => summarize([])).toThrow(/no samples/);
  });

  it('measures differences, NaN included', () => {
    expect(maxAbsDiff([1, 2, 3], [1, 2.5, 2])).toBe(1);
    expect(maxAbsDiff([1, Number.NaN], [1, 2])).toBeNaN();
    expect(maxAbsDiff([1], [1, 2])).toBeNaN();
    expect(countMismatches([1, 2, 3, Number.NaN], [1, 2.1, 3.5, 0], 0.2)).toBe(2);
  });
});

describe('bench workloads', () => {
  it('are the issue shapes with uniform grids in [-1.1, 1.1]', () => {
    const w3 = WORKLOADS.find((w) => w.id === 'W3');
    expect(w3 && outputShapeOf(w3)).toEqual([4, 64, 64, 64]);
    const { input, grid } = workloadData(w3!);
    expect(input.shape).toEqual([4, 64, 64, 64]);
    let lo = Infinity;
    let hi = -Infinity;
    for (const v of grid.data) {
      lo = Math.min(lo, v);
      hi = Math.max(hi, v);
    }
    expect(lo).toBeGreaterThanOrEqual(Math.fround(-GRID_RANGE)); // float32 rounding of the bounds
    expect(hi).toBeLessThanOrEqual(Math.fround(GRID_RANGE));
    expect(hi - lo).toBeGreaterThan(2.1); // spread over the whole range
    expect(workloadData(w3!).grid.data).toEqual(grid.data); // fixed seed
  });
});
