// GridSampler, the public face of the GPU ops: each method validates its arguments, calls the op
// (src/gpu/ops/*) on the sampler's GpuContext, and the sampler replaces a lost device it created.
import { affineBackwardGeometry, backwardGeometry } from '../backward-options.js';
import type { GridSampleGradients } from '../cpu/grid-sample-backward.js';
import { msDeformAttnGeometry } from '../ms-deform-attn-shapes.js';
import {
  affineGeometry,
  checkTensor,
  elementCount,
  layoutOf,
  resolveAffineOptions,
  resolveOptions,
  sampleGeometry,
} from '../options.js';
import type {
  AffineGridOptions,
  EncodeGridSampleOptions,
  EncodeMsDeformAttnOptions,
  GridSampleBackwardOptions,
  GridSampleOptions,
  Tensor,
} from '../types.js';
import { GpuContext } from './context.js';
import { requestDevice } from './device.js';
import {
  checkEncodeAffineGrid,
  checkEncodeAffineGridBackward,
  checkEncodeGridSample,
  checkEncodeGridSampleBackward,
  checkEncodeMsDeformAttn,
  type EncodeAffineGridArgs,
  type EncodeAffineGridBackwardArgs,
  type EncodeGridSampleArgs,
  type EncodeGridSampleBackwardArgs,
  type EncodeMsDeformAttnArgs,
} from './encode-args.js';
import { checkSamplerOptions, type GridSamplerOptions } from './gpu-args.js';
import { affineGridTensors, encodeAffineGridInPieces } from './ops/affine-grid.js';
import { affineGridBackwardTensors, encodeAffineGridBackwardInPieces, thetaCount } from './ops/affine-grid-backward.js';
import { encodeFloat16GridSample } from './ops/float16.js';
import { encodeGridSampleInPieces, gridSampleTensors } from './ops/grid-sample.js';
import { encodeGridSampleBackwardInPieces, gridSampleBackwardTensors } from './ops/grid-sample-backward.js';
import { encodeMsDeformAttnBuffers, msDeformAttnTensors } from './ops/ms-deform-attn.js';

export type {
  EncodeAffineGridArgs,
  EncodeAffineGridBackwardArgs,
  EncodeGridSampleArgs,
  EncodeGridSampleBackwardArgs,
  EncodeMsDeformAttnArgs,
  GridSamplerOptions,
};

const destroyedError = () =>
  new Error('GridSampler: this sampler was destroyed; create a new one with GridSampler.create()');

/**
 * grid_sample, affine_grid (and their backward passes) and multi-scale deformable attention on one
 * WebGPU device. Pipelines are compiled once per variant, buffers are pooled, and `encode*` methods
 * record into your own command encoder. Tensors larger than one storage binding run in pieces; a lost
 * device it created is replaced on the next call.
 *
 * @example
 * const sampler = await GridSampler.create();
 * const out = await sampler.gridSample(input, grid, { mode: 'bilinear', alignCorners: false });
 * sampler.destroy();
 */
export class GridSampler {
  private ctx: GpuContext;
  private recovering: Promise<void> | undefined;
  private destroyed = false;

  private constructor(
    device: GPUDevice,
    private readonly ownsDevice: boolean,
    private readonly maxChunkBytes: number | undefined,
  ) {
    this.ctx = new GpuContext(device, { ownsDevice, maxChunkBytes });
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
    return this.ctx.device;
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
    const data = await gridSampleTensors(await this.ready(), input, grid, geo, opts);
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
    const data = await affineGridTensors(await this.ready(), theta, geo, alignCorners);
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
  encodeGridSample(encoder: GPUCommandEncoder, args: EncodeGridSampleArgs, options?: EncodeGridSampleOptions): void {
    this.checkAlive();
    const { geo, opts, bytes } = checkEncodeGridSample(encoder, args, options);
    if (bytes.output === 0) return;
    const ctx = this.liveContext();
    if (opts.dtype === 'float16') {
      const bindings = {
        input: [args.input, bytes.input],
        grid: [args.grid, bytes.grid],
        output: [args.output, bytes.output],
      } as const;
      encodeFloat16GridSample(ctx, encoder, bindings, geo, opts);
      return;
    }
    encodeGridSampleInPieces(ctx, encoder, args, geo, opts);
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
    const { geo, alignCorners } = checkEncodeAffineGrid(encoder, args, options);
    if (elementCount(geo.gridShape) === 0) return;
    encodeAffineGridInPieces(this.liveContext(), encoder, args, geo, alignCorners);
  }

  /**
   * Backward of grid_sample: d loss / d input and d loss / d grid from d loss / d output, as PyTorch
   * autograd computes them (see `gridSampleBackwardCpu`); with `layout: 'nhwc'` gradOutput, input and
   * gradInput are channels-last. gradInput is an atomic scatter whose last bits can vary from run to
   * run; gradGrid is deterministic. Tensors larger than one binding run in pieces, as the forward does.
   *
   * @example
   * const { gradInput, gradGrid } = await sampler.gridSampleBackward(gradOutput, input, grid, { alignCorners: true });
   */
  async gridSampleBackward(
    gradOutput: Tensor,
    input: Tensor,
    grid: Tensor,
    options?: GridSampleBackwardOptions,
  ): Promise<GridSampleGradients> {
    this.checkAlive();
    checkTensor('gradOutput', gradOutput);
    checkTensor('input', input);
    checkTensor('grid', grid);
    const geo = backwardGeometry(gradOutput.shape, input.shape, grid.shape, layoutOf(options));
    const opts = resolveOptions(options, geo.spatialDims);
    const result = ([gradInput, gradGrid]: Float32Array[]): GridSampleGradients => ({
      gradInput: { data: gradInput, shape: [...input.shape] },
      gradGrid: { data: gradGrid, shape: [...grid.shape] },
    });
    // an empty output (N, C or an output size of 0) gives all-zero gradients, without GPU work
    if (gradOutput.data.length === 0) {
      return result([new Float32Array(input.data.length), new Float32Array(grid.data.length)]);
    }
    return result(await gridSampleBackwardTensors(await this.ready(), gradOutput, input, grid, geo, opts));
  }

  /**
   * Records grid_sample's backward into `encoder` on your buffers; leave out gradInput or gradGrid to skip it.
   *
   * @example
   * sampler.encodeGridSampleBackward(encoder, { gradOutput, input, inputShape, grid, gridShape, gradGrid });
   */
  encodeGridSampleBackward(
    encoder: GPUCommandEncoder,
    args: EncodeGridSampleBackwardArgs,
    options?: GridSampleBackwardOptions,
  ): void {
    this.checkAlive();
    const { geo, opts } = checkEncodeGridSampleBackward(encoder, args, options);
    encodeGridSampleBackwardInPieces(this.liveContext(), encoder, args, geo, opts);
  }

  /**
   * Backward of affine_grid: d loss / d theta ([N, 2, 3] or [N, 3, 4]) from d loss / d grid. Deterministic.
   *
   * @example
   * const gradTheta = await sampler.affineGridBackward(gradGrid, [1, 3, 64, 64]);
   */
  async affineGridBackward(gradGrid: Tensor, size: readonly number[], options?: AffineGridOptions): Promise<Tensor> {
    this.checkAlive();
    checkTensor('gradGrid', gradGrid);
    const geo = affineBackwardGeometry(gradGrid.shape, size);
    const alignCorners = resolveAffineOptions(options);
    const count = thetaCount(geo);
    const shape = [geo.n, geo.spatialDims, geo.spatialDims + 1];
    if (count === 0 || gradGrid.data.length === 0) return { data: new Float32Array(count), shape };
    return { data: await affineGridBackwardTensors(await this.ready(), gradGrid, geo, alignCorners), shape };
  }

  /**
   * Records affine_grid's backward into `encoder`, so a spatial transformer trains without leaving the GPU.
   *
   * @example
   * sampler.encodeAffineGridBackward(encoder, { gradGrid, size: [1, 3, 64, 64], gradTheta });
   */
  encodeAffineGridBackward(
    encoder: GPUCommandEncoder,
    args: EncodeAffineGridBackwardArgs,
    options?: AffineGridOptions,
  ): void {
    this.checkAlive();
    const { geo, alignCorners, bytes } = checkEncodeAffineGridBackward(encoder, args, options);
    if (bytes.gradTheta === 0) return;
    encodeAffineGridBackwardInPieces(this.liveContext(), encoder, args, geo, alignCorners);
  }

  /**
   * Multi-scale deformable attention (MSDeformAttn) on the GPU, one fused kernel: the same values as
   * `msDeformAttnCpu` (up to float32 rounding: the GPU adds the terms in its own order), the same errors.
   * value `[bs, S, heads, d]`, samplingLocations `[bs, Nq, heads, L, P, 2]`, attentionWeights
   * `[bs, Nq, heads, L, P]`; returns `[bs, Nq, heads * d]`.
   *
   * @example
   * const out = await sampler.msDeformAttn(value, [[80, 80], [40, 40], [20, 20]], samplingLocations, attentionWeights);
   */
  async msDeformAttn(
    value: Tensor,
    spatialShapes: readonly (readonly [number, number])[],
    samplingLocations: Tensor,
    attentionWeights: Tensor,
  ): Promise<Tensor> {
    this.checkAlive();
    checkTensor('value', value);
    checkTensor('samplingLocations', samplingLocations);
    checkTensor('attentionWeights', attentionWeights);
    const geo = msDeformAttnGeometry(value.shape, spatialShapes, samplingLocations.shape, attentionWeights.shape);
    if (elementCount(geo.outputShape) === 0) return { data: new Float32Array(0), shape: geo.outputShape };
    const inputs = { value, locations: samplingLocations, weights: attentionWeights };
    return { data: await msDeformAttnTensors(await this.ready(), inputs, geo), shape: geo.outputShape };
  }

  /**
   * Records multi-scale deformable attention into `encoder` on buffers you own (e.g. onnxruntime-web's
   * GPU tensors), no upload or readback. With `dtype: 'float16'` every buffer holds float16 values
   * (float32 arithmetic; one binding each, no pieces).
   *
   * @example
   * sampler.encodeMsDeformAttn(encoder, {
   *   value, valueShape: [1, 8400, 8, 32], spatialShapes: [[80, 80], [40, 40], [20, 20]],
   *   samplingLocations, locationsShape: [1, 300, 8, 3, 4, 2], attentionWeights, output,
   * });
   */
  encodeMsDeformAttn(
    encoder: GPUCommandEncoder,
    args: EncodeMsDeformAttnArgs,
    options?: EncodeMsDeformAttnOptions,
  ): void {
    this.checkAlive();
    const { geo, dtype, bytes } = checkEncodeMsDeformAttn(encoder, args, options);
    if (bytes.output === 0) return;
    const { value, samplingLocations: locations, attentionWeights: weights, output } = args;
    encodeMsDeformAttnBuffers(this.liveContext(), encoder, { value, locations, weights, output }, geo, dtype);
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
    /** Cached uniform buffers (and small constant tables, such as deformable attention's level shapes). */
    uniformBuffers: number;
    /** Cached bind groups. */
    bindGroups: number;
  } {
    return this.ctx.stats;
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
    this.ctx.watch.fail(destroyedError());
    this.ctx.release();
    if (this.ownsDevice) this.ctx.device.destroy();
  }

  private checkAlive(): void {
    if (this.destroyed) throw destroyedError();
  }

  /** The context for synchronous encoding; throws DeviceLostError if its device is lost. */
  private liveContext(): GpuContext {
    this.ctx.watch.throwIfFailed();
    return this.ctx;
  }

  /** The context to run on, after replacing a lost device the sampler created. */
  private async ready(): Promise<GpuContext> {
    this.checkAlive();
    const lost = this.ctx.watch.failed;
    if (!lost) return this.ctx;
    if (!this.ownsDevice) throw lost;
    this.recovering ??= this.recover().finally(() => {
      this.recovering = undefined;
    });
    await this.recovering;
    this.checkAlive();
    return this.ctx;
  }

  private async recover(): Promise<void> {
    const device = await requestDevice();
    if (this.destroyed) {
      device.destroy();
      return;
    }
    this.ctx.release();
    this.ctx = new GpuContext(device, { ownsDevice: this.ownsDevice, maxChunkBytes: this.maxChunkBytes });
  }
}
