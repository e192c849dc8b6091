// The WebGPU backend: the grid (the library's encodeWarpGrid, or the demo's brush kernel), then the
// library's encodeGridSample, then a render pass that draws the output buffer onto the canvas, all in
// one command buffer. Nothing is read back except for the compare view.
import { type GridSampleOptions, GridSampler, type Tensor } from '../../src/index.js';
import { encodeWarpGrid } from '../../src/warps.js';
import type { BrushStep } from './brush.js';
import { packBrushParams } from './gpu-params.js';
import { DemoPipelines } from './gpu-pipelines.js';
import type { WarpFrame } from './warp-math.js';

interface Target {
  width: number;
  height: number;
  buffers: GPUBuffer[];
  grid: GPUBuffer;
  output: GPUBuffer;
  displacement: GPUBuffer;
  brushParams: GPUBuffer;
  readback: GPUBuffer;
  brushGroup: GPUBindGroup;
  presentGroup: GPUBindGroup;
}

export class GpuRenderer {
  readonly sampler: GridSampler;
  private readonly device: GPUDevice;
  private readonly context: GPUCanvasContext;
  private readonly pipelines: DemoPipelines;
  private input?: { buffer: GPUBuffer; shape: number[] };
  private target?: Target;
  private destroyed = false;

  private constructor(sampler: GridSampler, canvas: HTMLCanvasElement, onFatal: (message: string) => void) {
    this.sampler = sampler;
    this.device = sampler.device;
    const context = canvas.getContext('webgpu');
    if (!context) throw new Error('canvas.getContext("webgpu") returned null although a WebGPU device exists');
    this.context = context;
    const format = navigator.gpu.getPreferredCanvasFormat();
    context.configure({ device: this.device, format, alphaMode: 'opaque' });
    this.pipelines = new DemoPipelines(this.device, format);
    this.device.lost.then((info) => {
      if (!this.destroyed) onFatal(`the WebGPU device was lost (${info.reason}): ${info.message}`);
    });
    this.device.addEventListener('uncapturederror', (event) => onFatal(`WebGPU error: ${event.error.message}`));
  }

  /** Throws the library's WebGPUUnavailableError where the browser has no WebGPU adapter. */
  static async create(canvas: HTMLCanvasElement, onFatal: (message: string) => void): Promise<GpuRenderer> {
    return new GpuRenderer(await GridSampler.create(), canvas, onFatal);
  }

  setImage(image: Tensor): void {
    this.input?.buffer.destroy();
    const buffer = this.device.createBuffer({
      label: 'demo input image',
      size: image.data.byteLength,
      usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_DST,
    });
    this.device.queue.writeBuffer(buffer, 0, image.data);
    this.input = { buffer, shape: [...image.shape] };
  }

  /** Sizes the canvas and the per-frame buffers to the output; clears the brush field. */
  resize(width: number, height: number): void {
    if (this.target?.width === width && this.target.height === height) return;
    this.destroyTarget();
    const canvas = this.context.canvas as HTMLCanvasElement;
    canvas.width = width;
    canvas.height = height;
    const { STORAGE, COPY_DST, COPY_SRC, UNIFORM, MAP_READ } = GPUBufferUsage;
    const buffers: GPUBuffer[] = [];
    const buffer = (label: string, size: number, usage: number) => {
      const b = this.device.createBuffer({ label: `demo ${label}`, size, usage });
      buffers.push(b);
      return b;
    };
    const pixels = width * height;
    const grid = buffer('grid', pixels * 8, STORAGE);
    const output = buffer('output', pixels * 12, STORAGE | COPY_SRC);
    const displacement = buffer('brush displacement', pixels * 8, STORAGE | COPY_DST);
    const brushParams = buffer('brush params', 48, UNIFORM | COPY_DST);
    // the brush grid reads the size; each brush step rewrites the whole block
    this.device.queue.writeBuffer(brushParams, 0, new Uint32Array([width, height]));
    const presentParams = buffer('present params', 16, UNIFORM | COPY_DST);
    this.device.queue.writeBuffer(presentParams, 0, new Uint32Array([width, height, 0, 0]));
    const entries = (...list: GPUBuffer[]) => list.map((b, binding) => ({ binding, resource: { buffer: b } }));
    this.target = {
      width,
      height,
      buffers,
      grid,
      output,
      displacement,
      brushParams,
      readback: buffer('compare readback', pixels * 12, MAP_READ | COPY_DST),
      brushGroup: this.device.createBindGroup({
        label: 'brush bind group',
        layout: this.pipelines.brushLayout,
        entries: entries(displacement, brushParams, grid),
      }),
      presentGroup: this.device.createBindGroup({
        label: 'present bind group',
        layout: this.pipelines.presentLayout,
        entries: entries(output, presentParams),
      }),
    };
  }

  clearBrush(): void {
    if (!this.target) return;
    const encoder = this.device.createCommandEncoder({ label: 'clear brush' });
    encoder.clearBuffer(this.target.displacement);
    this.device.queue.submit([encoder.finish()]);
  }

  brushStep(step: BrushStep, frame: WarpFrame): void {
    const t = this.requireTarget();
    this.device.queue.writeBuffer(t.brushParams, 0, packBrushParams(frame, step));
    const encoder = this.device.createCommandEncoder({ label: 'brush step' });
    const pass = encoder.beginComputePass({ label: 'brush stroke' });
    pass.setPipeline(this.pipelines.brushStroke(frame.alignCorners));
    pass.setBindGroup(0, t.brushGroup);
    pass.dispatchWorkgroups(Math.ceil(t.width / 8), Math.ceil(t.height / 8));
    pass.end();
    this.device.queue.submit([encoder.finish()]);
  }

  /**
   * Draws one frame; resolves with the milliseconds from encoding to the GPU finishing it.
   * `afterSubmit` runs right after the submit, while the canvas still holds this frame: once the
   * browser presents it, the canvas reads back as blank (WebGPU semantics), so snapshots go there.
   */
  async render(frame: WarpFrame, options: GridSampleOptions, afterSubmit?: () => void): Promise<number> {
    const t = this.requireTarget();
    const input = this.input;
    if (!input) throw new Error('GpuRenderer.render: no image; call setImage first');
    const start = performance.now();
    this.device.pushErrorScope('validation');
    let validation: Promise<GPUError | null>;
    try {
      const encoder = this.device.createCommandEncoder({ label: 'demo frame' });
      this.encodeGrid(encoder, t, frame);
      const gridShape = [1, t.height, t.width, 2];
      this.sampler.encodeGridSample(
        encoder,
        { input: input.buffer, inputShape: input.shape, grid: t.grid, gridShape, output: t.output },
        options,
      );
      const pass = encoder.beginRenderPass({
        label: 'present',
        colorAttachments: [{ view: this.context.getCurrentTexture().createView(), loadOp: 'clear', storeOp: 'store' }],
      });
      pass.setPipeline(this.pipelines.present());
      pass.setBindGroup(0, t.presentGroup);
      pass.draw(3);
      pass.end();
      this.device.queue.submit([encoder.finish()]);
      afterSubmit?.();
    } finally {
      validation = this.device.popErrorScope();
    }
    const error = await validation;
    if (error) throw new Error(`WebGPU validation error while drawing: ${error.message}`);
    await this.device.queue.onSubmittedWorkDone();
    return performance.now() - start;
  }

  /** The last frame's output [1, 3, H, W], read back: only the compare view needs it on the CPU. */
  async readOutput(): Promise<Float32Array> {
    const t = this.requireTarget();
    const encoder = this.device.createCommandEncoder({ label: 'compare readback' });
    encoder.copyBufferToBuffer(t.output, 0, t.readback, 0, t.output.size);
    this.device.queue.submit([encoder.finish()]);
    await t.readback.mapAsync(GPUMapMode.READ);
    const data = new Float32Array(t.readback.getMappedRange().slice(0));
    t.readback.unmap();
    return data;
  }

  destroy(): void {
    this.destroyed = true;
    this.destroyTarget();
    this.input?.buffer.destroy();
    this.sampler.destroy();
  }

  private encodeGrid(encoder: GPUCommandEncoder, t: Target, frame: WarpFrame): void {
    if (frame.warp !== 'brush') {
      encodeWarpGrid(this.device, encoder, frame.warp, { ...frame.options, output: t.grid });
      return;
    }
    const pass = encoder.beginComputePass({ label: 'brush grid' });
    pass.setPipeline(this.pipelines.brushGrid(frame.alignCorners));
    pass.setBindGroup(0, t.brushGroup);
    pass.dispatchWorkgroups(Math.ceil(t.width / 8), Math.ceil(t.height / 8));
    pass.end();
  }

  private requireTarget(): Target {
    if (!this.target) throw new Error('GpuRenderer: call resize(width, height) before drawing');
    return this.target;
  }

  private destroyTarget(): void {
    for (const b of this.target?.buffers ?? []) b.destroy();
    this.target = undefined;
  }
}
