// Splits tensors too large for one storage binding into pieces that fit: grid_sample (forward and
// backward) along batch, then channels (channels first only), then output rows; affine_grid along
// batch, then grid points (its backward plans its own pieces of whole chunks, in
// ops/affine-grid-backward.ts). Pure arithmetic (unit-tested without a GPU); the ops upload or copy
// each piece into its own buffers and run it on its own.
import type { AffineGeometry, SampleGeometry } from '../options.js';
import type { ChunkLimit, ElementRange, Run } from './runs.js';

export {
  type ChunkLimit,
  chunkLimit,
  type ElementRange,
  elementsOf,
  isWhole,
  MAX_INDEXABLE_BYTES,
  type Run,
  runOf,
} from './runs.js';

/** One grid_sample piece: batch items, channels and output rows (D_out * H_out rows of W_out points). */
export interface SamplePiece {
  batch: number;
  batches: number;
  channel: number;
  channels: number;
  row: number;
  rows: number;
}

const outRows = (geo: SampleGeometry) => geo.outD * geo.outH;
const inPlane = (geo: SampleGeometry) => geo.inD * geo.inH * geo.inW;
const outPlane = (geo: SampleGeometry) => outRows(geo) * geo.outW;

function tooLarge(op: string, what: string, elements: number, limit: ChunkLimit): RangeError {
  return new RangeError(
    `${op}: ${what} is ${elements * 4} bytes (${elements} float32 values), more than ${limit.name} = ${limit.bytes} bytes, ` +
      'and cannot be split further to fit one storage buffer binding; use a smaller tensor, or a device with larger ' +
      "limits (GridSampler.create() without a device requests the adapter's largest)",
  );
}

/** `count` items in balanced runs of at most `most`: [start, length] pairs. */
export function splitEvenly(count: number, most: number): [start: number, length: number][] {
  const parts = Math.ceil(count / most);
  const base = Math.floor(count / parts);
  const longer = count % parts;
  const runs: [number, number][] = [];
  for (let i = 0, start = 0; i < parts; i++) {
    const length = base + (i < longer ? 1 : 0);
    runs.push([start, length]);
    start += length;
  }
  return runs;
}

/**
 * Pieces of a non-empty grid_sample whose input, grid and output slices each fit `limit`. Throws a
 * RangeError, before any GPU work, where one input plane or one grid row alone is too large.
 * Channels last, a batch item's channels are interleaved and cannot be split: one whole input item
 * must fit.
 */
export function planGridSample(geo: SampleGeometry, limit: ChunkLimit): SamplePiece[] {
  if (geo.layout === 'nhwc') return planChannelsLast(geo, limit);
  const most = limit.bytes / 4;
  const dims = geo.spatialDims;
  const plane = inPlane(geo);
  const rows = outRows(geo);
  if (plane > most) {
    const size = dims === 2 ? `${geo.inH} x ${geo.inW}` : `${geo.inD} x ${geo.inH} x ${geo.inW}`;
    throw tooLarge('grid_sample', `one input plane (one channel of one batch item, ${size})`, plane, limit);
  }
  if (geo.outW * dims > most) {
    throw tooLarge('grid_sample', `one grid row (W_out = ${geo.outW} points x ${dims})`, geo.outW * dims, limit);
  }
  const whole = { batch: 0, batches: geo.n, channel: 0, channels: geo.c, row: 0, rows };
  const perItem = Math.max(geo.c * plane, outPlane(geo) * dims, geo.c * outPlane(geo));
  if (perItem <= most) {
    return splitEvenly(geo.n, Math.floor(most / perItem)).map(([batch, batches]) => ({ ...whole, batch, batches }));
  }
  // One batch item at a time: split channels, and output rows where one item's grid or one output
  // channel is too large. A piece's output is channels x rows x W_out, its grid rows x W_out x dims.
  const rowsSplit = outPlane(geo) * dims > most;
  const channelsPerPiece = Math.min(
    geo.c,
    Math.floor(most / plane),
    Math.floor(most / (rowsSplit ? geo.outW : outPlane(geo))),
  );
  const rowsPerPiece = rowsSplit ? Math.floor(most / (geo.outW * Math.max(channelsPerPiece, dims))) : rows;
  const pieces: SamplePiece[] = [];
  for (let batch = 0; batch < geo.n; batch++) {
    for (const [channel, channels] of splitEvenly(geo.c, channelsPerPiece)) {
      for (const [row, count] of splitEvenly(rows, rowsPerPiece)) {
        pieces.push({ batch, batches: 1, channel, channels, row, rows: count });
      }
    }
  }
  return pieces;
}

// Channels last: whole batch items, or output rows of one item (its input whole, since every channel of
// a pixel sits next to the others and the grid may read any pixel).
function planChannelsLast(geo: SampleGeometry, limit: ChunkLimit): SamplePiece[] {
  const most = limit.bytes / 4;
  const dims = geo.spatialDims;
  const item = geo.c * inPlane(geo);
  const rows = outRows(geo);
  const size = dims === 2 ? `${geo.inH} x ${geo.inW} x ${geo.c}` : `${geo.inD} x ${geo.inH} x ${geo.inW} x ${geo.c}`;
  if (item > most) {
    throw tooLarge(
      'grid_sample',
      `one input batch item (${size}, channels last: layout 'nhwc' cannot be split by channel; layout 'nchw' can)`,
      item,
      limit,
    );
  }
  const rowElements = geo.outW * Math.max(geo.c, dims);
  if (rowElements > most) {
    throw tooLarge(
      'grid_sample',
      `one output row (W_out = ${geo.outW} points x ${Math.max(geo.c, dims)})`,
      rowElements,
      limit,
    );
  }
  const whole = { batch: 0, batches: geo.n, channel: 0, channels: geo.c, row: 0, rows };
  const perItem = Math.max(item, rows * rowElements);
  if (perItem <= most) {
    return splitEvenly(geo.n, Math.floor(most / perItem)).map(([batch, batches]) => ({ ...whole, batch, batches }));
  }
  const pieces: SamplePiece[] = [];
  for (let batch = 0; batch < geo.n; batch++) {
    for (const [row, count] of splitEvenly(rows, Math.floor(most / rowElements))) {
      pieces.push({ ...whole, batch, batches: 1, row, rows: count });
    }
  }
  return pieces;
}

/** The piece as a grid_sample of its own (a row piece flattens D_out x H_out into H_out). */
export function pieceGeometry(geo: SampleGeometry, piece: SamplePiece): SampleGeometry {
  const allRows = piece.rows === outRows(geo);
  const outD = allRows ? geo.outD : 1;
  const outH = allRows ? geo.outH : piece.rows;
  const outSpatial = geo.spatialDims === 2 ? [outH, geo.outW] : [outD, outH, geo.outW];
  return {
    ...geo,
    n: piece.batches,
    c: piece.channels,
    outD,
    outH,
    outputShape:
      geo.layout === 'nhwc'
        ? [piece.batches, ...outSpatial, piece.channels]
        : [piece.batches, piece.channels, ...outSpatial],
  };
}

/**
 * The input slice of a piece: contiguous, since a piece has all channels or one batch item (channels
 * last, always all channels: channel 0 of C).
 */
export function inputRange(geo: SampleGeometry, piece: SamplePiece): ElementRange {
  const plane = inPlane(geo);
  return { start: (piece.batch * geo.c + piece.channel) * plane, length: piece.batches * piece.channels * plane };
}

/** The grid slice of a piece: contiguous, since a piece has all rows or one batch item. */
export function gridRange(geo: SampleGeometry, piece: SamplePiece): ElementRange {
  const dims = geo.spatialDims;
  const start = (piece.batch * outPlane(geo) + piece.row * geo.outW) * dims;
  return { start, length: piece.batches * piece.rows * geo.outW * dims };
}

/**
 * Where the piece's output lands in the full output: one run, or one per channel for a row piece
 * (channels last, rows hold all their channels: one run).
 */
export function outputRuns(geo: SampleGeometry, piece: SamplePiece): Run[] {
  const plane = outPlane(geo);
  const first = (piece.batch * geo.c + piece.channel) * plane;
  if (piece.rows === outRows(geo)) return [{ from: 0, to: first, length: piece.batches * piece.channels * plane }];
  if (geo.layout === 'nhwc') {
    return [{ from: 0, to: first + piece.row * geo.outW * geo.c, length: piece.rows * geo.outW * geo.c }];
  }
  const length = piece.rows * geo.outW;
  return Array.from({ length: piece.channels }, (_, c) => ({
    from: c * length,
    to: first + c * plane + piece.row * geo.outW,
    length,
  }));
}

/** One affine_grid piece: whole batch items, or `points` grid points of one item from `point` on. */
export interface AffinePiece {
  batch: number;
  batches: number;
  point: number;
  points: number;
}

/** Pieces of a non-empty affine_grid whose output grid slices each fit `limit`. */
export function planAffineGrid(geo: AffineGeometry, limit: ChunkLimit): AffinePiece[] {
  const dims = geo.spatialDims;
  const volume = geo.d * geo.h * geo.w;
  const mostPoints = Math.floor(limit.bytes / 4 / dims);
  if (volume <= mostPoints) {
    return splitEvenly(geo.n, Math.floor(mostPoints / volume)).map(([batch, batches]) => ({
      batch,
      batches,
      point: 0,
      points: batches * volume,
    }));
  }
  if (volume > 2 ** 32 - 1) {
    throw new RangeError(
      `affine_grid: one batch item has ${volume} grid points, more than the 2^32 - 1 a u32 index reaches`,
    );
  }
  const pieces: AffinePiece[] = [];
  for (let batch = 0; batch < geo.n; batch++) {
    for (const [point, points] of splitEvenly(volume, mostPoints)) pieces.push({ batch, batches: 1, point, points });
  }
  return pieces;
}

/** The theta rows a piece needs: [batches, dims, dims + 1]. */
export function thetaRange(geo: AffineGeometry, piece: AffinePiece): ElementRange {
  const perItem = geo.spatialDims * (geo.spatialDims + 1);
  return { start: piece.batch * perItem, length: piece.batches * perItem };
}

/** Where the piece's grid points land in the full output grid (contiguous). */
export function affineOutputRange(geo: AffineGeometry, piece: AffinePiece): ElementRange {
  const volume = geo.d * geo.h * geo.w;
  return { start: (piece.batch * volume + piece.point) * geo.spatialDims, length: piece.points * geo.spatialDims };
}
