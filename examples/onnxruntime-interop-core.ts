// onnxruntime-web and this library on one GPUDevice, tensors passed as GPU buffers both ways: an ORT
// WebGPU session's output feeds encodeGridSample, whose output feeds the next ORT session, with no
// CPU round trip in between. Used by examples/onnxruntime-interop.ts and test/interop/.
import type * as Ort from 'onnxruntime-web';
import { type GridSampleOptions, GridSampler, type Tensor } from '../src/index.js';
import { gridSampleModel } from './onnx-model.js';

/** What the chain reads back at the end, with the intermediate shapes. */
export interface InteropResult {
  output: Tensor;
  /** True when our sampler ran on onnxruntime-web's own device. */
  sameDevice: boolean;
}

const OPTIONS: Required<Pick<GridSampleOptions, 'mode' | 'paddingMode' | 'alignCorners'>> = {
  mode: 'bilinear',
  paddingMode: 'zeros',
  alignCorners: false,
};

/** One GridSample node as an ORT WebGPU session whose output stays on the GPU. */
function session(ort: typeof Ort, input: Tensor, grid: Tensor) {
  const model = gridSampleModel({ inputShape: input.shape, gridShape: grid.shape, ...OPTIONS });
  return ort.InferenceSession.create(model, { executionProviders: ['webgpu'], preferredOutputLocation: 'gpu-buffer' });
}

function upload(device: GPUDevice, data: Float32Array): GPUBuffer {
  const buffer = device.createBuffer({
    size: data.byteLength,
    usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_DST,
  });
  device.queue.writeBuffer(buffer, 0, data);
  return buffer;
}

/**
 * x -> ORT GridSample(grid1) -> our encodeGridSample(grid2) -> ORT GridSample(grid3) -> read back.
 * Only x and the grids are uploaded; only the last output is downloaded.
 */
export async function runInterop(ort: typeof Ort, x: Tensor, grids: [Tensor, Tensor, Tensor]): Promise<InteropResult> {
  const [grid1, grid2, grid3] = grids;
  const shape1 = [x.shape[0], x.shape[1], grid1.shape[1], grid1.shape[2]];
  const shape2 = [x.shape[0], x.shape[1], grid2.shape[1], grid2.shape[2]];
  const first = await session(ort, x, grid1);
  const device = (await ort.env.webgpu.device) as GPUDevice; // set once a webgpu session exists
  const sampler = await GridSampler.create({ device });
  const last = await session(ort, { data: new Float32Array(0), shape: shape2 }, grid3);
  const buffers = [
    upload(device, x.data),
    upload(device, grid1.data),
    upload(device, grid2.data),
    upload(device, grid3.data),
  ];
  const tensor = (buffer: GPUBuffer, dims: readonly number[]) =>
    ort.Tensor.fromGpuBuffer(buffer, { dataType: 'float32', dims });
  try {
    // 1. onnxruntime-web: its output tensor holds a GPU buffer on the shared device
    const y = (await first.run({ X: tensor(buffers[0], x.shape), grid: tensor(buffers[1], grid1.shape) })).Y;
    // 2. ours, recorded into our own encoder on that buffer; the result stays on the GPU
    const z = device.createBuffer({
      label: 'interop z',
      size: shape2.reduce((a, b) => a * b, 4),
      usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC,
    });
    const encoder = device.createCommandEncoder();
    sampler.encodeGridSample(
      encoder,
      { input: y.gpuBuffer as GPUBuffer, inputShape: shape1, grid: buffers[2], gridShape: grid2.shape, output: z },
      OPTIONS,
    );
    device.queue.submit([encoder.finish()]);
    // 3. onnxruntime-web again, fed our buffer
    const w = (await last.run({ X: tensor(z, shape2), grid: tensor(buffers[3], grid3.shape) })).Y;
    const output = { data: (await w.getData(true)) as Float32Array, shape: [...w.dims] };
    y.dispose();
    z.destroy();
    return { output, sameDevice: sampler.device === device };
  } finally {
    sampler.destroy();
    for (const buffer of buffers) buffer.destroy();
    await first.release();
    await last.release();
  }
}
