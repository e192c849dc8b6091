// Whatever a caller records stays valid until the GPU has run it: 1000 differently shaped forward and
// backward calls recorded into one encoder, then one submit, every output equal to the CPU reference;
// the sampler's pool and caches stay bounded once the work is done.
import { describe, expect, it } from 'vitest';
import {
  gridSampleBackwardCpu,
  gridSampleCpu,
  type Mode,
  type PaddingMode,
  type SamplingOptions,
  type Tensor,
} from '../../src/index.js';
import { createTestDevice, readBuffer, storageBuffer, useTestSampler } from '../helpers/gpu.js';
import { gradientScales } from '../helpers/gradient-scale.js';
import { randomTensor } from '../helpers/random.js';
import { expectClose, forwardTolerance, TOLERANCE } from '../helpers/tolerance.js';

const device = await createTestDevice();

const CALLS = 1000;
const OPTIONS: { mode: Mode; paddingMode: PaddingMode; alignCorners: boolean }[] = [
  { mode: 'bilinear', paddingMode: 'zeros', alignCorners: false },
  { mode: 'bilinear', paddingMode: 'border', alignCorners: true },
  { mode: 'nearest', paddingMode: 'reflection', alignCorners: false },
];

interface Call {
  inputShape: number[];
  gridShape: number[];
  outputShape: number[];
  options: SamplingOptions;
}

/** Call `i`: a shape no other call has (output H, W and input H from the digits of i), 2-D or 3-D. */
function callOf(i: number): Call {
  const [outH, outW, inH] = [1 + (i % 10), 1 + (Math.floor(i / 10) % 10), 2 + Math.floor(i / 100)];
  const c = 1 + (i % 2);
  const inW = 2 + (i % 3);
  const options = OPTIONS[i % 3];
  if (i % 4 === 3) {
    return {
      inputShape: [1, c, 2, inH, inW],
      gridShape: [1, 2, outH, outW, 3],
      outputShape: [1, c, 2, outH, outW],
      options,
    };
  }
  return { inputShape: [1, c, inH, inW], gridShape: [1, outH, outW, 2], outputShape: [1, c, outH, outW], options };
}

const count = (shape: number[]) => shape.reduce((a, b) => a * b, 1);
const head = (t: Tensor, shape: number[]): Tensor => ({ data: t.data.slice(0, count(shape)), shape });

describe.skipIf(!device)(`${CALLS} distinct shapes in one encoder`, async () => {
  const gpu = device as GPUDevice;
  const sampler = await useTestSampler(gpu);

  it('records forward and backward calls of 1000 shapes, then one submit: every output equals the CPU', async () => {
    const calls = Array.from({ length: CALLS }, (_, i) => callOf(i));
    expect(new Set(calls.map((c) => `${c.inputShape}|${c.gridShape}`)).size).toBe(CALLS);
    // every call reads the start of the same input, grid and gradOutput buffers
    const input = randomTensor([1 << 12], 71);
    const grid = randomTensor([1 << 12], 72, -1.2, 1.2);
    const gradOutput = randomTensor([1 << 12], 73);
    const copy = GPUBufferUsage.COPY_SRC | GPUBufferUsage.COPY_DST;
    const buffers = {
      input: storageBuffer(gpu, input.data),
      grid: storageBuffer(gpu, grid.data),
      gradOutput: storageBuffer(gpu, gradOutput.data),
      // written by every call, then copied out to its place in `results`
      output: storageBuffer(gpu, new Float32Array(1 << 12), copy),
      gradInput: storageBuffer(gpu, new Float32Array(1 << 12), copy),
      gradGrid: storageBuffer(gpu, new Float32Array(1 << 12), copy),
    };
    const sizes = calls.map((c) => [count(c.outputShape), count(c.inputShape), count(c.gridShape)]);
    const total = sizes.flat().reduce((a, b) => a + b, 0);
    const results = gpu.createBuffer({ size: total * 4, usage: GPUBufferUsage.COPY_SRC | GPUBufferUsage.COPY_DST });
    const encoder = gpu.createCommandEncoder();
    let offset = 0;
    const keep = (from: GPUBuffer, elements: number) => {
      encoder.copyBufferToBuffer(from, 0, results, offset * 4, elements * 4);
      offset += elements;
    };
    calls.forEach((c, i) => {
      const shapes = { inputShape: c.inputShape, gridShape: c.gridShape };
      sampler.encodeGridSample(encoder, { ...buffers, ...shapes }, c.options);
      keep(buffers.output, sizes[i][0]);
      sampler.encodeGridSampleBackward(encoder, { ...buffers, ...shapes }, c.options);
      keep(buffers.gradInput, sizes[i][1]);
      keep(buffers.gradGrid, sizes[i][2]);
    });
    gpu.queue.submit([encoder.finish()]);
    const data = await readBuffer(gpu, results, total);
    offset = 0;
    const next = (shape: number[]): Tensor => {
      const out = { data: data.subarray(offset, offset + count(shape)), shape };
      offset += count(shape);
      return out;
    };
    calls.forEach((c, i) => {
      const [x, g, dy] = [head(input, c.inputShape), head(grid, c.gridShape), head(gradOutput, c.outputShape)];
      const expected = gridSampleCpu(x, g, c.options);
      const label = `call ${i} ${JSON.stringify(c)}`;
      expectClose(next(c.outputShape), expected, forwardTolerance(c.options.mode), label);
      const grads = gridSampleBackwardCpu(dy, x, g, c.options);
      const scales = gradientScales(dy, x, g, c.options, grads);
      expectClose(next(c.inputShape), grads.gradInput, TOLERANCE.backward, `${label} gradInput`, scales.gradInput);
      expectClose(next(c.gridShape), grads.gradGrid, TOLERANCE.backward, `${label} gradGrid`, scales.gradGrid);
    });
    // bounded once the work is done: caches at their capacity, no buffers beyond the two placeholders
    const stats = sampler.stats;
    expect(stats.uniformBuffers).toBeLessThanOrEqual(256);
    expect(stats.bindGroups).toBeLessThanOrEqual(256);
    expect(stats.liveBuffers).toBeLessThanOrEqual(2);
    for (const buffer of [...Object.values(buffers), results]) buffer.destroy();
  });
});
