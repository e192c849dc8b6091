// What the webgpu kernels use of TF.js's WebGPU backend (@tensorflow/tfjs-backend-webgpu 4.x), declared
// by structure so that nothing imports that package, and how a kernel call's tensors reach the GPU and
// come back: through the backend's public GPU data methods, those behind `tensor.dataToGPU()` and
// `tf.tensor({ buffer })`.
//
// Ordering: TF.js records its own work into a command encoder it submits later; `readToGPU` submits it
// (with a copy of the tensor), so whatever produced our inputs has been submitted before our encoder is;
// `createTensorFromGPUData` copies our output into a buffer of TF.js's pool and submits at once, so our
// scratch output can go back to our pool right after: later writes to it are later submissions, which the
// one queue runs after that copy. The measured cost of the copies, against binding TF.js's own buffers in
// place: bench/tfjs.ts (`npm run bench:tfjs`).
import type { KernelBackend, Tensor, TensorInfo } from '@tensorflow/tfjs-core';
import type { GpuContext } from '../gpu/context.js';
import { BufferUsage } from '../gpu/flags.js';
import { encodeInt32ToFloat32 } from '../gpu/ops/int32-to-float32.js';
import { elementCount } from '../options.js';

/** The members of tfjs-backend-webgpu's WebGPUBackend that the kernels use. */
export interface WebGpuBackendLike extends KernelBackend {
  device: GPUDevice;
  /**
   * Moves a tensor's values onto the GPU. Small results may live on the CPU (WEBGPU_CPU_FORWARD), where
   * `readToGPU` throws "Data is not on GPU but on CPU".
   */
  uploadToGPU(dataId: object): void;
  /** A new float32 tensor record holding `values` (on the CPU side). */
  makeTensorInfo(shape: number[], dtype: 'float32', values: Float32Array): TensorInfo;
}

/** Whether `backend` is TF.js's WebGPU backend (by its members: the package is not imported). */
export function isWebGpuBackend(backend: unknown): backend is WebGpuBackendLike {
  const b = backend as Partial<WebGpuBackendLike> | null;
  return (
    typeof b === 'object' &&
    b !== null &&
    typeof b.device?.createCommandEncoder === 'function' &&
    typeof b.uploadToGPU === 'function' &&
    typeof b.readToGPU === 'function' &&
    typeof b.createTensorFromGPUData === 'function'
  );
}

// what createTensorFromGPUData requires, and COPY_DST for a gradient the backward clears first
const OUTPUT_USAGE = BufferUsage.STORAGE | BufferUsage.COPY_SRC | BufferUsage.COPY_DST;

/**
 * One kernel call's tensors on TF.js's device and the encoder it records into: inputs read into GPU
 * buffers (`readToGPU`, a GPU copy; int32 words converted to float32 there), outputs written into
 * buffers of our pool and handed to TF.js (`createTensorFromGPUData`, a GPU copy into TF.js's pool).
 * Nothing is read back to the CPU.
 */
export class WebGpuTensors {
  readonly encoder: GPUCommandEncoder;
  private readonly views: Tensor[] = [];
  private readonly scratch: GPUBuffer[] = [];
  private readonly outputs: [buffer: GPUBuffer, shape: readonly number[]][] = [];

  constructor(
    private readonly backend: WebGpuBackendLike,
    private readonly ctx: GpuContext,
    label: string,
  ) {
    this.encoder = backend.device.createCommandEncoder({ label: `webgpu-grid-sample/tfjs ${label}` });
  }

  /** A GPUBuffer holding a tensor's values as float32, for this call. */
  read(info: TensorInfo): GPUBuffer {
    this.backend.uploadToGPU(info.dataId);
    const { tensorRef, buffer } = this.backend.readToGPU(info.dataId);
    this.views.push(tensorRef);
    // the copy has the dtype of the storage: int32 under a float32 tensor cast from int32 or bool
    if (tensorRef.dtype === 'float32') return buffer as GPUBuffer;
    const count = elementCount(info.shape);
    const floats = this.ctx.pool.acquire(count * 4, BufferUsage.STORAGE | BufferUsage.COPY_SRC, 'tfjs float32 input');
    this.scratch.push(floats);
    encodeInt32ToFloat32(this.ctx, this.encoder, buffer as GPUBuffer, floats, count);
    return floats;
  }

  /** The GPUBuffer a float32 output of `shape` is written into. */
  write(shape: readonly number[]): GPUBuffer {
    const buffer = this.ctx.pool.acquire(elementCount(shape) * 4, OUTPUT_USAGE, 'webgpu-grid-sample/tfjs output');
    this.outputs.push([buffer, shape]);
    return buffer;
  }

  /** Submits the encoder and returns the outputs as TF.js tensors, in the order written. */
  submit(): Tensor[] {
    this.backend.device.queue.submit([this.encoder.finish()]);
    try {
      return this.outputs.map(([buffer, shape]) =>
        this.backend.createTensorFromGPUData({ buffer }, [...shape], 'float32'),
      );
    } finally {
      for (const buffer of [...this.outputs.map(([b]) => b), ...this.scratch]) this.ctx.pool.release(buffer);
      for (const view of this.views) view.dispose();
    }
  }
}
