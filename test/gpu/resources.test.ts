// Resources and concurrency: repeated calls leave GPU buffers, caches and the JS heap flat; concurrent
// calls each get their own correct result; inputs are never modified and outputs never alias them.
import { describe, expect, it } from 'vitest';
import {
  affineGridCpu,
  type GridSampleOptions,
  gridSample,
  gridSampleCpu,
  type Mode,
  type PaddingMode,
  type Tensor,
} from '../../src/index.js';
import { createTestDevice, useTestSampler } from '../helpers/gpu.js';
import { randomTensor } from '../helpers/random.js';
import { compare, describeComparison, expectClose, forwardTolerance, TOLERANCE } from '../helpers/tolerance.js';

const device = await createTestDevice();

const MODES: Mode[] = ['bilinear', 'nearest', 'bicubic'];
const PADDINGS: PaddingMode[] = ['zeros', 'border', 'reflection'];

interface Case {
  input: Tensor;
  grid: Tensor;
  options: GridSampleOptions;
}

/** Case `i` of a family of mixed 2-D and 3-D shapes and options; `big` outputs are 3 to 30 KiB. */
function mixedCase(i: number, seed = i, big = false): Case {
  const dims = i % 4 === 3 ? 3 : 2;
  const options = {
    mode: dims === 3 ? MODES[i % 2] : MODES[i % 3],
    paddingMode: PADDINGS[(i >> 1) % 3],
    alignCorners: i % 5 < 2,
  };
  const spatial = dims === 2 ? [3 + (i % 5), 4 + (i % 3)] : [2 + (i % 2), 3, 2 + (i % 3)];
  const out = dims === 2 ? [2 + (i % 4), 3 + (i % 2)] : [2, 1 + (i % 3), 2];
  if (big) for (const d of out.keys()) out[d] *= dims === 2 ? 8 : 4;
  const n = 1 + (i % 2);
  return {
    input: randomTensor([n, 1 + (i % 3), ...spatial], seed),
    grid: randomTensor([n, ...out, dims], seed + 7, -1.4, 1.4),
    options,
  };
}

/** A full garbage collection, after the current job (V8 keeps WeakRef targets alive until it ends). */
async function collectGarbage(): Promise<void> {
  const gc = (globalThis as { gc?: () => void }).gc;
  expect(gc, 'run vitest with --expose-gc (vite.config.ts test.execArgv)').toBeTypeOf('function');
  await new Promise((resolve) => setTimeout(resolve, 0));
  gc?.();
  gc?.();
}

/** JS memory: the heap plus ArrayBuffer contents (which live outside it). */
function heapBytes(): number {
  const { heapUsed, arrayBuffers } = process.memoryUsage();
  return heapUsed + arrayBuffers;
}

describe.skipIf(!device)('resources and concurrency', async () => {
  const gpu = device as GPUDevice;
  const sampler = await useTestSampler(gpu);

  it('1000 calls of mixed shapes, each value-checked, leave GPU buffers and caches flat and retain nothing', async () => {
    const cases = Array.from({ length: 24 }, (_, i) => mixedCase(i, i, true));
    const expected = cases.map((c) => gridSampleCpu(c.input, c.grid, c.options));
    const theta = randomTensor([2, 2, 3], 5);
    const expectedAffine = affineGridCpu(theta, [2, 1, 5, 6]);
    // every result and the inputs of every call are watched: after a GC none may be alive, so the
    // sampler keeps no reference to what a call was given or returned
    const watched: WeakRef<object>[] = [];
    const run = async (calls: number) => {
      let peak = 0;
      for (let i = 0; i < calls; i++) {
        const k = i % cases.length;
        const { options } = cases[k];
        const input = { data: cases[k].input.data.slice(), shape: cases[k].input.shape };
        const grid = { data: cases[k].grid.data.slice(), shape: cases[k].grid.shape };
        if (i % 12 === 11) {
          const affine = await sampler.affineGrid(theta, [2, 1, 5, 6]);
          const check = compare(affine.data, expectedAffine.data, TOLERANCE.affine);
          if (!check.ok) expect.fail(`affineGrid, call ${i}: ${describeComparison(check)}`);
        }
        const out = await sampler.gridSample(input, grid, options);
        const check = compare(out.data, expected[k].data, forwardTolerance(options.mode));
        if (!check.ok) expect.fail(`case ${k}, call ${i}: ${describeComparison(check)}`);
        if (i % 10 === 0) watched.push(new WeakRef(out.data), new WeakRef(input.data), new WeakRef(grid.data));
        peak = Math.max(peak, sampler.stats.liveBuffers);
      }
      return peak;
    };
    await run(240); // warm-up: every shape ten times
    const warm = sampler.stats;
    await collectGarbage();
    const heapWarm = heapBytes();
    const peak = await run(360);
    expect(sampler.stats).toEqual(warm);
    await run(360);
    expect(sampler.stats).toEqual(warm);
    // 24 shapes x 4 buffers fit the pool's 128 spares; a call holds 4 buffers at a time
    expect(peak).toBeLessThanOrEqual(24 * 4 + 4);
    expect(warm.uniformBuffers).toBeLessThanOrEqual(256);
    await collectGarbage();
    const alive = watched.filter((ref) => ref.deref() !== undefined).length;
    expect(alive, `of ${watched.length} watched inputs and outputs, still reachable after a GC`).toBe(0);
    // Dawn and V8 keep settling over a few thousand calls, more on a loaded machine, so the heap is
    // printed, not asserted; retained results and inputs are what the WeakRefs above rule out
    console.log(`heap after warm-up ${heapWarm} bytes; after 720 more calls: ${heapBytes() - heapWarm} bytes more`);
  });

  it('calls whose shapes never repeat keep the pool and caches bounded', async () => {
    for (let i = 0; i < 400; i++) {
      const input = randomTensor([1, 1, 2 + (i % 17), 2 + Math.floor(i / 17)], i);
      const grid = randomTensor([1, 1 + (i % 13), 1 + Math.floor(i / 13), 2], i + 1);
      await sampler.gridSample(input, grid);
    }
    const stats = sampler.stats;
    expect(stats.liveBuffers).toBeLessThanOrEqual(128); // the pool's bound on spares
    expect(stats.uniformBuffers).toBeLessThanOrEqual(256);
    expect(stats.bindGroups).toBeLessThanOrEqual(256);
  });

  it('64 concurrent calls with different shapes and options each return their own result; inputs stay intact', async () => {
    const cases = Array.from({ length: 64 }, (_, i) => mixedCase(i, 1000 + i));
    const snapshots = cases.map((c) => [c.input.data.slice(), c.grid.data.slice()]);
    const theta = randomTensor([1, 3, 4], 3);
    const size = [1, 2, 3, 4, 5];
    const affine = sampler.affineGrid(theta, size);
    const outputs = await Promise.all(cases.map((c) => sampler.gridSample(c.input, c.grid, c.options)));
    cases.forEach((c, i) => {
      const expected = gridSampleCpu(c.input, c.grid, c.options);
      expectClose(outputs[i], expected, forwardTolerance(c.options.mode), `call ${i}`);
      expect(c.input.data).toEqual(snapshots[i][0]);
      expect(c.grid.data).toEqual(snapshots[i][1]);
    });
    expectClose(await affine, affineGridCpu(theta, size), TOLERANCE.affine);
    // no output shares memory with an input or another output
    const buffers = [
      ...cases.flatMap((c) => [c.input.data.buffer, c.grid.data.buffer]),
      ...outputs.map((o) => o.data.buffer),
    ];
    expect(new Set(buffers).size).toBe(buffers.length);
  });

  it('64 concurrent top-level gridSample() promises, GPU and CPU backends mixed, each return their own result', async () => {
    const cases = Array.from({ length: 64 }, (_, i) => mixedCase(i, 2000 + i));
    const backends = ['webgpu', 'auto', 'cpu'] as const;
    const outputs = await Promise.all(
      cases.map((c, i) => gridSample(c.input, c.grid, { ...c.options, backend: backends[i % 3], device: gpu })),
    );
    cases.forEach((c, i) => {
      const expected = gridSampleCpu(c.input, c.grid, c.options);
      expectClose(outputs[i], expected, forwardTolerance(c.options.mode), `call ${i}`);
      expect(outputs[i].data.buffer).not.toBe(c.input.data.buffer);
    });
  });

  it('reads inputs that are views into a larger buffer at their offset, and leaves the rest alone', async () => {
    const backing = new Float32Array(1000).map((_, i) => Math.sin(i));
    const before = backing.slice();
    const input = { data: backing.subarray(101, 101 + 2 * 3 * 5 * 4), shape: [2, 3, 5, 4] };
    const grid = { data: backing.subarray(503, 503 + 2 * 3 * 3 * 2), shape: [2, 3, 3, 2] };
    const out = await sampler.gridSample(input, grid, { paddingMode: 'border' });
    expectClose(out, gridSampleCpu(input, grid, { paddingMode: 'border' }), TOLERANCE.forward);
    expect(backing).toEqual(before);
  });
});
