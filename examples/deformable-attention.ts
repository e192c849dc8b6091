// A deformable attention layer with onnxruntime-web and this library on one device: ORT's WebGPU session
// computes the projections, encodeMsDeformAttn the attention on ORT's GPU buffers, a second ORT session
// the output projection; no CPU round trip in between. Checked against the same chain on the CPU.
//
//   npm run example:deformable-attention
import type { Tensor } from '../src/index.js';
import { LAYER, layerOnCpu, layerOnGpu } from './deformable-attention-core.js';
import { installNodeWebGpu, loadOrtWeb } from './node-webgpu.js';

await installNodeWebGpu();
const ort = await loadOrtWeb('ort.webgpu.mjs');

const random = (shape: number[], scale: number, offset = 0): Tensor => ({
  data: Float32Array.from(
    { length: shape.reduce((a, b) => a * b, 1) },
    (_, i) => offset + Math.sin(i * 12.9898 + shape.length) * scale,
  ),
  shape,
});
const positions = LAYER.spatialShapes.reduce((s, [h, w]) => s + h * w, 0);
const inputs = {
  query: random([1, LAYER.queries, LAYER.channels], 1),
  referencePoints: random([1, LAYER.queries, LAYER.spatialShapes.length, 2], 0.4, 0.5),
  inputFlatten: random([1, positions, LAYER.channels], 1),
};

const { output, sameDevice } = await layerOnGpu(ort, inputs);
const expected = await layerOnCpu(ort, inputs);
const error = Math.max(...output.data.map((v, i) => Math.abs(v - expected.data[i])));
console.log(
  `shared device: ${sameDevice}; output [${output.shape}]; max |GPU chain - CPU chain| = ${error.toExponential(2)}`,
);
process.exit(0);
