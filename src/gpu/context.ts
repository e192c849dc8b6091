// The GPU context: everything an op needs from one device, owned in one place. A GridSampler owns one
// (replaced with its device after a loss); free functions such as warpImage share one per device
// (contextFor). Ops use its verbs: compile, lease, upload or slice (pieces), table, dispatch, submit,
// read back.
import { BindCache, type BufferBinding, type Resource } from './bind-cache.js';
import { BufferLease, BufferPool } from './buffer-pool.js';
import { DeviceWatch } from './device-loss.js';
import { withErrorScopes } from './error-scopes.js';
import { BufferUsage, MapModeRead } from './flags.js';
import {
  type Kernel,
  packUniform,
  type RowPitch,
  type UniformBinding,
  type Variant,
  WORKGROUP_SIZE,
} from './kernel.js';
import { compiledPipelineCount, pipelineAsync, pipelineSync } from './pipelines.js';
import { type ChunkLimit, chunkLimit, elementsOf, isWhole, type Run } from './runs.js';
import { mapCompilerMessage } from './wgsl.js';

export type { BufferBinding, Resource };

/** One dispatch: the uniform's fields and the bindings by name, and how many invocations. */
export interface Pass<B extends string, U extends string> {
  uniforms: { readonly [K in Exclude<U, RowPitch>]: number | readonly number[] };
  bindings: { readonly [K in Exclude<B, UniformBinding>]: Resource };
  /** Flat kernels: items, one invocation each. 2-D kernels: [width, height]. */
  invocations: number | readonly [number, number];
}

const READBACK = BufferUsage.MAP_READ | BufferUsage.COPY_DST;
const UPLOAD = BufferUsage.STORAGE | BufferUsage.COPY_DST;
const SCRATCH = BufferUsage.STORAGE | BufferUsage.COPY_SRC | BufferUsage.COPY_DST;
const PLACEHOLDER_BYTES = 16;

/** Writes `length` floats of `data` from element `start` at byte `offset` of `buffer`. */
export function writeFloats(
  device: GPUDevice,
  buffer: GPUBuffer,
  offset: number,
  data: Float32Array,
  start: number,
  length: number,
): void {
  if (!(data.buffer instanceof ArrayBuffer)) {
    // a SharedArrayBuffer view: not every writeBuffer takes one (Dawn's does not), so copy the slice
    device.queue.writeBuffer(buffer, offset, data.slice(start, start + length));
    return;
  }
  device.queue.writeBuffer(buffer, offset, data.buffer, data.byteOffset + start * 4, length * 4);
}

interface DispatchSize {
  x: number;
  y: number;
  /** Invocations per dispatch row: invocation index = id.x + id.y * rowPitch. */
  rowPitch: number;
}

/**
 * Workgroup counts for `invocations` threads. Past `maxPerDimension` workgroups (65,535 on most
 * devices) the dispatch folds into a second dimension; shaders rebuild the flat index from rowPitch.
 */
function dispatchSize(invocations: number, workgroupSize: number, maxPerDimension: number): DispatchSize {
  const groups = Math.ceil(invocations / workgroupSize);
  const y = Math.max(1, Math.ceil(groups / maxPerDimension));
  const x = Math.ceil(groups / y);
  if (y > maxPerDimension) {
    throw new RangeError(
      `${invocations} invocations need ${groups} workgroups, more than ${maxPerDimension}^2 that a 2-D dispatch allows`,
    );
  }
  return { x, y, rowPitch: x * workgroupSize };
}

/**
 * Device, loss watch, buffer pool, uniforms, bind groups and scratch buffers of one owner; pipelines
 * are shared per device (pipelines.ts).
 *
 * @example
 * const ctx = new GpuContext(device);
 * ctx.dispatch(encoder, { kernel: AFFINE_GRID, constants }, { uniforms, bindings, invocations: points });
 */
export class GpuContext {
  readonly watch: DeviceWatch;
  readonly pool: BufferPool;
  /** The largest binding an op may use: pieces are planned to fit it. */
  readonly limit: ChunkLimit;
  private readonly bindings: BindCache;
  private readonly scratchBuffers = new Map<string, GPUBuffer>();
  private placeholders: { read: BufferBinding; write: BufferBinding } | undefined;

  constructor(
    readonly device: GPUDevice,
    { ownsDevice = false, maxChunkBytes }: { ownsDevice?: boolean; maxChunkBytes?: number } = {},
  ) {
    this.watch = new DeviceWatch(device, ownsDevice);
    this.pool = new BufferPool(device);
    this.bindings = new BindCache(device);
    this.limit = chunkLimit(device.limits, maxChunkBytes);
  }

  /** Compiles a variant in the background; errors (the compiler's, at their WGSL lines) name `op`. */
  async compile(variant: Variant, op: string): Promise<void> {
    const what = `${op}: compiling the ${variant.kernel.name} pipeline (${JSON.stringify(variant.constants)})`;
    const { value, errors } = withErrorScopes(
      this.device,
      what,
      () => pipelineAsync(this.device, variant, what),
      (message) => mapCompilerMessage(variant.kernel.wgsl, message),
    );
    const compiled = value.catch(async (error: unknown) => {
      throw await this.watch.explain(error, what);
    });
    await this.watch.guard(Promise.all([compiled, errors]));
  }

  /**
   * Records one compute pass of `variant` (compiled now if `compile` has not run; a kernel whose WGSL
   * did not compile throws its compiler's messages here once they are known, see pipelineSync).
   */
  dispatch<B extends string, U extends string>(
    encoder: GPUCommandEncoder,
    variant: Variant<B, U>,
    { uniforms, bindings, invocations }: Pass<B, U>,
  ): void {
    const { kernel } = variant;
    let values: Record<string, number | readonly number[]> = uniforms;
    let workgroups: [number, number];
    if (kernel.workgroup === 'flat') {
      const max = this.device.limits.maxComputeWorkgroupsPerDimension;
      const size = dispatchSize(invocations as number, WORKGROUP_SIZE, max);
      values = { ...uniforms, row_pitch: size.rowPitch };
      workgroups = [size.x, size.y];
    } else {
      const [width, height] = invocations as [number, number];
      workgroups = [Math.ceil(width / kernel.workgroup[0]), Math.ceil(height / kernel.workgroup[1])];
    }
    // everything that may throw (a kernel known not to compile) before the pass begins
    const pipeline = pipelineSync(this.device, variant);
    const uniform = this.bindings.uniform(packUniform(kernel as Kernel, values));
    const bindGroup = this.bindings.bindGroup(kernel as Kernel, bindings, uniform);
    const pass = encoder.beginComputePass({ label: kernel.name });
    pass.setPipeline(pipeline);
    pass.setBindGroup(0, bindGroup);
    pass.dispatchWorkgroups(...workgroups);
    pass.end();
  }

  /** Runs `work` with a lease on the pool: its buffers are pooled after, or destroyed if it failed. */
  async lease<T>(work: (lease: BufferLease) => Promise<T>): Promise<T> {
    const lease = new BufferLease(this.pool);
    let failed = true;
    try {
      const result = await work(lease);
      failed = false;
      return result;
    } finally {
      lease.end(failed);
    }
  }

  /** A leased buffer holding the runs of `data`, one after the other (a piece of a tensor). */
  upload(lease: BufferLease, data: Float32Array, runs: readonly Run[], label: string): BufferBinding {
    const bytes = elementsOf(runs) * 4;
    const buffer = lease.acquire(bytes, UPLOAD, label);
    for (const run of runs) writeFloats(this.device, buffer, run.from * 4, data, run.to, run.length);
    return [buffer, bytes];
  }

  /**
   * A binding holding the runs of a caller's buffer of `total` floats: the buffer itself where the runs
   * are all of it, else a copy of them in the scratch buffer of `role` (recorded into `encoder`).
   */
  readSlice(
    encoder: GPUCommandEncoder,
    buffer: GPUBuffer,
    runs: readonly Run[],
    total: number,
    role: string,
  ): BufferBinding {
    const binding = this.writeSlice(buffer, runs, total, role);
    if (binding[0] === buffer) return binding;
    for (const run of runs) encoder.copyBufferToBuffer(buffer, run.to * 4, binding[0], run.from * 4, run.length * 4);
    return binding;
  }

  /** A binding to write the runs of a caller's buffer into: the buffer itself, or the scratch of `role`. */
  writeSlice(buffer: GPUBuffer, runs: readonly Run[], total: number, role: string): BufferBinding {
    if (isWhole(runs, total)) return [buffer, total * 4];
    const bytes = elementsOf(runs) * 4;
    return [this.scratch(role, bytes), bytes];
  }

  /** Copies a slice written through `writeSlice` into the caller's buffer (nothing if it is that buffer). */
  storeSlice(encoder: GPUCommandEncoder, [piece]: BufferBinding, buffer: GPUBuffer, runs: readonly Run[]): void {
    if (piece === buffer) return;
    for (const run of runs) encoder.copyBufferToBuffer(piece, run.from * 4, buffer, run.to * 4, run.length * 4);
  }

  /**
   * A STORAGE | COPY_SRC | COPY_DST buffer of at least `bytes` for one role, kept for reuse. Recorded
   * calls may share it: the queue runs their copies and passes in order. Outgrown, it gives way to a
   * larger one (a power of two, up to the binding limit) but stays in the pool until `release()`: an
   * encoder not yet submitted may still use it.
   */
  scratch(role: string, bytes: number): GPUBuffer {
    const held = this.scratchBuffers.get(role);
    if (held && held.size >= bytes) return held;
    const size = Math.max(bytes, Math.min(this.limit.bytes, 2 ** Math.ceil(Math.log2(Math.max(bytes, 256)))));
    const buffer = this.pool.acquire(size, SCRATCH, `${role} scratch`);
    this.scratchBuffers.set(role, buffer);
    return buffer;
  }

  /**
   * A read-only storage binding holding `values`: a small table a kernel indexes, such as per-level
   * shapes. Immutable and cached by content like uniforms, so recorded calls may share it.
   */
  table(values: Uint32Array, label: string): BufferBinding {
    const bytes = new Uint8Array(values.buffer, values.byteOffset, values.byteLength);
    return [this.bindings.table(bytes, label), values.byteLength];
  }

  /**
   * A 16-byte binding for a tensor that is empty or not computed (a binding cannot be 0 bytes); one
   * read-only and one writable, since a pass may not bind a buffer both ways.
   */
  placeholder(access: 'read' | 'write'): BufferBinding {
    const make = (label: string): BufferBinding => [
      this.pool.acquire(PLACEHOLDER_BYTES, BufferUsage.STORAGE, label),
      PLACEHOLDER_BYTES,
    ];
    this.placeholders ??= { read: make('unused read-only binding'), write: make('unused writable binding') };
    return this.placeholders[access];
  }

  /**
   * Encodes in error scopes and submits, for work whose result stays on the GPU (a piece that a later
   * submit completes). Resolves once WebGPU has reported no error; errors and device loss throw.
   */
  async submit(what: string, encode: (encoder: GPUCommandEncoder) => void): Promise<void> {
    const { device, watch } = this;
    watch.throwIfFailed();
    const { errors } = withErrorScopes(device, what, () => {
      const encoder = device.createCommandEncoder({ label: 'webgpu-grid-sample' });
      encode(encoder);
      device.queue.submit([encoder.finish()]);
    });
    await watch.guard(errors);
  }

  /**
   * Encodes in error scopes, submits, and reads back the bindings `encode` returns, each into its own
   * Float32Array (one copy and one map for all). WebGPU errors and device loss throw.
   */
  async readBack(
    what: string,
    lease: BufferLease,
    encode: (encoder: GPUCommandEncoder) => readonly BufferBinding[],
  ): Promise<Float32Array[]> {
    const { device, watch } = this;
    watch.throwIfFailed(); // lost, or the owner destroyed, since the call began
    const { value, errors } = withErrorScopes(device, what, () => {
      const encoder = device.createCommandEncoder({ label: 'webgpu-grid-sample' });
      const outputs = encode(encoder);
      const total = outputs.reduce((sum, [, bytes]) => sum + bytes, 0);
      const staging = lease.acquire(total, READBACK, 'readback');
      let offset = 0;
      for (const [buffer, bytes] of outputs) {
        encoder.copyBufferToBuffer(buffer, 0, staging, offset, bytes);
        offset += bytes;
      }
      device.queue.submit([encoder.finish()]);
      return { staging, sizes: outputs.map(([, bytes]) => bytes) };
    });
    const mapped = value.staging.mapAsync(MapModeRead).catch(async (error: unknown) => {
      throw await watch.explain(error, `${what}: reading the result back`);
    });
    await watch.guard(Promise.all([errors, mapped]));
    const range = value.staging.getMappedRange();
    let offset = 0;
    const results = value.sizes.map((bytes) => {
      const data = new Float32Array(range.slice(offset, offset + bytes));
      offset += bytes;
      return data;
    });
    value.staging.unmap();
    lease.release(value.staging);
    return results;
  }

  /** Counters for leak checks: pooled buffers, pipelines compiled on the device, cache entries. */
  get stats() {
    return {
      liveBuffers: this.pool.liveBuffers,
      pipelinesCompiled: compiledPipelineCount(this.device),
      ...this.bindings.sizes,
    };
  }

  /** Destroys every buffer of the context; later calls allocate anew. */
  release(): void {
    this.pool.destroy();
    this.bindings.release();
    this.scratchBuffers.clear();
    this.placeholders = undefined;
  }
}

const shared = new WeakMap<GPUDevice, GpuContext>();

/**
 * The context of `device` for functions that take a device rather than a sampler (warpImage): made on
 * first use, never destroyed (its few buffers go with the device).
 *
 * @example
 * contextFor(device).dispatch(encoder, variant, pass);
 */
export function contextFor(device: GPUDevice): GpuContext {
  let ctx = shared.get(device);
  if (!ctx) {
    ctx = new GpuContext(device);
    shared.set(device, ctx);
  }
  return ctx;
}
