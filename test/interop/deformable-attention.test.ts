// A deformable attention layer across onnxruntime-web and encodeMsDeformAttn on one device
// (examples/deformable-attention-core.ts): ORT's WebGPU projections -> our attention on ORT's GPU
// buffers -> ORT's output projection, against the same chain on the CPU (ORT's wasm EP and
// msDeformAttnCpu). The two differ by the rounding of ORT's matrix products on each EP and of our
// kernel's sums; TOLERANCE.msda covers both (measured: printed below).
import { describe, expect, it } from 'vitest';
import { LAYER, layerOnCpu, layerOnGpu } from '../../examples/deformable-attention-core.js';
import { installNodeWebGpu, loadOrtWeb } from '../../examples/node-webgpu.js';
import { createTestDevice } from '../helpers/gpu.js';
import { randomTensor } from '../helpers/random.js';
import { compare, expectClose, TOLERANCE } from '../helpers/tolerance.js';

const probe = await createTestDevice(); // fails under CI=true without an adapter
probe?.destroy();

describe.skipIf(!probe)('deformable attention between onnxruntime-web sessions', () => {
  it('ORT projections -> encodeMsDeformAttn -> ORT output projection on one device equals the CPU chain', async () => {
    await installNodeWebGpu();
    const ort = await loadOrtWeb('ort.webgpu.mjs');
    const positions = LAYER.spatialShapes.reduce((s, [h, w]) => s + h * w, 0);
    const inputs = {
      query: randomTensor([1, LAYER.queries, LAYER.channels], 1, -2, 2),
      referencePoints: randomTensor([1, LAYER.queries, LAYER.spatialShapes.length, 2], 2, 0.05, 0.95),
      inputFlatten: randomTensor([1, positions, LAYER.channels], 3, -2, 2),
    };
    const { output, sameDevice } = await layerOnGpu(ort, inputs);
    expect(sameDevice).toBe(true);
    const expected = await layerOnCpu(ort, inputs);
    expectClose(output, expected, TOLERANCE.msda, 'GPU chain vs CPU chain');
    const { scaledError } = compare(output.data, expected.data, TOLERANCE.msda);
    console.log(`deformable layer, GPU chain vs CPU chain: ${scaledError.toExponential(2)} x max(1, peak)`);
    // the check sees a wrong attention: the same chain with the feature maps zeroed is far off
    const biasOnly = await layerOnCpu(ort, {
      ...inputs,
      inputFlatten: randomTensor(inputs.inputFlatten.shape, 3, 0, 0),
    });
    expect(compare(biasOnly.data, expected.data, TOLERANCE.msda).ok).toBe(false);
  }, 120_000);
});
