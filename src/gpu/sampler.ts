import { GPUExecutionError } from '../errors.js';
import {
  affineGeometry,
  checkShape,
  checkTensor,
  elementCount,
  resolveAffineOptions,
  resolveOptions,
  type SampleGeometry,
  sampleGeometry,
} from '../options.js';
import type { AffineGridOptions, GridSampleOptions, Tensor } from '../types.js';
import { BufferPool } from './buffer-pool.js';
import { BufferUsage, MapModeRead } from './flags.js';
import { requestDevice } from './device.js';
import { dispatchSize } from './dispatch.js';
import { LruMap } from './lru.js';
import { bindGroupLayout, compiledPipelineCount, pipelineAsync, pipelineSync } from './pipelines.js';
import { affineParams, affineVariant, sampleParams, sampleVariant, type Variant, WORKGROUP_SIZE } from './variants.js';

/** GPU buffers of a GPU-resident grid_sample; see {@link GridSampler.encodeGridSample}. */
export interface EncodeGridSampleArgs {
  input: GPUBuffer;
  inputShape: readonly number[];
  grid: GPUBuffer;
  gridShape: readonly number[];
  output: GPUBuffer;
}

/** GPU buffers of a GPU-resident affine_grid; see {@link GridSampler.encodeAffineGrid}. */
export interface EncodeAffineGridArgs {
  theta: GPUBuffer;
  size: readonly number[];
  output: GPUBuffer;
}

const samplePoints = (geo: SampleGeometry) => geo.n * geo.outD * geo.outH * geo.outW;

const STORAGE_IN = BufferUsage.STORAGE | BufferUsage.COPY_DST;
const STORAGE_OUT = BufferUsage.STORAGE | BufferUsage.COPY_SRC;
const READBACK = BufferUsage.MAP_READ | BufferUsage.COPY_DST;

/**
 * grid_sample and affine_grid on one WebGPU device. Pipelines are compiled once per variant,
 * buffers are pooled, and `encode*` methods record into your own command encoder.
 *
 * @example
 * const sampler = await GridSampler.create();
 * const out = await sampler.gridSample(input, grid, { mode: 'bilinear', alignCorners: false });
 * sampler.destroy();
 */
export class GridSampler {
  readonly device: GPUDevice;
  private readonly ownsDevice: boolean;
  private readonly pool: BufferPool;
  // Uniform buffers are immutable and keyed by content, so any number of encodes may be in flight.
  private readonly uniforms: LruMap<string, GPUBuffer>;
  private readonly bindGroups = new LruMap<string, GPUBindGroup>(256);
  private readonly bufferIds = new WeakMap<GPUBuffer, number>();
  private nextBufferId = 0;
  private destroyed = false;

  private constructor(device: GPUDevice, ownsDevice: boolean) {
    this.device = device;
    this.ownsDevice = ownsDevice;
    this.pool = new BufferPool(device);
    this.uniforms = new LruMap(256, (buffer) => buffer.destroy());
  }

  /** Uses `device` if given (and leaves it alive on destroy), else creates one from navigator.gpu. */
  static async create(options: { device?: GPUDevice } = {}): Promise<GridSampler> {
    if (options.device !== undefined) return new GridSampler(options.device, false);
    return new GridSampler(await requestDevice(), true);
  }

  /** `F.grid_sample(input, grid, ...)`: uploads, runs, reads back. */
  async gridSample(input: Tensor, grid: Tensor, options?: GridSampleOptions): Promise<Tensor> {
    this.checkAlive();
    checkTensor('input', input);
    checkTensor('grid', grid);
    const geo = sampleGeometry(input.shape, grid.shape);
    const opts = resolveOptions(options, geo.spatialDims);
    const count = elementCount(geo.outputShape);
    if (count === 0) return { data: new Float32Array(0), shape: geo.outputShape };
    const variant = sampleVariant(geo.spatialDims, opts);
    const pipeline = await pipelineAsync(this.device, variant.kernel, variant.constants);
    this.checkAlive();
    const inputBuffer = this.upload(input.data, 'grid_sample input');
    const gridBuffer = this.upload(grid.data, 'grid_sample grid');
    const output = this.pool.acquire(count * 4, STORAGE_OUT, 'grid_sample output');
    try {
      return {
        data: await this.run(output, (encoder) => {
          this.record(encoder, pipeline, variant, sampleParams(geo, 0), samplePoints(geo), [
            [inputBuffer, input.data.byteLength],
            [gridBuffer, grid.data.byteLength],
            [output, count * 4],
          ]);
        }),
        shape: geo.outputShape,
      };
    } finally {
      for (const buffer of [inputBuffer, gridBuffer, output]) this.pool.release(buffer);
    }
  }

  /** `F.affine_grid(theta, size, ...)` on the GPU. */
  async affineGrid(theta: Tensor, size: readonly number[], options?: AffineGridOptions): Promise<Tensor> {
    this.checkAlive();
    checkTensor('theta', theta);
    const geo = affineGeometry(theta.shape, size);
    const alignCorners = resolveAffineOptions(options);
    const count = elementCount(geo.gridShape);
    if (count === 0) return { data: new Float32Array(0), shape: geo.gridShape };
    const variant = affineVariant(geo.spatialDims, alignCorners);
    const pipeline = await pipelineAsync(this.device, variant.kernel, variant.constants);
    this.checkAlive();
    const thetaBuffer = this.upload(theta.data, 'affine_grid theta');
    const output = this.pool.acquire(count * 4, STORAGE_OUT, 'affine_grid output');
    try {
      return {
        data: await this.run(output, (encoder) => {
          this.record(encoder, pipeline, variant, affineParams(geo, 0), count / geo.spatialDims, [
            [thetaBuffer, theta.data.byteLength],
            [output, count * 4],
          ]);
        }),
        shape: geo.gridShape,
      };
    } finally {
      this.pool.release(thetaBuffer);
      this.pool.release(output);
    }
  }

  /**
   * Records grid_sample into `encoder` on buffers you own: no upload, no readback, so it chains
   * with other GPU work. Buffers hold dense float32 data in the shapes given and need STORAGE usage.
   */
  encodeGridSample(encoder: GPUCommandEncoder, args: EncodeGridSampleArgs, options?: GridSampleOptions): void {
    this.checkAlive();
    const geo = sampleGeometry(args.inputShape, args.gridShape);
    const opts = resolveOptions(options, geo.spatialDims);
    const count = elementCount(geo.outputShape);
    const inputBytes = this.checkBuffer('input', args.input, elementCount(args.inputShape));
    const gridBytes = this.checkBuffer('grid', args.grid, elementCount(args.gridShape));
    const outputBytes = this.checkBuffer('output', args.output, count);
    if (count === 0) return;
    const variant = sampleVariant(geo.spatialDims, opts);
    const pipeline = pipelineSync(this.device, variant.kernel, variant.constants);
    this.record(encoder, pipeline, variant, sampleParams(geo, 0), samplePoints(geo), [
      [args.input, inputBytes],
      [args.grid, gridBytes],
      [args.output, outputBytes],
    ]);
  }

  /** Records affine_grid into `encoder`: theta [N, 2, 3] or [N, 3, 4] in, grid out, all on the GPU. */
  encodeAffineGrid(encoder: GPUCommandEncoder, args: EncodeAffineGridArgs, options?: AffineGridOptions): void {
    this.checkAlive();
    checkShape('affine_grid size', args.size);
    const spatialDims = args.size.length === 5 ? 3 : 2;
    const geo = affineGeometry([args.size[0], spatialDims, spatialDims + 1], args.size);
    const alignCorners = resolveAffineOptions(options);
    const count = elementCount(geo.gridShape);
    const thetaBytes = this.checkBuffer('theta', args.theta, geo.n * spatialDims * (spatialDims + 1));
    const outputBytes = this.checkBuffer('output', args.output, count);
    if (count === 0) return;
    const variant = affineVariant(spatialDims, alignCorners);
    const pipeline = pipelineSync(this.device, variant.kernel, variant.constants);
    this.record(encoder, pipeline, variant, affineParams(geo, 0), count / spatialDims, [
      [args.theta, thetaBytes],
      [args.output, outputBytes],
    ]);
  }

  /** Resource counters, for leak checks: buffers held by the pool and pipelines compiled on this device. */
  get stats(): { liveBuffers: number; pipelinesCompiled: number } {
    return { liveBuffers: this.pool.liveBuffers, pipelinesCompiled: compiledPipelineCount(this.device) };
  }

  /** Releases every buffer this sampler made, and the device if the sampler created it. */
  destroy(): void {
    if (this.destroyed) return;
    this.destroyed = true;
    this.pool.destroy();
    this.uniforms.clear();
    this.bindGroups.clear();
    if (this.ownsDevice) this.device.destroy();
  }

  private checkAlive(): void {
    if (this.destroyed) throw new Error('GridSampler: this sampler was destroyed; create a new one with GridSampler.create()');
  }

  /** Checks a caller's buffer and returns how many bytes of it the kernel binds. */
  private checkBuffer(name: string, buffer: GPUBuffer, elements: number): number {
    if (!buffer || typeof buffer.size !== 'number' || typeof buffer.usage !== 'number') {
      throw new TypeError(`${name} must be a GPUBuffer, got ${buffer === null ? 'null' : typeof buffer}`);
    }
    if (buffer.size < elements * 4) {
      throw new RangeError(
        `${name} buffer has ${buffer.size} bytes but its shape needs ${elements} float32 values (${elements * 4} bytes)`,
      );
    }
    if (!(buffer.usage & BufferUsage.STORAGE)) {
      throw new TypeError(`${name} buffer needs GPUBufferUsage.STORAGE to be bound to a compute shader`);
    }
    return elements * 4;
  }

  private upload(data: Float32Array, label: string): GPUBuffer {
    const buffer = this.pool.acquire(data.byteLength, STORAGE_IN, label);
    this.device.queue.writeBuffer(buffer, 0, data.buffer, data.byteOffset, data.byteLength);
    return buffer;
  }

  /** Encodes with `encode`, copies `output` back, and reports GPU errors as exceptions. */
  private async run(output: GPUBuffer, encode: (encoder: GPUCommandEncoder) => void): Promise<Float32Array> {
    const readback = this.pool.acquire(output.size, READBACK, 'readback');
    try {
      this.device.pushErrorScope('out-of-memory');
      this.device.pushErrorScope('validation');
      let validation: Promise<GPUError | null>;
      let outOfMemory: Promise<GPUError | null>;
      try {
        const encoder = this.device.createCommandEncoder({ label: 'webgpu-grid-sample' });
        encode(encoder);
        encoder.copyBufferToBuffer(output, 0, readback, 0, output.size);
        this.device.queue.submit([encoder.finish()]);
      } finally {
        validation = this.device.popErrorScope();
        outOfMemory = this.device.popErrorScope();
      }
      const error = (await validation) ?? (await outOfMemory);
      if (error) throw new GPUExecutionError(`WebGPU reported an error while running the kernel: ${error.message}`);
      await readback.mapAsync(MapModeRead);
      const data = new Float32Array(readback.getMappedRange().slice(0));
      readback.unmap();
      return data;
    } finally {
      this.pool.release(readback);
    }
  }

  /** One compute pass: params[8] / params[4] (row pitch) is filled in here from the dispatch size. */
  private record(
    encoder: GPUCommandEncoder,
    pipeline: GPUComputePipeline,
    variant: Variant,
    params: Uint32Array,
    invocations: number,
    bindings: [buffer: GPUBuffer, size: number][],
  ): void {
    const dispatch = dispatchSize(invocations, WORKGROUP_SIZE, this.device.limits.maxComputeWorkgroupsPerDimension);
    params[variant.kernel === 'affine-grid' ? 4 : 8] = dispatch.rowPitch;
    const uniform = this.uniformBuffer(params);
    const pass = encoder.beginComputePass({ label: variant.kernel });
    pass.setPipeline(pipeline);
    pass.setBindGroup(0, this.bindGroup(variant, [...bindings, [uniform, uniform.size]]));
    pass.dispatchWorkgroups(dispatch.x, dispatch.y);
    pass.end();
  }

  private uniformBuffer(params: Uint32Array): GPUBuffer {
    const key = params.join(',');
    let buffer = this.uniforms.get(key);
    if (!buffer) {
      buffer = this.device.createBuffer({
        label: `params ${key}`,
        size: params.byteLength,
        usage: BufferUsage.UNIFORM,
        mappedAtCreation: true,
      });
      new Uint32Array(buffer.getMappedRange()).set(params);
      buffer.unmap();
      this.uniforms.set(key, buffer);
    }
    return buffer;
  }

  private bindGroup(variant: Variant, bindings: [buffer: GPUBuffer, size: number][]): GPUBindGroup {
    const key = `${variant.kernel}|${bindings.map(([buffer, size]) => `${this.bufferId(buffer)}:${size}`).join(',')}`;
    let group = this.bindGroups.get(key);
    if (!group) {
      group = this.device.createBindGroup({
        label: `${variant.kernel} bind group`,
        layout: bindGroupLayout(this.device, variant.kernel),
        entries: bindings.map(([buffer, size], binding) => ({ binding, resource: { buffer, size } })),
      });
      this.bindGroups.set(key, group);
    }
    return group;
  }

  private bufferId(buffer: GPUBuffer): number {
    let id = this.bufferIds.get(buffer);
    if (id === undefined) {
      id = this.nextBufferId++;
      this.bufferIds.set(buffer, id);
    }
    return id;
  }
}
