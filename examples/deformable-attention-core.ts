// One deformable attention layer across onnxruntime-web and this library on one GPUDevice: an ORT WebGPU
// session computes the layer's projections (value, sampling locations, attention weights), our
// encodeMsDeformAttn runs the attention on ORT's output buffers, and a second ORT session applies the
// output projection to our buffer. Nothing goes through the CPU in between. The same chain on the CPU
// (ORT's wasm EP and msDeformAttnCpu) is the reference. Used by examples/deformable-attention.ts and
// test/interop/deformable-attention.test.ts. The models: scripts/export_deformable_layer_onnx.py.
import { readFileSync } from 'node:fs';
import type * as Ort from 'onnxruntime-web';
import { GridSampler, msDeformAttnCpu, type Tensor } from '../src/index.js';

/** The exported layer (scripts/export_deformable_layer_onnx.py): 2 levels, 4 heads of 8 channels, 4 points. */
export const LAYER = {
  spatialShapes: [
    [8, 8],
    [4, 4],
  ] as [number, number][],
  queries: 10,
  channels: 32,
  heads: 4,
  points: 4,
};

/** The layer's inputs: query [1, Nq, C], reference points [1, Nq, L, 2] in [0, 1], the flattened maps [1, S, C]. */
export interface LayerInputs {
  query: Tensor;
  referencePoints: Tensor;
  inputFlatten: Tensor;
}

const model = (name: string) => readFileSync(new URL(`./models/${name}`, import.meta.url));

function feeds(ort: typeof Ort, inputs: LayerInputs): Record<string, Ort.Tensor> {
  const tensor = (t: Tensor) => new ort.Tensor('float32', t.data, t.shape);
  return {
    query: tensor(inputs.query),
    reference_points: tensor(inputs.referencePoints),
    input_flatten: tensor(inputs.inputFlatten),
  };
}

/**
 * The layer with ORT's WebGPU EP and our kernel on ORT's device: only the inputs are uploaded and the
 * final output read back.
 */
export async function layerOnGpu(
  ort: typeof Ort,
  inputs: LayerInputs,
): Promise<{ output: Tensor; sameDevice: boolean }> {
  const options = { executionProviders: ['webgpu'], preferredOutputLocation: 'gpu-buffer' } as const;
  const projections = await ort.InferenceSession.create(model('deformable-projections.onnx'), options);
  const device = (await ort.env.webgpu.device) as GPUDevice; // set once a webgpu session exists
  const sampler = await GridSampler.create({ device });
  const outputProjection = await ort.InferenceSession.create(model('deformable-output-projection.onnx'), options);
  const shape = [1, LAYER.queries, LAYER.channels];
  const attention = device.createBuffer({
    label: 'deformable attention output',
    size: shape.reduce((a, b) => a * b, 4),
    usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC,
  });
  try {
    // 1. onnxruntime-web: the projections, left on the GPU
    const p = await projections.run(feeds(ort, inputs));
    const { value, sampling_locations: locations, attention_weights: weights } = p;
    // 2. ours: the attention on ORT's buffers, recorded into our encoder; the result stays on the GPU
    const encoder = device.createCommandEncoder({ label: 'deformable attention' });
    sampler.encodeMsDeformAttn(encoder, {
      value: value.gpuBuffer as GPUBuffer,
      valueShape: value.dims,
      spatialShapes: LAYER.spatialShapes,
      samplingLocations: locations.gpuBuffer as GPUBuffer,
      locationsShape: locations.dims,
      attentionWeights: weights.gpuBuffer as GPUBuffer,
      output: attention,
    });
    device.queue.submit([encoder.finish()]);
    // 3. onnxruntime-web again, fed our buffer; only its output is read back
    const fed = ort.Tensor.fromGpuBuffer(attention, { dataType: 'float32', dims: shape });
    const out = (await outputProjection.run({ attention: fed })).output;
    const output = { data: (await out.getData(true)) as Float32Array, shape: [...out.dims] };
    for (const t of [value, locations, weights]) t.dispose();
    return { output, sameDevice: sampler.device === device };
  } finally {
    attention.destroy();
    sampler.destroy();
    await projections.release();
    await outputProjection.release();
  }
}

/** The same layer on the CPU: ORT's wasm EP for the projections, msDeformAttnCpu for the attention. */
export async function layerOnCpu(ort: typeof Ort, inputs: LayerInputs): Promise<Tensor> {
  const options = { executionProviders: ['wasm'] };
  const projections = await ort.InferenceSession.create(model('deformable-projections.onnx'), options);
  const outputProjection = await ort.InferenceSession.create(model('deformable-output-projection.onnx'), options);
  try {
    const p = await projections.run(feeds(ort, inputs));
    const tensor = (t: Ort.Tensor): Tensor => ({ data: t.data as Float32Array, shape: [...t.dims] });
    const attention = msDeformAttnCpu(
      tensor(p.value),
      LAYER.spatialShapes,
      tensor(p.sampling_locations),
      tensor(p.attention_weights),
    );
    const fed = new ort.Tensor('float32', attention.data, attention.shape);
    const out = (await outputProjection.run({ attention: fed })).output;
    return { data: out.data as Float32Array, shape: [...out.dims] };
  } finally {
    await projections.release();
    await outputProjection.release();
  }
}
