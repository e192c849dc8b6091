// The piece plan of the GPU deformable attention (pure arithmetic): one piece when everything fits,
// else runs of whole batch items, else ranges of one item's queries; each piece's slices fit the limit,
// the pieces cover every output once, and what cannot be split is a RangeError naming the limit.
import { describe, expect, it } from 'vitest';
import { pieceRuns, planMsDeformAttn } from '../../src/gpu/ops/ms-deform-attn-plan.js';
import { chunkLimit } from '../../src/gpu/runs.js';
import { msDeformAttnGeometry } from '../../src/ms-deform-attn-shapes.js';

const limits = { maxStorageBufferBindingSize: 2 ** 27, maxBufferSize: 2 ** 28 };

/** Geometry of value [bs, S, heads, d] over `levels` with Nq queries and P points. */
function geometry(bs: number, nq: number, heads: number, d: number, points: number, levels: [number, number][]) {
  const s = levels.reduce((sum, [h, w]) => sum + h * w, 0);
  const locations = [bs, nq, heads, levels.length, points, 2];
  return msDeformAttnGeometry([bs, s, heads, d], levels, locations, locations.slice(0, 5));
}

describe('planMsDeformAttn', () => {
  it.each([
    [
      'everything fits: one piece',
      geometry(2, 300, 8, 32, 4, [
        [80, 80],
        [40, 40],
        [20, 20],
      ]),
      undefined,
      1,
    ],
    [
      'whole batch items',
      geometry(5, 10, 2, 8, 3, [
        [5, 6],
        [3, 2],
      ]),
      2 * 2304,
      3,
    ],
    ['ranges of queries', geometry(3, 50, 3, 5, 4, [[4, 4]]), 1000, 15],
    ['no points: the output decides', geometry(2, 40, 2, 4, 0, [[2, 2]]), 320, 8],
  ] as const)('%s', (_, geo, maxChunkBytes, count) => {
    const limit = chunkLimit(limits, maxChunkBytes);
    const pieces = planMsDeformAttn(geo, limit);
    expect(pieces).toHaveLength(count);
    const covered = new Int32Array(geo.bs * geo.nq);
    for (const p of pieces) {
      expect(p.batches === 1 || p.queries === geo.nq, 'whole items, or queries of one item').toBe(true);
      for (const runs of Object.values(pieceRuns(geo, p))) expect(runs[0].length * 4).toBeLessThanOrEqual(limit.bytes);
      for (let b = p.batch; b < p.batch + p.batches; b++)
        for (let q = p.query; q < p.query + p.queries; q++) covered[b * geo.nq + q]++;
    }
    expect(
      [...covered].every((n) => n === 1),
      'every (batch item, query) in exactly one piece',
    ).toBe(true);
  });

  it('refuses a batch item whose value does not fit one binding, naming the limit', () => {
    const geo = geometry(1, 4, 8, 32, 4, [[100, 100]]); // 10,000 x 256 floats: 10,240,000 bytes
    expect(() => planMsDeformAttn(geo, chunkLimit(limits, 2 ** 20))).toThrow(
      /ms_deform_attn: the value of one batch item \[10000, 8, 32\] is 10240000 bytes and is bound whole, more than maxChunkBytes = 1048576 bytes; raise maxChunkBytes/,
    );
    expect(() =>
      planMsDeformAttn(geo, chunkLimit({ maxStorageBufferBindingSize: 2 ** 23, maxBufferSize: 2 ** 28 })),
    ).toThrow(/more than maxStorageBufferBindingSize = 8388608 bytes/);
  });

  it('refuses one query whose locations alone do not fit', () => {
    const geo = geometry(1, 2, 8, 1, 64, [
      [1, 1],
      [1, 1],
      [1, 1],
      [1, 1],
    ]); // 8 * 4 * 64 * 2 floats per query
    expect(() => planMsDeformAttn(geo, chunkLimit(limits, 1024))).toThrow(
      /one query's sampling locations are 16384 bytes/,
    );
  });
});
