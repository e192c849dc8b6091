// One grid_sample call through the kernels: input and grid copied into the memory, packed, sampled,
// the output copied out, in rounds of about a megabyte, so that a round's data is still in cache from
// one step to the next. With worker threads the calling thread copies the next round's input and the
// last round's output while the workers sample, so that the copies overlap the sampling instead of
// adding to it.
import type { ResolvedOptions, SampleGeometry } from '../options.js';
import type { Tensor } from '../types.js';
import { type MemoryPlan, splitRange, writeParams } from './plan.js';
import type { Runner } from './runner.js';

/** Bytes of input (batch items) or output (points) per round. */
const ROUND_BYTES = 1 << 20;
/** On worker threads each round costs a message round trip (about 50 us): at most this many. */
const MAX_ROUNDS = 16;
/** Chunks per thread in a run on worker threads: threads that run slower take fewer. */
const CHUNKS_PER_THREAD = 8;
/** Output points per block of the kernels (BLOCK of assembly/tile.ts): chunks are whole blocks. */
const BLOCK = 64;

type Range = [start: number, end: number];

export async function runCall(
  runner: Runner,
  plan: MemoryPlan,
  geo: SampleGeometry,
  opts: ResolvedOptions,
  input: Tensor,
  grid: Tensor,
  allocate: () => Float32Array,
): Promise<Float32Array> {
  const { memory, threads } = runner;
  const { counter } = plan;
  const overlap = threads > 1; // copies run while the workers sample
  writeParams(memory.buffer, plan, geo, opts);
  const { n, c, spatialDims } = geo;
  const itemPixels = geo.inD * geo.inH * geo.inW;
  const itemPoints = geo.outD * geo.outH * geo.outW;
  const copyIn = (data: Float32Array, at: number, [start, end]: Range) =>
    new Float32Array(memory.buffer, at, data.length).set(data.subarray(start, end), start);
  let out: Float32Array | undefined;
  const copyOut = ([start, end]: Range) => {
    out ??= allocate();
    out.set(new Float32Array(memory.buffer, plan.output + 4 * start, end - start), start);
  };
  const scratch = (thread: number) => plan.scratch + thread * plan.scratchBytes;
  /** Units per chunk for [start, end): the whole range on one thread, else whole blocks. */
  const chunkOf = ([start, end]: Range) =>
    overlap ? Math.ceil((end - start) / (threads * CHUNKS_PER_THREAD) / BLOCK) * BLOCK : end - start;
  /** How many rounds `bytes` of data make. */
  const roundCount = (bytes: number) =>
    Math.max(1, Math.min(overlap ? MAX_ROUNDS : Infinity, Math.round(bytes / ROUND_BYTES)));

  if (plan.split === 'batches') {
    // rounds of whole batch items, on threads at least two per thread
    const perRound = Math.max(overlap ? 2 * threads : 1, Math.ceil(n / roundCount(4 * input.data.length)));
    const rounds = splitRange(n, Math.ceil(n / perRound));
    const items = (f: number, [b0, b1]: Range): Range => [b0 * f, b1 * f];
    const copyInItems = (range: Range) => {
      copyIn(input.data, plan.input, items(itemPixels * c, range));
      copyIn(grid.data, plan.grid, items(itemPoints * spatialDims, range));
    };
    if (overlap) copyInItems(rounds[0]);
    for (let r = 0; r < rounds.length; r++) {
      if (!overlap) copyInItems(rounds[r]);
      const [first, last] = rounds[r];
      const job = runner.run('sampleBatches', counter, (thread) => [
        plan.params,
        first,
        last,
        scratch(thread),
        plan.packed + thread * plan.packedBytes,
        counter,
      ]);
      if (overlap) {
        if (r + 1 < rounds.length) copyInItems(rounds[r + 1]);
        if (r > 0) copyOut(items(itemPoints * c, rounds[r - 1]));
        else out = allocate();
      }
      await job;
      if (!overlap) copyOut(items(itemPoints * c, rounds[r]));
    }
    if (overlap) copyOut(items(itemPoints * c, rounds[rounds.length - 1]));
    return out as Float32Array;
  }

  // the whole input is packed before any point is sampled; with workers the grid is copied while they pack
  let packing: Promise<void> | undefined;
  if (plan.stagePixels > 0) {
    // one thread, one batch item: each stage of every channel plane is copied in and packed while in cache
    const { pixels, stagePixels } = plan;
    for (let start = 0; start < pixels; start += stagePixels) {
      const end = Math.min(pixels, start + stagePixels);
      for (let ch = 0; ch < c; ch++) {
        const stage = new Float32Array(memory.buffer, plan.input + 4 * ch * (end - start), end - start);
        stage.set(input.data.subarray(ch * pixels + start, ch * pixels + end));
      }
      await runner.run('packStage', counter, () => [plan.params, start, end]);
    }
  } else {
    copyIn(input.data, plan.input, [0, input.data.length]);
    const pixels: Range = [0, plan.pixels];
    packing =
      plan.packing === 'none'
        ? undefined
        : runner.run('pack', counter, () => [plan.params, 0, plan.pixels, chunkOf(pixels), counter]);
  }
  // on one thread each round's grid is copied just before it is sampled, while it is still in cache
  if (overlap) copyIn(grid.data, plan.grid, [0, grid.data.length]);
  out = allocate();
  await packing;
  const rounds = splitRange(plan.points, roundCount(4 * plan.points * c), BLOCK);
  const copyOutPoints = ([p0, p1]: Range) => {
    if (geo.layout === 'nhwc') return copyOut([p0 * c, p1 * c]);
    // channels first: the points of a round are a strip in each channel plane of each batch item
    for (let b = Math.floor(p0 / itemPoints); b * itemPoints < p1; b++) {
      const start = Math.max(p0, b * itemPoints) - b * itemPoints;
      const end = Math.min(p1, (b + 1) * itemPoints) - b * itemPoints;
      for (let ch = 0; ch < c; ch++) {
        const plane = (b * c + ch) * itemPoints;
        copyOut([plane + start, plane + end]);
      }
    }
  };
  for (let r = 0; r < rounds.length; r++) {
    const [start, end] = rounds[r];
    const chunk = chunkOf(rounds[r]);
    if (!overlap) copyIn(grid.data, plan.grid, [start * spatialDims, end * spatialDims]);
    const job = runner.run('sample', counter, (thread) => [plan.params, start, end, scratch(thread), chunk, counter]);
    if (overlap && r > 0) copyOutPoints(rounds[r - 1]);
    await job;
    if (!overlap) copyOutPoints(rounds[r]);
  }
  if (overlap) copyOutPoints(rounds[rounds.length - 1]);
  return out;
}
