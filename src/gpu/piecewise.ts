// Runs a planned grid_sample or affine_grid piece by piece (see chunking.ts). The Tensor API uploads
// each piece's slices into pooled buffers and reads its output back; encode* copies slices of the
// caller's buffers through scratch buffers, all recorded into the caller's encoder in order.
import { type AffineGeometry, allocateOutput, elementCount, type SampleGeometry } from '../options.js';
import type { Tensor } from '../types.js';
import type { BufferLease } from './buffer-pool.js';
import {
  type AffinePiece,
  affineOutputRange,
  type ElementRange,
  gridRange,
  inputRange,
  outputRuns,
  pieceGeometry,
  type SamplePiece,
  thetaRange,
} from './chunking.js';
import { BufferUsage } from './flags.js';
import { affineParams, sampleParams, type Variant } from './variants.js';

/** A binding of a compute pass: the buffer and how many bytes of it, from offset 0. */
export type Binding = [buffer: GPUBuffer, size: number];
export type ScratchRole = 'input' | 'grid' | 'output' | 'theta' | `float16 values ${number}`;

/** What the sampler lends the piece loops. */
export interface PieceHost {
  readonly device: GPUDevice;
  record(
    encoder: GPUCommandEncoder,
    pipeline: GPUComputePipeline,
    variant: Variant,
    params: Uint32Array,
    invocations: number,
    bindings: Binding[],
  ): void;
  /** Encodes with `encode` in error scopes, submits, and reads back the buffer `encode` returns. */
  readBack(what: string, lease: BufferLease, encode: (encoder: GPUCommandEncoder) => GPUBuffer): Promise<Float32Array>;
  /** A buffer for one role, as large as any piece; kept until the sampler is destroyed. */
  scratch(role: ScratchRole): GPUBuffer;
}

interface Job<G, P> {
  geo: G;
  pieces: P[];
  pipeline: GPUComputePipeline;
  variant: Variant;
}

const STORAGE_IN = BufferUsage.STORAGE | BufferUsage.COPY_DST;
const STORAGE_OUT = BufferUsage.STORAGE | BufferUsage.COPY_SRC;

function upload(
  device: GPUDevice,
  lease: BufferLease,
  data: Float32Array,
  range: ElementRange,
  label: string,
): GPUBuffer {
  const buffer = lease.acquire(range.length * 4, STORAGE_IN, label);
  writeFloats(device, buffer, data, range);
  return buffer;
}

/** Writes `data[range]` at the start of `buffer`. */
export function writeFloats(device: GPUDevice, buffer: GPUBuffer, data: Float32Array, range: ElementRange): void {
  if (!(data.buffer instanceof ArrayBuffer)) {
    // a SharedArrayBuffer view: not every writeBuffer takes one (Dawn's does not), so copy the slice
    device.queue.writeBuffer(buffer, 0, data.slice(range.start, range.start + range.length));
    return;
  }
  device.queue.writeBuffer(buffer, 0, data.buffer, data.byteOffset + range.start * 4, range.length * 4);
}

const describePiece = (p: SamplePiece, of: number) =>
  `piece of batch ${p.batch}+${p.batches}, channels ${p.channel}+${p.channels}, rows ${p.row}+${p.rows} (${of} pieces)`;

/** grid_sample of Tensors, one piece after the other; a single piece reads back straight into the result. */
export async function sampleInPieces(
  host: PieceHost,
  lease: BufferLease,
  input: Tensor,
  grid: Tensor,
  job: Job<SampleGeometry, SamplePiece>,
): Promise<Float32Array> {
  const { geo, pieces, pipeline, variant } = job;
  const output = pieces.length > 1 ? allocateOutput('grid_sample', geo.outputShape) : undefined;
  let inputBuffer: GPUBuffer | undefined;
  let inputStart = -1;
  for (const piece of pieces) {
    const sub = pieceGeometry(geo, piece);
    const inSlice = inputRange(geo, piece);
    const gridSlice = gridRange(geo, piece);
    const outBytes = elementCount(sub.outputShape) * 4;
    const what = pieces.length > 1 ? `grid_sample (${describePiece(piece, pieces.length)})` : 'grid_sample';
    let pieceBuffers: GPUBuffer[] = [];
    const data = await host.readBack(what, lease, (encoder) => {
      // consecutive row pieces of one batch item and channel range share their input slice
      if (inSlice.start !== inputStart || !inputBuffer) {
        if (inputBuffer) lease.release(inputBuffer);
        inputBuffer = upload(host.device, lease, input.data, inSlice, 'grid_sample input');
        inputStart = inSlice.start;
      }
      const gridBuffer = upload(host.device, lease, grid.data, gridSlice, 'grid_sample grid');
      const outBuffer = lease.acquire(outBytes, STORAGE_OUT, 'grid_sample output');
      pieceBuffers = [gridBuffer, outBuffer];
      host.record(encoder, pipeline, variant, sampleParams(sub, 0), sub.n * sub.outD * sub.outH * sub.outW, [
        [inputBuffer, inSlice.length * 4],
        [gridBuffer, gridSlice.length * 4],
        [outBuffer, outBytes],
      ]);
      return outBuffer;
    });
    for (const buffer of pieceBuffers) lease.release(buffer);
    if (!output) return data;
    for (const run of outputRuns(geo, piece)) output.set(data.subarray(run.from, run.from + run.length), run.to);
  }
  return output as Float32Array;
}

/** affine_grid to a Tensor, one piece after the other. */
export async function affineInPieces(
  host: PieceHost,
  lease: BufferLease,
  theta: Tensor,
  job: Job<AffineGeometry, AffinePiece>,
): Promise<Float32Array> {
  const { geo, pieces } = job;
  const output = pieces.length > 1 ? allocateOutput('affine_grid', geo.gridShape) : undefined;
  for (const piece of pieces) {
    const thetaSlice = thetaRange(geo, piece);
    const outSlice = affineOutputRange(geo, piece);
    let pieceBuffers: GPUBuffer[] = [];
    const what =
      pieces.length > 1
        ? `affine_grid (batch ${piece.batch}+${piece.batches}, points ${piece.point}+${piece.points})`
        : 'affine_grid';
    const data = await host.readBack(what, lease, (encoder) => {
      const thetaBuffer = upload(host.device, lease, theta.data, thetaSlice, 'affine_grid theta');
      const outBuffer = lease.acquire(outSlice.length * 4, STORAGE_OUT, 'affine_grid output');
      pieceBuffers = [thetaBuffer, outBuffer];
      recordAffinePiece(
        host,
        encoder,
        job,
        piece,
        [thetaBuffer, thetaSlice.length * 4],
        [outBuffer, outSlice.length * 4],
      );
      return outBuffer;
    });
    for (const buffer of pieceBuffers) lease.release(buffer);
    if (!output) return data;
    output.set(data, outSlice.start);
  }
  return output as Float32Array;
}

function recordAffinePiece(
  host: PieceHost,
  encoder: GPUCommandEncoder,
  { geo, pipeline, variant }: Job<AffineGeometry, AffinePiece>,
  piece: AffinePiece,
  theta: Binding,
  output: Binding,
): void {
  const params = affineParams({ ...geo, n: piece.batches }, 0, piece.point, piece.points);
  host.record(encoder, pipeline, variant, params, piece.points, [theta, output]);
}

/** Binds `range` of a caller's buffer: the buffer itself when the range is all of it, else a scratch copy. */
function bindSlice(
  host: PieceHost,
  encoder: GPUCommandEncoder,
  buffer: GPUBuffer,
  range: ElementRange,
  total: number,
  role: ScratchRole,
): Binding {
  if (range.start === 0 && range.length === total) return [buffer, total * 4];
  const scratch = host.scratch(role);
  encoder.copyBufferToBuffer(buffer, range.start * 4, scratch, 0, range.length * 4);
  return [scratch, range.length * 4];
}

/** Checks, before anything is recorded, that buffers read or written in slices can be copied. */
function checkCopyUsage(op: string, name: string, buffer: GPUBuffer, sliced: boolean, usage: number, flag: string) {
  if (sliced && !(buffer.usage & usage)) {
    throw new TypeError(
      `${op}: the ${name} buffer needs GPUBufferUsage.${flag}: the call is larger than one storage binding, so it runs in pieces copied ${flag === 'COPY_SRC' ? 'out of' : 'into'} it`,
    );
  }
}

const whole = (range: ElementRange, total: number) => range.start === 0 && range.length === total;

export interface EncodeSampleBuffers {
  input: GPUBuffer;
  grid: GPUBuffer;
  output: GPUBuffer;
}

/** Records grid_sample on the caller's buffers, piece by piece. */
export function encodeSampleInPieces(
  host: PieceHost,
  encoder: GPUCommandEncoder,
  buffers: EncodeSampleBuffers,
  job: Job<SampleGeometry, SamplePiece>,
): void {
  const { geo, pieces, pipeline, variant } = job;
  const inputTotal = geo.n * geo.c * geo.inD * geo.inH * geo.inW;
  const gridTotal = geo.n * geo.outD * geo.outH * geo.outW * geo.spatialDims;
  const outputTotal = elementCount(geo.outputShape);
  const outputWhole = (piece: SamplePiece) => {
    const runs = outputRuns(geo, piece);
    return runs.length === 1 && runs[0].to === 0 && runs[0].length === outputTotal;
  };
  const op = 'encodeGridSample';
  checkCopyUsage(
    op,
    'input',
    buffers.input,
    pieces.some((p) => !whole(inputRange(geo, p), inputTotal)),
    BufferUsage.COPY_SRC,
    'COPY_SRC',
  );
  checkCopyUsage(
    op,
    'grid',
    buffers.grid,
    pieces.some((p) => !whole(gridRange(geo, p), gridTotal)),
    BufferUsage.COPY_SRC,
    'COPY_SRC',
  );
  checkCopyUsage(
    op,
    'output',
    buffers.output,
    pieces.some((p) => !outputWhole(p)),
    BufferUsage.COPY_DST,
    'COPY_DST',
  );
  for (const piece of pieces) {
    const sub = pieceGeometry(geo, piece);
    const input = bindSlice(host, encoder, buffers.input, inputRange(geo, piece), inputTotal, 'input');
    const grid = bindSlice(host, encoder, buffers.grid, gridRange(geo, piece), gridTotal, 'grid');
    const direct = outputWhole(piece);
    const output: Binding = direct
      ? [buffers.output, outputTotal * 4]
      : [host.scratch('output'), elementCount(sub.outputShape) * 4];
    host.record(encoder, pipeline, variant, sampleParams(sub, 0), sub.n * sub.outD * sub.outH * sub.outW, [
      input,
      grid,
      output,
    ]);
    if (direct) continue;
    for (const run of outputRuns(geo, piece)) {
      encoder.copyBufferToBuffer(output[0], run.from * 4, buffers.output, run.to * 4, run.length * 4);
    }
  }
}

/** Records affine_grid on the caller's buffers, piece by piece. */
export function encodeAffineInPieces(
  host: PieceHost,
  encoder: GPUCommandEncoder,
  buffers: { theta: GPUBuffer; output: GPUBuffer },
  job: Job<AffineGeometry, AffinePiece>,
): void {
  const { geo, pieces } = job;
  const thetaTotal = geo.n * geo.spatialDims * (geo.spatialDims + 1);
  const outputTotal = elementCount(geo.gridShape);
  const op = 'encodeAffineGrid';
  const sliced = pieces.length > 1;
  const thetaSliced = pieces.some((p) => !whole(thetaRange(geo, p), thetaTotal));
  checkCopyUsage(op, 'theta', buffers.theta, thetaSliced, BufferUsage.COPY_SRC, 'COPY_SRC');
  checkCopyUsage(op, 'output', buffers.output, sliced, BufferUsage.COPY_DST, 'COPY_DST');
  for (const piece of pieces) {
    const theta = bindSlice(host, encoder, buffers.theta, thetaRange(geo, piece), thetaTotal, 'theta');
    const outSlice = affineOutputRange(geo, piece);
    if (!sliced) {
      recordAffinePiece(host, encoder, job, piece, theta, [buffers.output, outputTotal * 4]);
      continue;
    }
    const scratch = host.scratch('output');
    recordAffinePiece(host, encoder, job, piece, theta, [scratch, outSlice.length * 4]);
    encoder.copyBufferToBuffer(scratch, 0, buffers.output, outSlice.start * 4, outSlice.length * 4);
  }
}
