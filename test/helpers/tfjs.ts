// TensorFlow.js 4.22 in Node for the tests: the cpu backend, and the webgpu backend on a test device
// (Dawn; a compatibility-mode device under GPU_FEATURE_LEVEL=compatibility), so the webgpu-grid-sample
// kernels run on TF.js's own device as they do in a browser.
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-core/dist/register_all_gradients'; // gradients of TF.js's own ops (the full @tensorflow/tfjs does this)
import type { Tensor } from '../../src/index.js';
import { createTestDevice } from './gpu.js';

export { tf };

/**
 * Registers TF.js's `webgpu` backend on a fresh test device and returns the device, or undefined where
 * there is no adapter (never under CI=true: createTestDevice throws).
 */
export async function registerWebGpuBackend(): Promise<GPUDevice | undefined> {
  const device = await createTestDevice();
  if (!device) return undefined;
  // WebGPUBackend checks navigator.gpu exists; importing the package then registers a 'webgpu' backend
  // of its own (its own adapter), replaced here by one on the test device
  if (!(globalThis as { navigator?: { gpu?: unknown } }).navigator?.gpu) {
    const { create } = await import('webgpu');
    Object.defineProperty(globalThis, 'navigator', { value: { gpu: create([]) }, configurable: true });
  }
  const { WebGPUBackend } = await import('@tensorflow/tfjs-backend-webgpu');
  tf.removeBackend('webgpu');
  tf.registerBackend('webgpu', () => new WebGPUBackend(device));
  return device;
}

/** A TF.js tensor's values and shape, read back, as the library's Tensor. */
export async function toTensor(t: tf.Tensor): Promise<Tensor> {
  return { data: Float32Array.from(await t.data()), shape: t.shape };
}

/** A library Tensor as a TF.js float32 tensor on the active backend. */
export const fromTensor = (t: Tensor): tf.Tensor => tf.tensor(t.data, [...t.shape], 'float32');
