// onnxruntime-web's WebGPU session and this library on one device, tensors passed as GPU buffers:
//
//   npx vite-node examples/onnxruntime-interop.ts
//
// In a browser onnxruntime-web creates its device from navigator.gpu itself; in Node node-webgpu.ts
// exposes Dawn as navigator.gpu and copies the SharedArrayBuffer views onnxruntime-web hands to
// queue.writeBuffer, which Dawn rejects (browsers accept them).

import { gridSampleCpu, type Tensor } from '../src/index.js';
import { installNodeWebGpu, loadOrtWeb } from './node-webgpu.js';
import { runInterop } from './onnxruntime-interop-core.js';

await installNodeWebGpu();
const ort = await loadOrtWeb('ort.webgpu.mjs');

const random = (shape: number[], scale: number): Tensor => ({
  data: Float32Array.from({ length: shape.reduce((a, b) => a * b, 1) }, (_, i) => Math.sin(i * 12.9898) * scale),
  shape,
});
const x = random([1, 8, 32, 32], 3);
const grids: [Tensor, Tensor, Tensor] = [
  random([1, 24, 24, 2], 1.1),
  random([1, 16, 20, 2], 1.1),
  random([1, 12, 12, 2], 1.1),
];

const { output, sameDevice } = await runInterop(ort, x, grids);
const expected = grids.reduce((t, grid) => gridSampleCpu(t, grid), x);
const error = Math.max(...output.data.map((v, i) => Math.abs(v - expected.data[i])));
console.log(
  `shared device: ${sameDevice}; output [${output.shape}]; max |GPU chain - CPU reference| = ${error.toExponential(2)}`,
);
process.exit(0);
