// The pieces of a multi-scale deformable attention call larger than one binding (pure arithmetic, as
// chunking.ts for grid_sample): runs of whole batch items, else ranges of one item's queries, each piece
// binding its batch items' value whole.
import type { MsDeformAttnGeometry } from '../../ms-deform-attn-shapes.js';
import { splitEvenly } from '../chunking.js';
import { type ChunkLimit, type Run, runOf } from '../runtime.js';

const OP = 'ms_deform_attn';

/** A piece: batch items `batch` .. `batch + batches - 1`, queries `query` .. `query + queries - 1` of each. */
export interface MsDeformAttnPiece {
  batch: number;
  batches: number;
  query: number;
  queries: number;
}

/** Elements per batch item of value, and per query of locations, weights and output. */
function unitsOf(geo: MsDeformAttnGeometry) {
  const terms = geo.heads * geo.levels * geo.points;
  return { value: geo.s * geo.heads * geo.d, locations: 2 * terms, weights: terms, output: geo.heads * geo.d };
}

function tooLarge(what: string, limit: ChunkLimit): RangeError {
  return new RangeError(
    `${OP}: ${what}, more than ${limit.name} = ${limit.bytes} bytes; raise maxChunkBytes (GridSampler.create), ` +
      'or use a device with larger limits',
  );
}

/**
 * One piece, or pieces whose value, locations, weights and output slices each fit one binding (float32):
 * runs of whole batch items, else ranges of one item's queries (its value bound whole). Throws a
 * RangeError, before any GPU work, where one batch item's value does not fit.
 */
export function planMsDeformAttn(geo: MsDeformAttnGeometry, limit: ChunkLimit): MsDeformAttnPiece[] {
  const { bs, nq } = geo;
  const units = unitsOf(geo);
  const itemBytes = units.value * 4;
  if (itemBytes > limit.bytes) {
    throw tooLarge(
      `the value of one batch item [${geo.s}, ${geo.heads}, ${geo.d}] is ${itemBytes} bytes and is bound whole`,
      limit,
    );
  }
  const queryBytes = Math.max(units.locations, units.weights, units.output) * 4;
  const itemsFit = Math.min(Math.floor(limit.bytes / itemBytes), Math.floor(limit.bytes / (nq * queryBytes)));
  if (itemsFit >= bs) return [{ batch: 0, batches: bs, query: 0, queries: nq }];
  if (itemsFit >= 1) {
    return splitEvenly(bs, itemsFit).map(([batch, batches]) => ({ batch, batches, query: 0, queries: nq }));
  }
  const queriesFit = Math.floor(limit.bytes / queryBytes);
  if (queriesFit < 1) throw tooLarge(`one query's sampling locations are ${units.locations * 4} bytes`, limit);
  const ranges = splitEvenly(nq, queriesFit);
  return Array.from({ length: bs }, (_, batch) =>
    ranges.map(([query, queries]) => ({ batch, batches: 1, query, queries })),
  ).flat();
}

/** Where a piece lies in each tensor (one run each). */
export function pieceRuns(geo: MsDeformAttnGeometry, p: MsDeformAttnPiece): Record<Tensors, Run[]> {
  const units = unitsOf(geo);
  const firstQuery = p.batch * geo.nq + p.query;
  const queries = p.batches * p.queries;
  const run = (per: number, first: number, count: number) => runOf({ start: first * per, length: count * per });
  return {
    value: run(units.value, p.batch, p.batches),
    locations: run(units.locations, firstQuery, queries),
    weights: run(units.weights, firstQuery, queries),
    output: run(units.output, firstQuery, queries),
  };
}

/** The tensors of a call, by role. */
export type Tensors = 'value' | 'locations' | 'weights' | 'output';
