// One grid_sample call through the kernels: input and grid copied into the memory, packed, sampled,
// the output copied out. With worker threads the sampling goes in rounds, and the calling thread
// copies the next round's input and the last round's output while the workers sample, so that the
// copies (one thread's work) overlap the sampling instead of adding to it.
import type { ResolvedOptions, SampleGeometry } from '../options.js';
import type { Tensor } from '../types.js';
import { type MemoryPlan, splitRange, writeParams } from './plan.js';
import type { Runner } from './runner.js';

/** Rounds per call on worker threads: the first copy in and the last copy out are not overlapped. */
const ROUNDS = 4;
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
  const memory = runner.memory;
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
  const { counter, threads } = { counter: plan.counter, threads: runner.threads };
  /** Units per chunk for [start, end): the whole range on one thread, else whole blocks. */
  const chunkOf = ([start, end]: Range) =>
    threads === 1 ? end - start : Math.ceil((end - start) / (threads * CHUNKS_PER_THREAD) / BLOCK) * BLOCK;

  if (plan.split === 'batches') {
    // rounds of whole batch items: copy in round r + 1 and copy out round r - 1 while r samples
    const perRound = threads === 1 ? n : Math.max(2 * threads, Math.ceil(n / ROUNDS));
    const rounds = splitRange(n, Math.ceil(n / perRound));
    const copyInItems = ([b0, b1]: Range) => {
      copyIn(input.data, plan.input, [b0 * itemPixels * c, b1 * itemPixels * c]);
      copyIn(grid.data, plan.grid, [b0 * itemPoints * spatialDims, b1 * itemPoints * spatialDims]);
    };
    copyInItems(rounds[0]);
    for (let r = 0; r < rounds.length; r++) {
      const [first, last] = rounds[r];
      const job = runner.run('sampleBatches', counter, (thread) => [
        plan.params,
        first,
        last,
        scratch(thread),
        plan.packed + thread * plan.packedBytes,
        counter,
      ]);
      if (r + 1 < rounds.length) copyInItems(rounds[r + 1]);
      if (r > 0) copyOut([rounds[r - 1][0] * itemPoints * c, rounds[r - 1][1] * itemPoints * c]);
      else out = allocate();
      await job;
    }
    const [b0, b1] = rounds[rounds.length - 1];
    copyOut([b0 * itemPoints * c, b1 * itemPoints * c]);
    return out as Float32Array;
  }

  // the whole input is packed before any point is sampled; the grid is copied while it packs
  copyIn(input.data, plan.input, [0, input.data.length]);
  const pixels: Range = [0, plan.pixels];
  const packing =
    plan.packing === 'none'
      ? undefined
      : runner.run('pack', counter, () => [plan.params, 0, plan.pixels, chunkOf(pixels), counter]);
  copyIn(grid.data, plan.grid, [0, grid.data.length]);
  out = allocate();
  await packing;
  const rounds = splitRange(plan.points, threads === 1 ? 1 : ROUNDS, BLOCK);
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
    const job = runner.run('sample', counter, (thread) => [plan.params, start, end, scratch(thread), chunk, counter]);
    if (r > 0) copyOutPoints(rounds[r - 1]);
    await job;
  }
  copyOutPoints(rounds[rounds.length - 1]);
  return out;
}
