import type { GridSampleGradients } from '../cpu/grid-sample-backward.js';
import {
  affineGeometry,
  checkShape,
  checkTensor,
  elementCount,
  layoutOf,
  resolveAffineOptions,
  resolveOptions,
  sampleGeometry,
} from '../options.js';
import type { AffineGridOptions, GridSampleOptions, Tensor } from '../types.js';
import * as backward from './backward.js';
import { type ChunkLimit, chunkLimit, planAffineGrid, planGridSample } from './chunking.js';
import { requestDevice } from './device.js';
import {
  compilePipeline,
  createDeviceState,
  type DeviceState,
  leased,
  readBack,
  releaseDeviceState,
  scratchBuffer,
} from './device-state.js';
import { dispatchSize } from './dispatch.js';
import { BufferUsage } from './flags.js';
import { encodeFloat16GridSample, type Float16Bindings } from './float16.js';
import { checkBuffer, checkEncodeArgs, checkSamplerOptions, type GridSamplerOptions } from './gpu-args.js';
import {
  affineInPieces,
  type Binding,
  encodeAffineInPieces,
  encodeSampleInPieces,
  type PieceHost,
  type ScratchRole,
  sampleInPieces,
  writeFloats,
} from './piecewise.js';
import { bindGroupLayout, compiledPipelineCount, pipelineSync } from './pipelines.js';
import type { SamplerInternals } from './sampler-internals.js';
import { affineVariant, forwardVariant, rowPitchIndex, type Variant, WORKGROUP_SIZE } from './variants.js';

export type { GridSamplerOptions };

/**
 * GPU buffers of a GPU-resident grid_sample; see {@link GridSampler.encodeGridSample}.
 *
 * @example
 * const args: EncodeGridSampleArgs = { input, inputShape: [1, 3, 64, 64], grid, gridShape: [1, 32, 32, 2], output };
 */
export interface EncodeGridSampleArgs {
  /**
   * Dense float32 input (float16 with `dtype: 'float16'`), STORAGE usage (and COPY_SRC if it must be
   * split into pieces).
   */
  input: GPUBuffer;
  /** `[N, C, H, W]` or `[N, C, D, H, W]`; `[N, H, W, C]` or `[N, D, H, W, C]` with `layout: 'nhwc'`. */
  inputShape: readonly number[];
  /** Dense float32 grid (float16 with `dtype: 'float16'`), STORAGE usage (and COPY_SRC if split). */
  grid: GPUBuffer;
  /** `[N, H_out, W_out, 2]` or `[N, D_out, H_out, W_out, 3]`. */
  gridShape: readonly number[];
  /**
   * Receives `[N, C, H_out, W_out]` (or 3-D; `[N, H_out, W_out, C]` with `layout: 'nhwc'`) float32
   * values (float16 with `dtype: 'float16'`); STORAGE usage (and COPY_DST if split).
   */
  output: GPUBuffer;
}

/**
 * GPU buffers of a GPU-resident affine_grid; see {@link GridSampler.encodeAffineGrid}.
 *
 * @example
 * const args: EncodeAffineGridArgs = { theta, size: [1, 3, 64, 64], output: grid };
 */
export interface EncodeAffineGridArgs {
  /** `[N, 2, 3]` (2-D) or `[N, 3, 4]` (3-D) float32 matrices, STORAGE usage. */
  theta: GPUBuffer;
  /** The output size `[N, C, H, W]` or `[N, C, D, H, W]`, as in `F.affine_grid`. */
  size: readonly number[];
  /** Receives the grid `[N, H, W, 2]` or `[N, D, H, W, 3]`; STORAGE usage. */
  output: GPUBuffer;
}

const destroyedError = () =>
  new Error('GridSampler: this sampler was destroyed; create a new one with GridSampler.create()');

/**
 * grid_sample and affine_grid on one WebGPU device. Pipelines are compiled once per variant,
 * buffers are pooled, and `encode*` methods record into your own command encoder. Tensors larger
 * than one storage binding run in pieces; a lost device it created is replaced on the next call.
 *
 * @example
 * const sampler = await GridSampler.create();
 * const out = await sampler.gridSample(input, grid, { mode: 'bilinear', alignCorners: false });
 * sampler.destroy();
 */
export class GridSampler {
  private state: DeviceState;
  private recovering: Promise<void> | undefined;
  private readonly bufferIds = new WeakMap<GPUBuffer, number>();
  private nextBufferId = 0;
  private destroyed = false;

  private constructor(
    device: GPUDevice,
    private readonly ownsDevice: boolean,
    private readonly maxChunkBytes: number | undefined,
  ) {
    this.state = createDeviceState(device, this.ownsDevice);
  }

  /**
   * Uses `device` if given (and leaves it alive on destroy), else creates one from navigator.gpu with
   * the adapter's largest buffer limits. `maxChunkBytes` caps the size of each buffer binding.
   *
   * @example
   * const sampler = await GridSampler.create(); // or GridSampler.create({ device })
   */
  static async create(options: GridSamplerOptions = {}): Promise<GridSampler> {
    checkSamplerOptions(options);
    const { device, maxChunkBytes } = options;
    if (device !== undefined) return new GridSampler(device, false, maxChunkBytes);
    return new GridSampler(await requestDevice(), true, maxChunkBytes);
  }

  /**
   * The device the sampler runs on (a new one after a lost device it created was replaced).
   *
   * @example
   * const encoder = sampler.device.createCommandEncoder();
   */
  get device(): GPUDevice {
    return this.state.device;
  }

  /**
   * `F.grid_sample(input, grid, ...)`: uploads, runs, reads back. With `layout: 'nhwc'` the input is
   * channels-last and so is the output, read as is (no transpose).
   *
   * @example
   * const out = await sampler.gridSample(input, grid, { mode: 'bicubic', paddingMode: 'border' });
   * const rgb = await sampler.gridSample({ data: pixels, shape: [1, 480, 640, 3] }, grid, { layout: 'nhwc' });
   */
  async gridSample(input: Tensor, grid: Tensor, options?: GridSampleOptions): Promise<Tensor> {
    this.checkAlive();
    checkTensor('input', input);
    checkTensor('grid', grid);
    const geo = sampleGeometry(input.shape, grid.shape, layoutOf(options));
    const opts = resolveOptions(options, geo.spatialDims);
    if (elementCount(geo.outputShape) === 0) return { data: new Float32Array(0), shape: geo.outputShape };
    const state = await this.ready();
    const pieces = planGridSample(geo, this.limit(state));
    const variant = forwardVariant(geo, opts);
    const pipeline = await compilePipeline(state, variant, 'grid_sample');
    const data = await leased(state, (lease) =>
      sampleInPieces(this.host(state), lease, input, grid, { geo, pieces, pipeline, variant }),
    );
    return { data, shape: geo.outputShape };
  }

  /**
   * `F.affine_grid(theta, size, ...)` on the GPU.
   *
   * @example
   * const rotate = { data: new Float32Array([0.87, -0.5, 0, 0.5, 0.87, 0]), shape: [1, 2, 3] };
   * const grid = await sampler.affineGrid(rotate, [1, 3, 256, 256]);
   */
  async affineGrid(theta: Tensor, size: readonly number[], options?: AffineGridOptions): Promise<Tensor> {
    this.checkAlive();
    checkTensor('theta', theta);
    const geo = affineGeometry(theta.shape, size);
    const alignCorners = resolveAffineOptions(options);
    if (elementCount(geo.gridShape) === 0) return { data: new Float32Array(0), shape: geo.gridShape };
    const state = await this.ready();
    const pieces = planAffineGrid(geo, this.limit(state));
    const variant = affineVariant(geo.spatialDims, alignCorners);
    const pipeline = await compilePipeline(state, variant, 'affine_grid');
    const data = await leased(state, (lease) =>
      affineInPieces(this.host(state), lease, theta, { geo, pieces, pipeline, variant }),
    );
    return { data, shape: geo.gridShape };
  }

  /**
   * Records grid_sample into `encoder` on buffers you own: no upload, no readback, so it chains
   * with other GPU work. Buffers hold dense float32 data in the shapes given and need STORAGE usage.
   * With `dtype: 'float16'` all three hold IEEE float16 values (2 bytes each, rounded up to whole
   * 4-byte words), on any adapter: float16 loads and stores, float32 arithmetic, results rounded to
   * nearest even. Such calls must fit one buffer binding (no pieces).
   *
   * @example
   * const encoder = device.createCommandEncoder();
   * sampler.encodeGridSample(encoder, { input, inputShape: [1, 3, 64, 64], grid, gridShape: [1, 64, 64, 2], output });
   * device.queue.submit([encoder.finish()]);
   * // float16 buffers, e.g. onnxruntime-web float16 tensors' gpuBuffer
   * sampler.encodeGridSample(encoder, { input: half.gpuBuffer, inputShape, grid, gridShape, output }, { dtype: 'float16' });
   */
  encodeGridSample(encoder: GPUCommandEncoder, args: EncodeGridSampleArgs, options?: GridSampleOptions): void {
    this.checkAlive();
    checkEncodeArgs('encodeGridSample', encoder, args, '{ input, inputShape, grid, gridShape, output }');
    const geo = sampleGeometry(args.inputShape, args.gridShape, layoutOf(options));
    const opts = resolveOptions(options, geo.spatialDims, true);
    const count = elementCount(geo.outputShape);
    const input = checkBuffer('input', args.input, elementCount(args.inputShape), opts.dtype);
    const grid = checkBuffer('grid', args.grid, elementCount(args.gridShape), opts.dtype);
    const output = checkBuffer('output', args.output, count, opts.dtype);
    if (count === 0) return;
    const state = this.liveState();
    const limit = this.limit(state);
    const pieces = planGridSample(geo, limit);
    if (opts.dtype === 'float16') {
      const host = {
        device: state.device,
        record: this.host(state).record,
        scratch: (role: ScratchRole, bytes: number) => scratchBuffer(state, role, bytes),
      };
      const bindings: Float16Bindings = [
        [args.input, input],
        [args.grid, grid],
        [args.output, output],
      ];
      encodeFloat16GridSample(host, encoder, bindings, { geo, opts, pieces: pieces.length, limit });
      return;
    }
    const variant = forwardVariant(geo, opts);
    const pipeline = pipelineSync(state.device, variant.kernel, variant.constants);
    encodeSampleInPieces(this.host(state), encoder, args, { geo, pieces, pipeline, variant });
  }

  /**
   * Records affine_grid into `encoder`: theta [N, 2, 3] or [N, 3, 4] in, grid out, all on the GPU.
   *
   * @example
   * sampler.encodeAffineGrid(encoder, { theta, size: [1, 3, 64, 64], output: gridBuffer });
   * sampler.encodeGridSample(encoder, { input, inputShape: [1, 3, 64, 64], grid: gridBuffer, gridShape: [1, 64, 64, 2], output });
   */
  encodeAffineGrid(encoder: GPUCommandEncoder, args: EncodeAffineGridArgs, options?: AffineGridOptions): void {
    this.checkAlive();
    checkEncodeArgs('encodeAffineGrid', encoder, args, '{ theta, size, output }');
    checkShape('affine_grid size', args.size);
    const spatialDims = args.size.length === 5 ? 3 : 2;
    const geo = affineGeometry([args.size[0], spatialDims, spatialDims + 1], args.size);
    const alignCorners = resolveAffineOptions(options);
    const count = elementCount(geo.gridShape);
    checkBuffer('theta', args.theta, geo.n * spatialDims * (spatialDims + 1));
    checkBuffer('output', args.output, count);
    if (count === 0) return;
    const state = this.liveState();
    const pieces = planAffineGrid(geo, this.limit(state));
    const variant = affineVariant(spatialDims, alignCorners);
    const pipeline = pipelineSync(state.device, variant.kernel, variant.constants);
    encodeAffineInPieces(this.host(state), encoder, args, { geo, pieces, pipeline, variant });
  }

  /**
   * Backward of grid_sample: d loss / d input and d loss / d grid from d loss / d output, as PyTorch
   * autograd computes them (see `gridSampleBackwardCpu`). gradInput is an atomic scatter whose last
   * bits can vary from run to run; gradGrid is deterministic.
   *
   * @example
   * const { gradInput, gradGrid } = await sampler.gridSampleBackward(gradOutput, input, grid, { alignCorners: true });
   */
  async gridSampleBackward(
    gradOutput: Tensor,
    input: Tensor,
    grid: Tensor,
    options?: GridSampleOptions,
  ): Promise<GridSampleGradients> {
    await this.ready();
    return backward.gridSampleBackward(this.internals, gradOutput, input, grid, options);
  }

  /**
   * Records grid_sample's backward into `encoder` on your buffers; leave out gradInput or gradGrid to skip it.
   *
   * @example
   * sampler.encodeGridSampleBackward(encoder, { gradOutput, input, inputShape, grid, gridShape, gradGrid });
   */
  encodeGridSampleBackward(
    encoder: GPUCommandEncoder,
    args: backward.EncodeGridSampleBackwardArgs,
    options?: GridSampleOptions,
  ): void {
    this.liveState();
    backward.encodeGridSampleBackward(this.internals, encoder, args, options);
  }

  /**
   * Backward of affine_grid: d loss / d theta ([N, 2, 3] or [N, 3, 4]) from d loss / d grid. Deterministic.
   *
   * @example
   * const gradTheta = await sampler.affineGridBackward(gradGrid, [1, 3, 64, 64]);
   */
  async affineGridBackward(gradGrid: Tensor, size: readonly number[], options?: AffineGridOptions): Promise<Tensor> {
    await this.ready();
    return backward.affineGridBackward(this.internals, gradGrid, size, options);
  }

  /**
   * Records affine_grid's backward into `encoder`, so a spatial transformer trains without leaving the GPU.
   *
   * @example
   * sampler.encodeAffineGridBackward(encoder, { gradGrid, size: [1, 3, 64, 64], gradTheta });
   */
  encodeAffineGridBackward(
    encoder: GPUCommandEncoder,
    args: backward.EncodeAffineGridBackwardArgs,
    options?: AffineGridOptions,
  ): void {
    this.liveState();
    backward.encodeAffineGridBackward(this.internals, encoder, args, options);
  }

  /**
   * Resource counters, for leak checks: buffers held by the pool (in use, spare or scratch), pipelines
   * compiled on this device, and the entries of the uniform-buffer and bind-group caches.
   *
   * @example
   * const { liveBuffers } = sampler.stats; // flat across same-shaped calls
   */
  get stats(): {
    /** GPU buffers the pool holds (in use, spare or scratch). */
    liveBuffers: number;
    /** Compute pipelines compiled on this device so far. */
    pipelinesCompiled: number;
    /** Cached uniform buffers. */
    uniformBuffers: number;
    /** Cached bind groups. */
    bindGroups: number;
  } {
    const { pool, device, uniforms, bindGroups } = this.state;
    return {
      liveBuffers: pool.liveBuffers,
      pipelinesCompiled: compiledPipelineCount(device),
      uniformBuffers: uniforms.size,
      bindGroups: bindGroups.size,
    };
  }

  /**
   * Releases every buffer this sampler made, and the device if it created it; pending calls reject.
   *
   * @example
   * sampler.destroy(); // later calls throw
   */
  destroy(): void {
    if (this.destroyed) return;
    this.destroyed = true;
    this.state.watch.fail(destroyedError());
    releaseDeviceState(this.state);
    if (this.ownsDevice) this.state.device.destroy();
  }

  private checkAlive(): void {
    if (this.destroyed) throw destroyedError();
  }

  /** The current device state for synchronous encoding; throws DeviceLostError if it is lost. */
  private liveState(): DeviceState {
    this.state.watch.throwIfFailed();
    return this.state;
  }

  /** The device state to run on, after replacing a lost device the sampler created. */
  private async ready(): Promise<DeviceState> {
    this.checkAlive();
    const lost = this.state.watch.failed;
    if (!lost) return this.state;
    if (!this.ownsDevice) throw lost;
    this.recovering ??= this.recover().finally(() => {
      this.recovering = undefined;
    });
    await this.recovering;
    this.checkAlive();
    return this.state;
  }

  private async recover(): Promise<void> {
    const device = await requestDevice();
    if (this.destroyed) {
      device.destroy();
      return;
    }
    releaseDeviceState(this.state);
    this.state = createDeviceState(device, this.ownsDevice);
  }

  private limit(state: DeviceState): ChunkLimit {
    return chunkLimit(state.device.limits, this.maxChunkBytes);
  }

  private host(state: DeviceState): PieceHost {
    return {
      device: state.device,
      record: (...args) => this.record(...args),
      readBack: (what, lease, encode) => readBack(state, what, lease, encode),
      scratch: (role) => scratchBuffer(state, role, this.limit(state).bytes),
    };
  }

  /** One compute pass: the row pitch (params[8], or see rowPitchIndex) is filled in here from the dispatch size. */
  private record(
    encoder: GPUCommandEncoder,
    pipeline: GPUComputePipeline,
    variant: Variant,
    params: Uint32Array,
    invocations: number,
    bindings: Binding[],
  ): void {
    const dispatch = dispatchSize(invocations, WORKGROUP_SIZE, this.device.limits.maxComputeWorkgroupsPerDimension);
    params[rowPitchIndex(variant.kernel)] = dispatch.rowPitch;
    const uniform = this.uniformBuffer(params);
    const pass = encoder.beginComputePass({ label: variant.kernel });
    pass.setPipeline(pipeline);
    pass.setBindGroup(0, this.bindGroup(variant, [...bindings, [uniform, uniform.size]]));
    pass.dispatchWorkgroups(dispatch.x, dispatch.y);
    pass.end();
  }

  private uniformBuffer(params: Uint32Array): GPUBuffer {
    const key = params.join(',');
    let buffer = this.state.uniforms.get(key);
    if (!buffer) {
      buffer = this.device.createBuffer({
        label: `params ${key}`,
        size: params.byteLength,
        usage: BufferUsage.UNIFORM,
        mappedAtCreation: true,
      });
      new Uint32Array(buffer.getMappedRange()).set(params);
      buffer.unmap();
      this.state.uniforms.set(key, buffer);
    }
    return buffer;
  }

  private bindGroup(variant: Variant, bindings: Binding[]): GPUBindGroup {
    const key = `${variant.kernel}|${bindings.map(([buffer, size]) => `${this.bufferId(buffer)}:${size}`).join(',')}`;
    let group = this.state.bindGroups.get(key);
    if (!group) {
      group = this.device.createBindGroup({
        label: `${variant.kernel} bind group`,
        layout: bindGroupLayout(this.device, variant.kernel),
        entries: bindings.map(([buffer, size], binding) => ({ binding, resource: { buffer, size } })),
      });
      this.state.bindGroups.set(key, group);
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

  // Lends the helpers above to src/gpu/backward.ts, which keeps the backward out of this file.
  private get internals(): SamplerInternals {
    const state = this.state;
    return {
      device: state.device,
      pool: state.pool,
      checkAlive: () => this.checkAlive(),
      checkBuffer,
      upload: (data, label) => {
        const buffer = state.pool.acquire(data.byteLength, BufferUsage.STORAGE | BufferUsage.COPY_DST, label);
        writeFloats(state.device, buffer, data, { start: 0, length: data.length });
        return buffer;
      },
      run: (output, encode) =>
        leased(state, (lease) =>
          readBack(state, 'backward', lease, (encoder) => {
            encode(encoder);
            return output;
          }),
        ),
      record: (...args) => this.record(...args),
      uniformBuffer: (params) => this.uniformBuffer(params),
      bindGroup: (variant, bindings) => this.bindGroup(variant, bindings),
    };
  }
}
