// Our side: the GPU kernel on GPU-resident buffers (timestamps and submit-to-done), the Tensor API end
// to end (upload, run, readback), and the CPU reference.

import type { GridSampler, Layout, WasmSampler } from '../../src/index.js';
import { gridSampleCpu } from '../../src/index.js';
import type { Contender, Measurement } from '../contender.js';
import { timeWall, timeWallAndCpu } from '../contender.js';
import { toChannelsFirst, toChannelsLast } from '../layout.js';
import type { PassTimer } from '../pass-timer.js';
import { elements, optionsOf, outputShapeOf } from '../workloads.js';

const STORAGE = 0x80;
const COPY_SRC = 0x4;
const COPY_DST = 0x8;
const MAP_READ = 0x1;

export function createBuffer(device: GPUDevice, data: Float32Array | number, label: string): GPUBuffer {
  const size = typeof data === 'number' ? data * 4 : data.byteLength;
  const buffer = device.createBuffer({ label, size: Math.max(4, size), usage: STORAGE | COPY_SRC | COPY_DST });
  if (typeof data !== 'number') device.queue.writeBuffer(buffer, 0, data.buffer, data.byteOffset, data.byteLength);
  return buffer;
}

export async function readBuffer(device: GPUDevice, buffer: GPUBuffer, count: number): Promise<Float32Array> {
  const staging = device.createBuffer({ label: 'bench readback', size: count * 4, usage: MAP_READ | COPY_DST });
  const encoder = device.createCommandEncoder({ label: 'bench readback' });
  encoder.copyBufferToBuffer(buffer, 0, staging, 0, count * 4);
  device.queue.submit([encoder.finish()]);
  await staging.mapAsync(0x1);
  const data = new Float32Array(staging.getMappedRange().slice(0));
  staging.destroy();
  return data;
}

/** Times `call` with timestamps when `timer` exists, else submit-to-done wall time only. */
export async function timeGpu(
  device: GPUDevice,
  timer: PassTimer | undefined,
  call: () => unknown,
): Promise<Measurement> {
  if (timer) {
    const { wall, gpu, work } = await timer.measure(call);
    return { wall, gpu, work };
  }
  return timeWall(async () => {
    await call();
    await device.queue.onSubmittedWorkDone();
  });
}

/**
 * The GPU kernel on GPU-resident buffers. With `layout: 'nhwc'` the input is channels-last already, as
 * images and many web tensors are: it is transposed once before timing, and so is the output.
 */
export function oursGpu(sampler: GridSampler, timer: PassTimer | undefined, layout: Layout = 'nchw'): Contender {
  const device = sampler.device;
  const channelsLast = layout === 'nhwc';
  return {
    id: channelsLast ? 'ours-gpu-nhwc' : 'ours-gpu',
    label: channelsLast ? 'ours, GPU kernel, channels-last input' : 'ours, GPU kernel',
    timing: channelsLast
      ? "as ours-gpu, with layout: 'nhwc' (input transposed before timing)"
      : timer
        ? 'GPU timestamps of the compute pass; wall = encode + submit + onSubmittedWorkDone'
        : 'encode + submit + onSubmittedWorkDone (no timestamp-query)',
    async prepare(workload, data) {
      const outputShape = outputShapeOf(workload);
      const count = elements(outputShape);
      const input = channelsLast ? toChannelsLast(data.input) : data.input;
      const args = {
        input: createBuffer(device, input.data, `bench input ${layout}`),
        inputShape: input.shape,
        grid: createBuffer(device, data.grid.data, 'bench grid'),
        gridShape: data.grid.shape,
        output: createBuffer(device, count, 'bench output'),
      };
      const options = { ...optionsOf(workload), layout };
      const encode = () => {
        const encoder = device.createCommandEncoder({ label: `bench ours ${layout}` });
        sampler.encodeGridSample(encoder, args, options);
        device.queue.submit([encoder.finish()]);
      };
      return {
        run: () => timeGpu(device, timer, encode),
        output: async () => {
          encode();
          const out = await readBuffer(device, args.output, count);
          if (!channelsLast) return out;
          const [n, c, ...spatial] = outputShape;
          return toChannelsFirst({ data: out, shape: [n, ...spatial, c] }).data;
        },
        release: () => {
          for (const b of [args.input, args.grid, args.output]) b.destroy();
        },
      };
    },
  };
}

export function oursEndToEnd(sampler: GridSampler): Contender {
  return {
    id: 'ours-e2e',
    label: 'ours, end to end',
    timing: 'gridSample(): upload, kernel, readback into a new Float32Array',
    async prepare(workload, { input, grid }) {
      const options = optionsOf(workload);
      await sampler.gridSample(input, grid, options);
      const afterFirst = sampler.stats;
      let calls = 1;
      return {
        run: () => {
          calls++;
          return timeWall(() => sampler.gridSample(input, grid, options));
        },
        output: async () => {
          calls++;
          return (await sampler.gridSample(input, grid, options)).data;
        },
        release: () => {},
        notes: () => ({ statsAfterFirstCall: afterFirst, statsAfterAllCalls: sampler.stats, calls }),
      };
    },
  };
}

export function oursCpu(): Contender {
  return {
    id: 'ours-cpu',
    label: 'ours, CPU reference',
    timing: 'gridSampleCpu(), one JS thread',
    async prepare(workload, { input, grid }) {
      const options = optionsOf(workload);
      return {
        run: () => timeWallAndCpu(() => gridSampleCpu(input, grid, options)),
        output: async () => gridSampleCpu(input, grid, options).data,
        release: () => {},
      };
    },
  };
}

/**
 * The wasm backend end to end: WasmSampler.gridSample copies input and grid into the kernels' memory,
 * samples (on `sampler.threads` threads) and copies the output into a new Float32Array.
 */
export function oursWasm(sampler: WasmSampler, id: 'ours-wasm-1' | 'ours-wasm-n'): Contender {
  const threads = `${sampler.threads} thread${sampler.threads === 1 ? '' : 's'}`;
  return {
    id,
    label: `ours, wasm SIMD, ${threads}`,
    timing: `WasmSampler.gridSample() on ${threads} (${sampler.kernel}): copy in, sample, copy out`,
    async prepare(workload, { input, grid }) {
      const options = optionsOf(workload);
      return {
        run: () => timeWallAndCpu(() => sampler.gridSample(input, grid, options)),
        output: async () => (await sampler.gridSample(input, grid, options)).data,
        release: () => {},
      };
    },
  };
}
