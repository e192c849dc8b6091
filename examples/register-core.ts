// Affine image registration by gradient descent, entirely on the GPU: the reusable core of
// examples/register.ts, written so a browser demo panel can drive it the same way (create, then
// `run(steps)` once per animation frame to plot the loss and the recovered parameters).
//
// Each step: theta -> affine_grid -> grid_sample(image) -> mean squared error against the target ->
// grid_sample backward (grid gradient only) -> affine_grid backward -> one Adam step on theta.
// All in one command encoder per `run`; only the losses and theta are read back.
import type { GridSampler, SamplingOptions, Tensor } from '../src/index.js';
import registerWgsl from './register.wgsl?raw';

export interface RegistrationSetup {
  sampler: GridSampler;
  /** The image to move, [1, C, H, W]. */
  image: Tensor;
  /** What the moved image should look like, same shape. */
  target: Tensor;
  /** Start here (2 x 3, row-major); default the identity. */
  initialTheta?: ArrayLike<number>;
  /** Adam learning rate of the first step; default 0.02. */
  learningRate?: number;
  /** Learning rate factor per step; default 0.985. */
  decay?: number;
  /** Steps whose loss is recorded; `run` refuses to go past it. Default 2000. */
  maxSteps?: number;
  /** Sampling options of grid_sample and affine_grid; default bilinear, zeros, alignCorners false. */
  options?: SamplingOptions;
}

export interface RegistrationProgress {
  /** The loss (mean squared error) before each step of this run. */
  losses: Float32Array;
  /** theta after the run, 2 x 3 row-major. */
  theta: Float32Array;
  /** Steps taken so far, all runs together. */
  steps: number;
}

const CHUNK = 256; // CHUNK in register.wgsl
const STATE_HEADER = 13; // steps taken + 6 + 6 Adam moments, then one loss per step
const IDENTITY = [1, 0, 0, 0, 1, 0];

/** Fits the affine theta that makes grid_sample(image, affine_grid(theta)) match the target. */
export class AffineRegistration {
  private readonly device: GPUDevice;
  private readonly buffers: Record<string, GPUBuffer>;
  private readonly bindGroup: GPUBindGroup;
  private readonly pipelines: { loss: GPUComputePipeline; adam: GPUComputePipeline };
  private readonly chunks: number;
  private readonly maxSteps: number;
  private steps = 0;

  private constructor(private readonly setup: RegistrationSetup) {
    const { sampler, image, target } = setup;
    if (image.shape.length !== 4 || image.shape[0] !== 1 || image.shape.join() !== target.shape.join()) {
      throw new RangeError(
        `AffineRegistration: image and target must both be [1, C, H, W], got [${image.shape}] and [${target.shape}]`,
      );
    }
    this.device = sampler.device;
    this.maxSteps = setup.maxSteps ?? 2000;
    const [, , h, w] = image.shape;
    const count = image.data.length;
    this.chunks = Math.ceil(count / CHUNK);
    const theta = Float32Array.from(setup.initialTheta ?? IDENTITY);
    const storage = GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC | GPUBufferUsage.COPY_DST;
    const buffer = (label: string, floats: number, data?: Float32Array) => {
      const b = this.device.createBuffer({ label: `registration ${label}`, size: floats * 4, usage: storage });
      if (data) this.device.queue.writeBuffer(b, 0, data);
      return b;
    };
    this.buffers = {
      image: buffer('image', count, image.data),
      target: buffer('target', count, target.data),
      theta: buffer('theta', 6, theta),
      grid: buffer('grid', h * w * 2),
      warped: buffer('warped', count),
      gradOutput: buffer('gradOutput', count),
      gradGrid: buffer('gradGrid', h * w * 2),
      gradTheta: buffer('gradTheta', 6),
      partials: buffer('loss partials', this.chunks),
      state: buffer('state', STATE_HEADER + this.maxSteps, new Float32Array(STATE_HEADER + this.maxSteps)),
      params: this.device.createBuffer({
        label: 'registration params',
        size: 32,
        usage: GPUBufferUsage.UNIFORM | GPUBufferUsage.COPY_DST,
      }),
    };
    const params = new DataView(new ArrayBuffer(32));
    for (const [i, v] of [count, this.chunks, this.maxSteps, 0].entries()) params.setUint32(i * 4, v, true);
    for (const [i, v] of [setup.learningRate ?? 0.02, setup.decay ?? 0.985, 0.9, 0.999].entries()) {
      params.setFloat32(16 + i * 4, v, true);
    }
    this.device.queue.writeBuffer(this.buffers.params, 0, params.buffer);

    const module = this.device.createShaderModule({ label: 'registration kernels', code: registerWgsl });
    // warped, target, gradOutput, partials, gradTheta, theta, state, params (register.wgsl)
    const kinds: GPUBufferBindingType[] = [
      ...(['read-only-storage', 'read-only-storage', 'storage', 'storage'] as const),
      ...(['read-only-storage', 'storage', 'storage', 'uniform'] as const),
    ];
    const layout = this.device.createBindGroupLayout({
      label: 'registration layout',
      entries: kinds.map((type, binding) => ({ binding, visibility: GPUShaderStage.COMPUTE, buffer: { type } })),
    });
    const pipelineLayout = this.device.createPipelineLayout({ label: 'registration', bindGroupLayouts: [layout] });
    const pipeline = (entryPoint: string) =>
      this.device.createComputePipeline({
        label: `registration ${entryPoint}`,
        layout: pipelineLayout,
        compute: { module, entryPoint },
      });
    this.pipelines = { loss: pipeline('mean_squared_error'), adam: pipeline('adam_step') };
    const b = this.buffers;
    this.bindGroup = this.device.createBindGroup({
      label: 'registration bind group',
      layout,
      entries: [b.warped, b.target, b.gradOutput, b.partials, b.gradTheta, b.theta, b.state, b.params].map(
        (buffer, binding) => ({ binding, resource: { buffer } }),
      ),
    });
  }

  static create(setup: RegistrationSetup): AffineRegistration {
    return new AffineRegistration(setup);
  }

  /** Runs `steps` gradient steps in one submit, then reads back their losses and theta. */
  async run(steps: number): Promise<RegistrationProgress> {
    if (!Number.isInteger(steps) || steps < 1 || this.steps + steps > this.maxSteps) {
      throw new RangeError(
        `run: steps must be an integer from 1 to ${this.maxSteps - this.steps} (maxSteps), got ${steps}`,
      );
    }
    const { sampler, image, options } = this.setup;
    const b = this.buffers;
    const size = image.shape;
    const gridShape = [1, size[2], size[3], 2];
    const align = { alignCorners: options?.alignCorners ?? false };
    this.device.pushErrorScope('validation');
    const encoder = this.device.createCommandEncoder({ label: 'registration steps' });
    for (let i = 0; i < steps; i++) {
      sampler.encodeAffineGrid(encoder, { theta: b.theta, size, output: b.grid }, align);
      const sample = { input: b.image, inputShape: size, grid: b.grid, gridShape };
      sampler.encodeGridSample(encoder, { ...sample, output: b.warped }, options);
      this.dispatch(encoder, this.pipelines.loss, Math.ceil(this.chunks / 64));
      sampler.encodeGridSampleBackward(
        encoder,
        { gradOutput: b.gradOutput, input: b.image, inputShape: size, grid: b.grid, gridShape, gradGrid: b.gradGrid },
        options,
      );
      sampler.encodeAffineGridBackward(encoder, { gradGrid: b.gradGrid, size, gradTheta: b.gradTheta }, align);
      this.dispatch(encoder, this.pipelines.adam, 1);
    }
    const first = STATE_HEADER + this.steps;
    const readback = this.device.createBuffer({
      label: 'registration readback',
      size: (steps + 6) * 4,
      usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST,
    });
    encoder.copyBufferToBuffer(b.state, first * 4, readback, 0, steps * 4);
    encoder.copyBufferToBuffer(b.theta, 0, readback, steps * 4, 24);
    this.device.queue.submit([encoder.finish()]);
    const error = await this.device.popErrorScope();
    if (error) {
      readback.destroy();
      throw new Error(`AffineRegistration: WebGPU reported an error: ${error.message}`);
    }
    this.steps += steps;
    await readback.mapAsync(GPUMapMode.READ);
    const data = new Float32Array(readback.getMappedRange().slice(0));
    readback.destroy();
    return { losses: data.slice(0, steps), theta: data.slice(steps), steps: this.steps };
  }

  destroy(): void {
    for (const buffer of Object.values(this.buffers)) buffer.destroy();
  }

  private dispatch(encoder: GPUCommandEncoder, pipeline: GPUComputePipeline, workgroups: number): void {
    const pass = encoder.beginComputePass({ label: pipeline.label });
    pass.setPipeline(pipeline);
    pass.setBindGroup(0, this.bindGroup);
    pass.dispatchWorkgroups(workgroups);
    pass.end();
  }
}

/**
 * A smooth test picture, [1, 3, size, size]: coloured Gaussian blobs on black, so that zero padding
 * matches the background and the loss has a wide, smooth basin.
 */
export function syntheticImage(size: number): Tensor {
  const blobs = [
    { x: -0.35, y: -0.25, r: 0.22, rgb: [1, 0.3, 0.1] },
    { x: 0.3, y: -0.3, r: 0.16, rgb: [0.2, 0.9, 0.3] },
    { x: 0.1, y: 0.35, r: 0.26, rgb: [0.2, 0.4, 1] },
    { x: -0.3, y: 0.3, r: 0.12, rgb: [0.9, 0.9, 0.2] },
  ];
  const data = new Float32Array(3 * size * size);
  for (let i = 0; i < size; i++) {
    for (let j = 0; j < size; j++) {
      const x = ((j + 0.5) / size) * 2 - 1;
      const y = ((i + 0.5) / size) * 2 - 1;
      for (const { x: bx, y: by, r, rgb } of blobs) {
        const weight = Math.exp(-((x - bx) ** 2 + (y - by) ** 2) / (2 * r * r));
        for (let c = 0; c < 3; c++) data[(c * size + i) * size + j] += rgb[c] * weight;
      }
    }
  }
  return { data, shape: [1, 3, size, size] };
}

/** theta (2 x 3, row-major) of a rotation by `degrees`, scaling by `scale` and a shift, in grid units. */
export function affineTheta(degrees: number, scale: [number, number], shift: [number, number]): Float32Array {
  const a = (degrees * Math.PI) / 180;
  const [sx, sy] = scale;
  return Float32Array.from([
    sx * Math.cos(a),
    -sx * Math.sin(a),
    shift[0],
    sy * Math.sin(a),
    sy * Math.cos(a),
    shift[1],
  ]);
}
