// Compiled pipelines, once per (device, kernel, override constants), shared by every context on the
// device: they are immutable and slow to compile (seconds for some variants on SwiftShader). Shapes
// travel in uniforms, so a new shape never recompiles.
import { GPUExecutionError } from '../errors.js';
import { type Kernel, layoutEntry, type OverrideConstants, type Variant, WORKGROUP_SIZE } from './kernel.js';
import { compilationErrors } from './wgsl.js';

interface CompiledKernel {
  module: GPUShaderModule;
  /** The compiler's errors mapped to shaders/<file>.wgsl:<line>:<col>, '' when it compiled. */
  errors: Promise<string>;
  bindGroupLayout: GPUBindGroupLayout;
  pipelineLayout: GPUPipelineLayout;
  pipelines: Map<string, GPUComputePipeline>;
  pending: Map<string, Promise<GPUComputePipeline>>;
}

interface DevicePipelines {
  kernels: Map<Kernel, CompiledKernel>;
  compiled: number;
}

const perDevice = new WeakMap<GPUDevice, DevicePipelines>();

function pipelinesOf(device: GPUDevice): DevicePipelines {
  let cache = perDevice.get(device);
  if (!cache) {
    cache = { kernels: new Map(), compiled: 0 };
    perDevice.set(device, cache);
  }
  return cache;
}

/** The shader module and layouts of a kernel, made on first use (call inside error scopes). */
function compiledKernel(device: GPUDevice, kernel: Kernel): CompiledKernel {
  const cache = pipelinesOf(device);
  let compiled = cache.kernels.get(kernel);
  if (!compiled) {
    const module = device.createShaderModule({ label: kernel.name, code: kernel.wgsl.code });
    // Dawn's getCompilationInfo is not in every implementation (or test double) of WebGPU
    const info = typeof module.getCompilationInfo === 'function' ? module.getCompilationInfo() : undefined;
    const errors = info
      ? info.then((i) => compilationErrors(kernel.wgsl, i.messages)).catch(() => '')
      : Promise.resolve('');
    const bindGroupLayout = device.createBindGroupLayout({
      label: `${kernel.name} bind group layout`,
      entries: kernel.bindingOrder.map((name, binding) => layoutEntry(kernel.bindings[name], binding)),
    });
    const pipelineLayout = device.createPipelineLayout({
      label: `${kernel.name} layout`,
      bindGroupLayouts: [bindGroupLayout],
    });
    compiled = { module, errors, bindGroupLayout, pipelineLayout, pipelines: new Map(), pending: new Map() };
    cache.kernels.set(kernel, compiled);
  }
  return compiled;
}

/** The constants a variant's pipeline is built with: a flat kernel's WORKGROUP_SIZE added. */
function constantsOf({ kernel, constants }: Variant): OverrideConstants {
  return kernel.workgroup === 'flat' ? { ...constants, WORKGROUP_SIZE } : constants;
}

const variantKey = (constants: OverrideConstants) =>
  Object.keys(constants)
    .sort()
    .map((key) => `${key}=${constants[key]}`)
    .join(',');

function descriptor(compiled: CompiledKernel, variant: Variant, key: string): GPUComputePipelineDescriptor {
  return {
    label: `${variant.kernel.name} ${key}`,
    layout: compiled.pipelineLayout,
    compute: { module: compiled.module, entryPoint: variant.kernel.entryPoint, constants: constantsOf(variant) },
  };
}

/** The bind group layout of a kernel on `device`. */
export function bindGroupLayout(device: GPUDevice, kernel: Kernel): GPUBindGroupLayout {
  return compiledKernel(device, kernel).bindGroupLayout;
}

/**
 * The pipeline of a variant, compiled in the background the first time (call inside error scopes).
 * A kernel whose WGSL does not compile rejects with the compiler's messages at their files and lines.
 */
export async function pipelineAsync(device: GPUDevice, variant: Variant, what: string): Promise<GPUComputePipeline> {
  const compiled = compiledKernel(device, variant.kernel);
  const key = variantKey(constantsOf(variant));
  const ready = compiled.pipelines.get(key);
  if (ready) return ready;
  let pending = compiled.pending.get(key);
  if (!pending) {
    pipelinesOf(device).compiled++;
    const create = device.createComputePipelineAsync(descriptor(compiled, variant, key));
    pending = compiled.errors
      .then(async (errors) => {
        if (errors) {
          create.catch(() => {}); // the compiler's messages say more than "Invalid ShaderModule"
          throw new GPUExecutionError(`${what}: the WGSL does not compile:\n${errors}`);
        }
        const pipeline = await create;
        compiled.pipelines.set(key, pipeline);
        return pipeline;
      })
      .finally(() => compiled.pending.delete(key));
    compiled.pending.set(key, pending);
  }
  return pending;
}

/** The pipeline of a variant, compiled now if needed: for synchronous encoding. */
export function pipelineSync(device: GPUDevice, variant: Variant): GPUComputePipeline {
  const compiled = compiledKernel(device, variant.kernel);
  const key = variantKey(constantsOf(variant));
  let pipeline = compiled.pipelines.get(key);
  if (!pipeline) {
    pipelinesOf(device).compiled++;
    pipeline = device.createComputePipeline(descriptor(compiled, variant, key));
    compiled.pipelines.set(key, pipeline);
  }
  return pipeline;
}

/** How many pipelines have been compiled on this device (one per variant). */
export function compiledPipelineCount(device: GPUDevice): number {
  return perDevice.get(device)?.compiled ?? 0;
}
