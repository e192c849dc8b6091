// What a sampler holds per device (pool, caches, loss watch), and the two ways a call talks to the GPU
// asynchronously: compiling a pipeline and submitting work to read its result back. Both run their
// WebGPU calls in error scopes and give up as soon as the device is lost or the sampler destroyed.
import { BufferLease, BufferPool } from './buffer-pool.js';
import { DeviceWatch } from './device-loss.js';
import { withErrorScopes } from './error-scopes.js';
import { BufferUsage, MapModeRead } from './flags.js';
import { LruMap } from './lru.js';
import type { ScratchRole } from './piecewise.js';
import { pipelineAsync } from './pipelines.js';
import type { Variant } from './variants.js';

const READBACK = BufferUsage.MAP_READ | BufferUsage.COPY_DST;
const SCRATCH = BufferUsage.STORAGE | BufferUsage.COPY_SRC | BufferUsage.COPY_DST;

/** Everything tied to one device; replaced as a whole when a lost device the sampler owns is recreated. */
export interface DeviceState {
  device: GPUDevice;
  watch: DeviceWatch;
  pool: BufferPool;
  // Uniform buffers are immutable and keyed by content, so any number of encodes may be in flight.
  uniforms: LruMap<string, GPUBuffer>;
  bindGroups: LruMap<string, GPUBindGroup>;
  scratch: Map<ScratchRole, GPUBuffer>;
}

export function createDeviceState(device: GPUDevice, ownsDevice: boolean): DeviceState {
  return {
    device,
    watch: new DeviceWatch(device, ownsDevice),
    pool: new BufferPool(device),
    uniforms: new LruMap(256, (buffer) => buffer.destroy()),
    bindGroups: new LruMap(256),
    scratch: new Map(),
  };
}

/** Destroys every buffer of the state; its caches are emptied. */
export function releaseDeviceState(state: DeviceState): void {
  state.pool.destroy();
  state.uniforms.clear();
  state.bindGroups.clear();
  state.scratch.clear();
}

/** A buffer of `bytes` for one role of piecewise encoding, made once and kept until the state is released. */
export function scratchBuffer(state: DeviceState, role: ScratchRole, bytes: number): GPUBuffer {
  let buffer = state.scratch.get(role);
  if (!buffer) {
    buffer = state.pool.acquire(bytes, SCRATCH, `${role} scratch`);
    state.scratch.set(role, buffer);
  }
  return buffer;
}

/** The pipeline of `variant`, with compile errors and device loss as exceptions naming `op`. */
export async function compilePipeline(state: DeviceState, variant: Variant, op: string): Promise<GPUComputePipeline> {
  const what = `${op}: compiling the ${variant.kernel} pipeline (${JSON.stringify(variant.constants)})`;
  const { value, errors } = withErrorScopes(state.device, what, () =>
    pipelineAsync(state.device, variant.kernel, variant.constants),
  );
  const compiled = value.catch(async (error: unknown) => {
    throw await state.watch.explain(error, what);
  });
  const [pipeline] = await state.watch.guard(Promise.all([compiled, errors]));
  return pipeline;
}

/** Runs `work` with a lease on the state's pool: its buffers are pooled after, or destroyed if it failed. */
export async function leased<T>(state: DeviceState, work: (lease: BufferLease) => Promise<T>): Promise<T> {
  const lease = new BufferLease(state.pool);
  let failed = true;
  try {
    const result = await work(lease);
    failed = false;
    return result;
  } finally {
    lease.end(failed);
  }
}

/** Encodes in error scopes, submits, and reads back the buffer `encode` returns; GPU errors throw. */
export async function readBack(
  state: DeviceState,
  what: string,
  lease: BufferLease,
  encode: (encoder: GPUCommandEncoder) => GPUBuffer,
): Promise<Float32Array> {
  const { device, watch } = state;
  watch.throwIfFailed(); // lost, or the sampler destroyed, since the call began
  const { value: readback, errors } = withErrorScopes(device, what, () => {
    const encoder = device.createCommandEncoder({ label: 'webgpu-grid-sample' });
    const output = encode(encoder);
    const buffer = lease.acquire(output.size, READBACK, 'readback');
    encoder.copyBufferToBuffer(output, 0, buffer, 0, output.size);
    device.queue.submit([encoder.finish()]);
    return buffer;
  });
  const mapped = readback.mapAsync(MapModeRead).catch(async (error: unknown) => {
    throw await watch.explain(error, `${what}: reading the result back`);
  });
  await watch.guard(Promise.all([errors, mapped]));
  const data = new Float32Array(readback.getMappedRange().slice(0));
  readback.unmap();
  lease.release(readback);
  return data;
}
