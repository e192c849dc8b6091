// Compute pipelines, compiled once per (device, kernel, override constants) and shared by every
// sampler on that device. Shapes travel in uniforms, so a new shape never recompiles.

import affineBaseWgsl from '../../shaders/affine-base.wgsl?raw';
import affineGridWgsl from '../../shaders/affine-grid.wgsl?raw';
import affineGridBackwardWgsl from '../../shaders/affine-grid-backward.wgsl?raw';
import atomicAddWgsl from '../../shaders/atomic-add.wgsl?raw';
import coordinatesWgsl from '../../shaders/coordinates.wgsl?raw';
import coordinatesGradWgsl from '../../shaders/coordinates-grad.wgsl?raw';
import float16PackWgsl from '../../shaders/float16-pack.wgsl?raw';
import gridSample2dWgsl from '../../shaders/grid-sample-2d.wgsl?raw';
import gridSample2dVec4Wgsl from '../../shaders/grid-sample-2d-vec4.wgsl?raw';
import gridSample3dWgsl from '../../shaders/grid-sample-3d.wgsl?raw';
import gridSample3dVec4Wgsl from '../../shaders/grid-sample-3d-vec4.wgsl?raw';
import gridSampleBackward2dWgsl from '../../shaders/grid-sample-backward-2d.wgsl?raw';
import gridSampleBackward3dWgsl from '../../shaders/grid-sample-backward-3d.wgsl?raw';
import gridSampleImageWgsl from '../../shaders/grid-sample-image.wgsl?raw';
import storageFloat16In2dWgsl from '../../shaders/grid-sample-storage-float16-2d.wgsl?raw';
import storageFloat16In3dWgsl from '../../shaders/grid-sample-storage-float16-3d.wgsl?raw';
import storageFloat32In2dWgsl from '../../shaders/grid-sample-storage-float32-2d.wgsl?raw';
import storageFloat32In3dWgsl from '../../shaders/grid-sample-storage-float32-3d.wgsl?raw';
import sampleParamsWgsl from '../../shaders/sample-params.wgsl?raw';
import { ShaderStageCompute } from './flags.js';

export type KernelName =
  | 'grid-sample-2d'
  | 'grid-sample-2d-vec4'
  | 'grid-sample-3d'
  | 'grid-sample-3d-vec4'
  | 'grid-sample-2d-float16'
  | 'grid-sample-3d-float16'
  | 'float16-pack'
  | 'affine-grid'
  | 'grid-sample-image'
  | 'grid-sample-backward-2d'
  | 'grid-sample-backward-3d'
  | 'affine-grid-backward-partial'
  | 'affine-grid-backward-total';

/** A buffer binding, or the sampled / storage rgba8unorm textures of the image kernel. */
type Binding = GPUBufferBindingType | 'texture' | 'rgba8unorm-storage';
export type OverrideConstants = Record<string, number>;

interface Kernel {
  code: string;
  entryPoint: string;
  bindings: Binding[];
}

// coordinates.wgsl goes after the kernel so compiler line numbers inside the kernel stay right.
const FORWARD_BINDINGS: Binding[] = ['read-only-storage', 'read-only-storage', 'storage', 'uniform'];

/** A forward grid_sample kernel: its source, the shared params and coordinates, and its storage loads. */
const forward = (parts: string[], storage: string, entryPoint: string): Kernel => ({
  code: [...parts, coordinatesWgsl, sampleParamsWgsl, storage].join('\n'),
  entryPoint,
  bindings: FORWARD_BINDINGS,
});

const KERNELS: Record<KernelName, Kernel> = {
  'grid-sample-2d': forward([gridSample2dWgsl], storageFloat32In2dWgsl, 'grid_sample_2d'),
  // channels-last input read 4 channels at a time: the same kernel with a second entry point
  'grid-sample-2d-vec4': forward(
    [gridSample2dWgsl, gridSample2dVec4Wgsl],
    storageFloat32In2dWgsl,
    'grid_sample_2d_vec4',
  ),
  'grid-sample-3d': forward([gridSample3dWgsl], storageFloat32In3dWgsl, 'grid_sample_3d'),
  'grid-sample-3d-vec4': forward(
    [gridSample3dWgsl, gridSample3dVec4Wgsl],
    storageFloat32In3dWgsl,
    'grid_sample_3d_vec4',
  ),
  // float16 storage (src/gpu/float16.ts): the same kernels with float16 loads; f32 output to a scratch
  // buffer that float16-pack turns into float16 words
  'grid-sample-2d-float16': forward([gridSample2dWgsl], storageFloat16In2dWgsl, 'grid_sample_2d'),
  'grid-sample-3d-float16': forward([gridSample3dWgsl], storageFloat16In3dWgsl, 'grid_sample_3d'),
  'float16-pack': {
    code: float16PackWgsl,
    entryPoint: 'float16_pack',
    bindings: ['read-only-storage', 'storage', 'uniform'],
  },
  'affine-grid': {
    code: `${affineGridWgsl}\n${affineBaseWgsl}`,
    entryPoint: 'affine_grid',
    bindings: ['read-only-storage', 'storage', 'uniform'],
  },
  'grid-sample-image': {
    code: `${gridSampleImageWgsl}\n${coordinatesWgsl}`,
    entryPoint: 'grid_sample_image',
    bindings: ['texture', 'read-only-storage', 'rgba8unorm-storage', 'uniform'],
  },
  // gradOutput, input, grid in; gradInput (atomic scatter), gradGrid out
  'grid-sample-backward-2d': {
    code: [gridSampleBackward2dWgsl, coordinatesGradWgsl, coordinatesWgsl, sampleParamsWgsl, atomicAddWgsl].join('\n'),
    entryPoint: 'grid_sample_2d_backward',
    bindings: ['read-only-storage', 'read-only-storage', 'read-only-storage', 'storage', 'storage', 'uniform'],
  },
  'grid-sample-backward-3d': {
    code: [gridSampleBackward3dWgsl, coordinatesGradWgsl, coordinatesWgsl, sampleParamsWgsl, atomicAddWgsl].join('\n'),
    entryPoint: 'grid_sample_3d_backward',
    bindings: ['read-only-storage', 'read-only-storage', 'read-only-storage', 'storage', 'storage', 'uniform'],
  },
  // gradGrid in, per-chunk partial sums (scratch), gradTheta out: two entry points, one layout
  'affine-grid-backward-partial': {
    code: `${affineGridBackwardWgsl}\n${affineBaseWgsl}`,
    entryPoint: 'affine_grid_backward_partial',
    bindings: ['read-only-storage', 'storage', 'storage', 'uniform'],
  },
  'affine-grid-backward-total': {
    code: `${affineGridBackwardWgsl}\n${affineBaseWgsl}`,
    entryPoint: 'affine_grid_backward_total',
    bindings: ['read-only-storage', 'storage', 'storage', 'uniform'],
  },
};

function layoutEntry(type: Binding, binding: number): GPUBindGroupLayoutEntry {
  const visibility = ShaderStageCompute;
  if (type === 'texture') return { binding, visibility, texture: { sampleType: 'unfilterable-float' } };
  if (type === 'rgba8unorm-storage') {
    return { binding, visibility, storageTexture: { access: 'write-only', format: 'rgba8unorm' } };
  }
  return { binding, visibility, buffer: { type } };
}

interface DeviceKernels {
  layouts: Map<KernelName, { bindGroupLayout: GPUBindGroupLayout; pipelineLayout: GPUPipelineLayout }>;
  modules: Map<KernelName, GPUShaderModule>;
  pipelines: Map<string, GPUComputePipeline>;
  pending: Map<string, Promise<GPUComputePipeline>>;
  compiled: number;
}

const perDevice = new WeakMap<GPUDevice, DeviceKernels>();

function kernelsOf(device: GPUDevice): DeviceKernels {
  let k = perDevice.get(device);
  if (!k) {
    k = { layouts: new Map(), modules: new Map(), pipelines: new Map(), pending: new Map(), compiled: 0 };
    perDevice.set(device, k);
  }
  return k;
}

export function bindGroupLayout(device: GPUDevice, name: KernelName): GPUBindGroupLayout {
  return layoutOf(device, name).bindGroupLayout;
}

function layoutOf(device: GPUDevice, name: KernelName) {
  const k = kernelsOf(device);
  let layout = k.layouts.get(name);
  if (!layout) {
    const bindGroupLayout = device.createBindGroupLayout({
      label: `${name} bind group layout`,
      entries: KERNELS[name].bindings.map(layoutEntry),
    });
    const pipelineLayout = device.createPipelineLayout({
      label: `${name} layout`,
      bindGroupLayouts: [bindGroupLayout],
    });
    layout = { bindGroupLayout, pipelineLayout };
    k.layouts.set(name, layout);
  }
  return layout;
}

function descriptor(device: GPUDevice, name: KernelName, constants: OverrideConstants): GPUComputePipelineDescriptor {
  const k = kernelsOf(device);
  let module = k.modules.get(name);
  if (!module) {
    module = device.createShaderModule({ label: name, code: KERNELS[name].code });
    k.modules.set(name, module);
  }
  return {
    label: `${name} ${variantKey(constants)}`,
    layout: layoutOf(device, name).pipelineLayout,
    compute: { module, entryPoint: KERNELS[name].entryPoint, constants },
  };
}

const variantKey = (constants: OverrideConstants) =>
  Object.keys(constants)
    .sort()
    .map((key) => `${key}=${constants[key]}`)
    .join(',');

/** The pipeline for a variant, compiled in the background the first time. */
export async function pipelineAsync(
  device: GPUDevice,
  name: KernelName,
  constants: OverrideConstants,
): Promise<GPUComputePipeline> {
  const k = kernelsOf(device);
  const key = `${name}|${variantKey(constants)}`;
  const ready = k.pipelines.get(key);
  if (ready) return ready;
  let pending = k.pending.get(key);
  if (!pending) {
    k.compiled++;
    pending = device.createComputePipelineAsync(descriptor(device, name, constants)).then(
      (pipeline) => {
        k.pipelines.set(key, pipeline);
        k.pending.delete(key);
        return pipeline;
      },
      (error: unknown) => {
        k.pending.delete(key);
        throw error;
      },
    );
    k.pending.set(key, pending);
  }
  return pending;
}

/** The pipeline for a variant, compiled now if needed: for synchronous encoding. */
export function pipelineSync(device: GPUDevice, name: KernelName, constants: OverrideConstants): GPUComputePipeline {
  const k = kernelsOf(device);
  const key = `${name}|${variantKey(constants)}`;
  let pipeline = k.pipelines.get(key);
  if (!pipeline) {
    k.compiled++;
    pipeline = device.createComputePipeline(descriptor(device, name, constants));
    k.pipelines.set(key, pipeline);
  }
  return pipeline;
}

/** How many pipelines have been compiled on this device (one per variant). */
export function compiledPipelineCount(device: GPUDevice): number {
  return perDevice.get(device)?.compiled ?? 0;
}
