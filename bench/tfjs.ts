// `npm run bench:tfjs`: webgpu-grid-sample/tfjs on TF.js's webgpu backend, chains of gridSample calls
// (each reads the previous result), read once at the end; wall-clock medians, interleaved round by round.
//   tfjs      the shipped op: TF.js hands each input over as a GPU copy (readToGPU, what
//             tensor.dataToGPU() does) and takes the result as a copy (createTensorFromGPUData, what
//             tf.tensor({ buffer }) does)
//   direct    the same kernels bound to TF.js's own buffers in place (its internal tensorMap), the result
//             written into a tensor TF.js allocated: no copies; written here with GridSampler.encodeGridSample
//   tfjs-cpu  the shipped op on TF.js's cpu backend (the CPU reference), for scale
// Each chain is timed by the wall clock and by this process's CPU time (every thread: JS, Dawn and
// SwiftShader's workers), which other processes on a busy machine disturb far less. Options: --rounds N
// (default 9). On SwiftShader quote only the ratios.
import { parseArgs } from 'node:util';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { GridSampler } from '../src/index.js';
import { gridSample } from '../src/tfjs.js';
import { installNodeWebGpu } from './node-setup.js';
import { summarize } from './stats.js';

const { values } = parseArgs({ options: { rounds: { type: 'string', default: '9' } } });
const rounds = Number(values.rounds);

await installNodeWebGpu(); // navigator.gpu: tfjs-backend-webgpu registers 'webgpu' on import
await import('@tensorflow/tfjs-backend-webgpu');
if (!(await tf.setBackend('webgpu'))) throw new Error('TF.js could not start its webgpu backend');

/** What the direct path uses of TF.js's WebGPUBackend: internals, not its public API. */
interface WebGpuInternals {
  device: GPUDevice;
  tensorMap: { get(dataId: object): { resource: GPUBuffer } };
  uploadToGPU(dataId: object): void;
  makeTensorInfo(shape: number[], dtype: 'float32'): tf.TensorInfo;
  ensureCommandEncoderReady(): void;
  endComputePassEncoder(): void;
  submitQueue(): void;
}
const backend = tf.backend() as unknown as WebGpuInternals;
const sampler = await GridSampler.create({ device: backend.device });

/** gridSample on TF.js's own buffers: TF.js's pending work submitted first, then ours. */
function direct(input: tf.Tensor, grid: tf.Tensor): tf.Tensor {
  const outputShape = [input.shape[0], grid.shape[1], grid.shape[2], input.shape[3]] as number[];
  const output = backend.makeTensorInfo(outputShape, 'float32');
  for (const dataId of [input.dataId, grid.dataId, output.dataId]) backend.uploadToGPU(dataId);
  const buffer = (dataId: object) => backend.tensorMap.get(dataId).resource;
  backend.ensureCommandEncoderReady();
  backend.endComputePassEncoder();
  backend.submitQueue();
  const encoder = backend.device.createCommandEncoder();
  sampler.encodeGridSample(
    encoder,
    {
      input: buffer(input.dataId),
      inputShape: input.shape,
      grid: buffer(grid.dataId),
      gridShape: grid.shape,
      output: buffer(output.dataId),
    },
    { layout: 'nhwc' },
  );
  backend.device.queue.submit([encoder.finish()]);
  return tf.engine().makeTensorFromTensorInfo(output);
}

const contenders: Record<string, { backend: string; call: (x: tf.Tensor, g: tf.Tensor) => tf.Tensor }> = {
  tfjs: { backend: 'webgpu', call: (x, g) => gridSample(x, g) },
  direct: { backend: 'webgpu', call: direct },
  'tfjs-cpu': { backend: 'cpu', call: (x, g) => gridSample(x, g) },
};

console.log(`${rounds} rounds; median ms per chain, wall clock / process CPU time\n`);
console.log(
  '| chain | tfjs | direct | tfjs-cpu | tfjs / direct, wall | tfjs / direct, CPU |\n|---|---|---|---|---|---|',
);
for (const [size, channels, calls] of [
  [32, 3, 50],
  [128, 3, 20],
  [256, 16, 5],
] as const) {
  const times: Record<string, number[]> = { tfjs: [], direct: [], 'tfjs-cpu': [] };
  const cpu: Record<string, number[]> = { tfjs: [], direct: [], 'tfjs-cpu': [] };
  const names = Object.keys(contenders);
  for (let round = -1; round < rounds; round++) {
    // round -1 compiles and warms up; the order rotates so no contender always runs first
    for (let k = 0; k < names.length; k++) {
      const name = names[(k + Math.max(round, 0)) % names.length];
      const { backend: on, call } = contenders[name];
      await tf.setBackend(on);
      const input = tf.randomUniform([1, size, size, channels]);
      const grid = tf.randomUniform([1, size, size, 2], -1, 1);
      await Promise.all([input.data(), grid.data()]);
      const started = performance.now();
      const cpuStarted = process.cpuUsage();
      const out = tf.tidy(() => {
        let x = input;
        for (let i = 0; i < calls; i++) x = call(x, grid);
        return x;
      });
      await out.data();
      const used = process.cpuUsage(cpuStarted);
      if (round >= 0) {
        times[name].push(performance.now() - started);
        cpu[name].push((used.user + used.system) / 1000);
      }
      tf.dispose([input, grid, out]);
    }
  }
  const median = (of: Record<string, number[]>, name: string) => summarize(of[name]).median;
  const cell = (name: string) => `${median(times, name).toFixed(1)} / ${median(cpu, name).toFixed(1)}`;
  const ratio = (of: Record<string, number[]>) => (median(of, 'tfjs') / median(of, 'direct')).toFixed(2);
  console.log(
    `| ${size}x${size}x${channels}, ${calls} calls | ${cell('tfjs')} | ${cell('direct')} | ${cell('tfjs-cpu')} | ${ratio(times)} | ${ratio(cpu)} |`,
  );
}
sampler.destroy();
