// Compiled pipelines, once per (device, kernel, override constants), shared by every context on the
// device: they are immutable and slow to compile (seconds for some variants on SwiftShader). Shapes
// travel in uniforms, so a new shape never recompiles.
import { GPUExecutionError } from '../errors.js';
import { withErrorScopes } from './error-scopes.js';
import { type Kernel, layoutEntry, type OverrideConstants, type Variant, WORKGROUP_SIZE } from './kernel.js';
import { compilationErrors, mapCompilerMessage } from './wgsl.js';

interface CompiledKernel {
  module: GPUShaderModule;
  /** The compiler's errors mapped to shaders/<file>.wgsl:<line>:<col>, '' when it compiled. */
  errors: Promise<string>;
  bindGroupLayout: GPUBindGroupLayout;
  pipelineLayout: GPUPipelineLayout;
  pipelines: Map<string, GPUComputePipeline>;
  pending: Map<string, Promise<GPUComputePipeline>>;
  /**
   * What went wrong compiling synchronously, once known: the kernel's WGSL (`module`), or one variant's
   * pipeline (by key). Every later synchronous call of it throws that error.
   */
  failures: Map<string, GPUExecutionError>;
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
    compiled = {
      module,
      errors,
      bindGroupLayout,
      pipelineLayout,
      pipelines: new Map(),
      pending: new Map(),
      failures: new Map(),
    };
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

const MODULE = 'module';

/**
 * The pipeline of a variant, compiled now if needed: for synchronous encoding (`encode*`). It compiles
 * inside its own error scopes, so the caller's scope never holds the compiler's raw message (whose
 * positions are lines of the joined parts). A kernel that does not compile still gives this call an
 * invalid pipeline, which fails the caller's encoder (WebGPU reports compile errors only
 * asynchronously); once the compiler has answered, every later call throws a GPUExecutionError with its
 * messages at `shaders/<file>.wgsl:<line>:<col>`.
 */
export function pipelineSync(device: GPUDevice, variant: Variant): GPUComputePipeline {
  const known = pipelinesOf(device).kernels.get(variant.kernel);
  const key = variantKey(constantsOf(variant));
  const failure = known?.failures.get(MODULE) ?? known?.failures.get(key);
  if (failure) throw failure;
  const ready = known?.pipelines.get(key);
  if (ready) return ready;
  const what = `compiling the ${variant.kernel.name} pipeline (${key})`;
  const { value, errors } = withErrorScopes(
    device,
    what,
    () => {
      const compiled = compiledKernel(device, variant.kernel);
      pipelinesOf(device).compiled++;
      return { compiled, pipeline: device.createComputePipeline(descriptor(compiled, variant, key)) };
    },
    (message) => mapCompilerMessage(variant.kernel.wgsl, message),
  );
  const { compiled, pipeline } = value;
  compiled.pipelines.set(key, pipeline);
  const scope = errors.then(
    () => undefined,
    (error: GPUExecutionError) => error,
  );
  Promise.all([compiled.errors, scope]).then(([compilerErrors, error]) => {
    if (!compilerErrors && !error) return;
    if (compiled.pipelines.get(key) === pipeline) compiled.pipelines.delete(key);
    if (compilerErrors) {
      const message = `${variant.kernel.name}: the WGSL does not compile:\n${compilerErrors}`;
      compiled.failures.set(MODULE, new GPUExecutionError(message));
    } else if (error) compiled.failures.set(key, error);
  });
  return pipeline;
}

/** How many pipelines have been compiled on this device (one per variant). */
export function compiledPipelineCount(device: GPUDevice): number {
  return perDevice.get(device)?.compiled ?? 0;
}
