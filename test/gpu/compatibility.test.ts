// WebGPU compatibility mode (`featureLevel: 'compatibility'`, a device without `core-features-and-limits`):
// GridSampler.create() falls back to such an adapter where there is no core adapter; every kernel record
// stays within compatibility mode's default limits; and Dawn really enforces them on such a device (a
// control), so the `compat` project of vite.config.ts, which runs the GPU suite on compatibility-mode
// devices (GPU_FEATURE_LEVEL=compatibility), checks what it claims to.
import { existsSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import type { Kernel } from '../../src/gpu/kernel.js';
import {
  affineGridCpu,
  GridSampler,
  gridSampleBackwardCpu,
  gridSampleCpu,
  type Tensor,
  WebGPUUnavailableError,
} from '../../src/index.js';
import { requireGpu } from '../helpers/gpu.js';
import { gradientScales } from '../helpers/gradient-scale.js';
import { randomTensor } from '../helpers/random.js';
import { affineGridScale, expectClose, forwardTolerance, TOLERANCE } from '../helpers/tolerance.js';

// The defaults of compatibility mode that a compute kernel can meet (WebGPU spec, "Limits"; lower than
// core's for workgroups and uniform buffers, equal for storage buffers).
const COMPAT_DEFAULTS = {
  maxComputeInvocationsPerWorkgroup: 128,
  maxComputeWorkgroupSizeX: 128,
  maxComputeWorkgroupSizeY: 128,
  maxStorageBuffersPerShaderStage: 8,
  maxStorageTexturesPerShaderStage: 4,
  maxSampledTexturesPerShaderStage: 16,
  maxUniformBuffersPerShaderStage: 12,
  maxUniformBufferBindingSize: 16384,
} as const;

const SWIFTSHADER_ICD = '/usr/lib/chromium/vk_swiftshader_icd.json';
if (!process.env.VK_ICD_FILENAMES && existsSync(SWIFTSHADER_ICD)) process.env.VK_ICD_FILENAMES = SWIFTSHADER_ICD;
const { create, globals } = await import('webgpu');
Object.assign(globalThis, globals);
const dawn = create([]); // kept for the whole file: Dawn tears its instance down when this is collected
const compatAdapter = await dawn.requestAdapter({ featureLevel: 'compatibility' });
if (!compatAdapter && requireGpu) throw new Error('CI=true but Dawn has no compatibility-mode adapter');

/** Every kernel record exported by an op module, alone or in a table of variants. */
function declaredKernels(): Kernel[] {
  const modules = import.meta.glob('../../src/gpu/ops/*.ts', { eager: true }) as Record<string, object>;
  const isKernel = (v: unknown): v is Kernel => typeof v === 'object' && v !== null && 'bindingOrder' in v;
  const found = new Set<Kernel>();
  for (const value of Object.values(modules).flatMap((exports) => Object.values(exports))) {
    if (isKernel(value)) found.add(value);
    else if (typeof value === 'object' && value !== null)
      for (const v of Object.values(value)) if (isKernel(v)) found.add(v);
  }
  return [...found];
}

describe('kernel records within compatibility mode', () => {
  const kernels = declaredKernels();
  it('are all found', () => expect(kernels.length).toBeGreaterThanOrEqual(13));

  it.each(kernels.map((k) => [k.name, k] as const))('%s fits the default limits', (_, kernel) => {
    const [x, y] = kernel.workgroup === 'flat' ? [128, 1] : kernel.workgroup; // flat: WORKGROUP_SIZE
    expect(x * y).toBeLessThanOrEqual(COMPAT_DEFAULTS.maxComputeInvocationsPerWorkgroup);
    expect(x).toBeLessThanOrEqual(COMPAT_DEFAULTS.maxComputeWorkgroupSizeX);
    expect(y).toBeLessThanOrEqual(COMPAT_DEFAULTS.maxComputeWorkgroupSizeY);
    const kinds = Object.values(kernel.bindings);
    const count = (...of: string[]) => kinds.filter((k) => of.includes(k)).length;
    expect(count('storage', 'read-only-storage')).toBeLessThanOrEqual(COMPAT_DEFAULTS.maxStorageBuffersPerShaderStage);
    expect(count('rgba8unorm-storage')).toBeLessThanOrEqual(COMPAT_DEFAULTS.maxStorageTexturesPerShaderStage);
    expect(count('texture')).toBeLessThanOrEqual(COMPAT_DEFAULTS.maxSampledTexturesPerShaderStage);
    expect(count('uniform')).toBeLessThanOrEqual(COMPAT_DEFAULTS.maxUniformBuffersPerShaderStage);
    expect(kernel.uniformLayout.size).toBeLessThanOrEqual(COMPAT_DEFAULTS.maxUniformBufferBindingSize);
    // no `enable` directive: compatibility mode may lack the feature (shader-f16, subgroups)
    expect(kernel.wgsl.code).not.toMatch(/^\s*enable\s/m);
  });
});

describe.skipIf(!compatAdapter)('a compatibility-mode device on Dawn', () => {
  const adapter = compatAdapter as GPUAdapter;
  const devices: GPUDevice[] = [];
  const previousNavigator = Object.getOwnPropertyDescriptor(globalThis, 'navigator');
  afterAll(() => {
    for (const device of devices) device.destroy();
    if (previousNavigator) Object.defineProperty(globalThis, 'navigator', previousNavigator);
  });

  it('has compatibility mode limits, and rejects a kernel beyond them that a core device runs (control)', async () => {
    const device = await adapter.requestDevice();
    devices.push(device);
    expect(device.features.has('core-features-and-limits')).toBe(false);
    for (const [name, value] of Object.entries(COMPAT_DEFAULTS)) {
      expect(device.limits[name as keyof GPUSupportedLimits], name).toBe(value);
    }
    const code = '@compute @workgroup_size(256) fn main() {}';
    const compile = async (on: GPUDevice) => {
      on.pushErrorScope('validation');
      on.createComputePipeline({ layout: 'auto', compute: { module: on.createShaderModule({ code }) } });
      return (await on.popErrorScope())?.message ?? null;
    };
    expect(await compile(device)).toMatch(/256/);
    const core = await ((await dawn.requestAdapter()) as GPUAdapter).requestDevice();
    devices.push(core);
    expect(core.features.has('core-features-and-limits')).toBe(true);
    expect(await compile(core)).toBeNull();
  });

  it('GridSampler.create() falls back to it where there is no core adapter, and computes the CPU results', async () => {
    const requested: (string | undefined)[] = [];
    const compatOnly = {
      async requestAdapter(options?: GPURequestAdapterOptions) {
        requested.push(options?.featureLevel);
        return options?.featureLevel === 'compatibility' ? dawn.requestAdapter(options) : null;
      },
    };
    Object.defineProperty(globalThis, 'navigator', { value: { gpu: compatOnly }, configurable: true });
    const sampler = await GridSampler.create();
    devices.push(sampler.device);
    expect(requested).toEqual([undefined, 'compatibility']);
    expect(sampler.device.features.has('core-features-and-limits')).toBe(false);
    sampler.device.pushErrorScope('validation');

    const input = randomTensor([2, 3, 9, 8], 71);
    const theta: Tensor = {
      data: new Float32Array([0.9, -0.3, 0.1, 0.2, 1.1, -0.05, 1, 0, 0, 0, 1, 0]),
      shape: [2, 2, 3],
    };
    const grid = await sampler.affineGrid(theta, [2, 3, 7, 6]);
    const expectedGrid = affineGridCpu(theta, [2, 3, 7, 6]);
    const scale = affineGridScale(theta.data, [2, 3, 7, 6]);
    expectClose(grid, expectedGrid, TOLERANCE.affine, 'affineGrid', { scale });
    for (const mode of ['bilinear', 'bicubic', 'nearest'] as const) {
      const options = { mode, paddingMode: 'reflection', alignCorners: true } as const;
      const expected = gridSampleCpu(input, grid, options);
      expectClose(await sampler.gridSample(input, grid, options), expected, forwardTolerance(mode), mode);
      const gradOutput = randomTensor([...expected.shape], 72);
      const grads = await sampler.gridSampleBackward(gradOutput, input, grid, options);
      const reference = gridSampleBackwardCpu(gradOutput, input, grid, options);
      const scales = gradientScales(gradOutput, input, grid, options, reference);
      for (const key of ['gradInput', 'gradGrid'] as const) {
        expectClose(grads[key], reference[key], TOLERANCE.backward, `${mode} ${key}`, scales[key]);
      }
    }
    expect((await sampler.device.popErrorScope())?.message ?? null).toBeNull();
    sampler.destroy();
  });

  it('without any adapter, GridSampler.create() says both were tried', async () => {
    Object.defineProperty(globalThis, 'navigator', {
      value: { gpu: { requestAdapter: async () => null } },
      configurable: true,
    });
    const created = GridSampler.create();
    await expect(created).rejects.toThrow(WebGPUUnavailableError);
    await expect(created).rejects.toThrow(/found no adapter, core or compatibility mode/);
  });
});
