// A real WebGPU device for tests: Google's Dawn (the `webgpu` package), which runs on SwiftShader's
// software Vulkan from Debian's chromium package when the machine has no GPU.
import { existsSync } from 'node:fs';
import { afterAll, afterEach, beforeEach, expect } from 'vitest';
import { GridSampler } from '../../src/index.js';
import { underCi } from './ci.js';

const SWIFTSHADER_ICD = '/usr/lib/chromium/vk_swiftshader_icd.json';

/** Under CI (any non-empty CI other than 'false' or '0', see ci.ts) a missing adapter fails. */
export const requireGpu = underCi;

/**
 * GPU_FEATURE_LEVEL=compatibility (the `compat` project of vite.config.ts): every test device is a
 * WebGPU compatibility-mode device, made on a `featureLevel: 'compatibility'` adapter without the
 * `core-features-and-limits` feature, so Dawn enforces compatibility mode's limits and restrictions.
 */
export const featureLevel = process.env.GPU_FEATURE_LEVEL === 'compatibility' ? 'compatibility' : 'core';

// Dawn tears its instance down when the GPU object is garbage collected, even with devices alive.
const instances: GPU[] = [];

/** A device with the adapter's largest buffer limits, or undefined where there is no adapter (never under CI). */
export async function createTestDevice(limits: 'adapter' | 'default' = 'adapter'): Promise<GPUDevice | undefined> {
  if (!process.env.VK_ICD_FILENAMES && existsSync(SWIFTSHADER_ICD)) process.env.VK_ICD_FILENAMES = SWIFTSHADER_ICD;
  const { create, globals } = await import('webgpu');
  Object.assign(globalThis, globals); // GPUBufferUsage etc. for the tests themselves; the library needs none
  const gpu = create([]);
  instances.push(gpu);
  const adapter = await gpu.requestAdapter({ featureLevel });
  if (!adapter) {
    if (requireGpu) {
      throw new Error(
        `CI=${process.env.CI} but no WebGPU adapter: install Debian chromium (SwiftShader) and libvulkan1, or set VK_ICD_FILENAMES`,
      );
    }
    console.warn('No WebGPU adapter: GPU tests are skipped on this machine (they fail under CI).');
    return undefined;
  }
  const requiredLimits =
    limits === 'adapter'
      ? {
          maxStorageBufferBindingSize: adapter.limits.maxStorageBufferBindingSize,
          maxBufferSize: adapter.limits.maxBufferSize,
        }
      : {};
  const device = await adapter.requestDevice({ requiredLimits });
  if (featureLevel === 'compatibility' && device.features.has('core-features-and-limits')) {
    throw new Error('GPU_FEATURE_LEVEL=compatibility, but the test device is a core device');
  }
  return device;
}

/** Runs every test of the enclosing suite inside validation and out-of-memory error scopes. */
export function useErrorScopes(getDevice: () => GPUDevice): void {
  beforeEach(() => {
    getDevice().pushErrorScope('out-of-memory');
    getDevice().pushErrorScope('validation');
  });
  afterEach(async () => {
    const validation = await getDevice().popErrorScope();
    const outOfMemory = await getDevice().popErrorScope();
    expect(validation?.message ?? null, 'WebGPU validation error').toBeNull();
    expect(outOfMemory?.message ?? null, 'WebGPU out-of-memory error').toBeNull();
  });
}

/**
 * A sampler on `device` for the enclosing suite: every test runs inside error scopes, and the sampler
 * and device are destroyed after the suite.
 */
export async function useTestSampler(device: GPUDevice): Promise<GridSampler> {
  const sampler = await GridSampler.create({ device });
  afterAll(() => {
    sampler.destroy();
    device.destroy();
  });
  useErrorScopes(() => device);
  return sampler;
}

/** Uploads a Float32Array into a new storage buffer. */
export function storageBuffer(device: GPUDevice, data: Float32Array, extraUsage = 0): GPUBuffer {
  const buffer = device.createBuffer({
    size: Math.max(4, data.byteLength),
    usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_DST | GPUBufferUsage.COPY_SRC | extraUsage,
  });
  device.queue.writeBuffer(buffer, 0, data);
  return buffer;
}

/** Reads `count` float32 values back from a buffer with COPY_SRC usage. */
export async function readBuffer(device: GPUDevice, buffer: GPUBuffer, count: number): Promise<Float32Array> {
  const staging = device.createBuffer({ size: count * 4, usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST });
  const encoder = device.createCommandEncoder();
  encoder.copyBufferToBuffer(buffer, 0, staging, 0, count * 4);
  device.queue.submit([encoder.finish()]);
  await staging.mapAsync(GPUMapMode.READ);
  const data = new Float32Array(staging.getMappedRange().slice(0));
  staging.destroy();
  return data;
}
