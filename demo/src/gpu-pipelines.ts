// The demo's own GPU programs: the brush (its strokes and its grid) and the present pass; the other
// warps' grids come from the library (webgpu-grid-sample/warps). Each variant is compiled once per
// device and kept; layouts are explicit so one bind group serves both brush entry points.
import brushWgsl from '../shaders/brush.wgsl?raw';
import presentWgsl from '../shaders/present.wgsl?raw';

export class DemoPipelines {
  readonly brushLayout: GPUBindGroupLayout;
  readonly presentLayout: GPUBindGroupLayout;
  private readonly device: GPUDevice;
  private readonly format: GPUTextureFormat;
  private readonly modules = new Map<string, GPUShaderModule>();
  private readonly compute = new Map<string, GPUComputePipeline>();
  private presentPipeline?: GPURenderPipeline;

  constructor(device: GPUDevice, format: GPUTextureFormat) {
    this.device = device;
    this.format = format;
    const C = GPUShaderStage.COMPUTE;
    this.brushLayout = device.createBindGroupLayout({
      label: 'brush bind group layout',
      entries: [
        { binding: 0, visibility: C, buffer: { type: 'storage' } },
        { binding: 1, visibility: C, buffer: { type: 'uniform' } },
        { binding: 2, visibility: C, buffer: { type: 'storage' } },
      ],
    });
    this.presentLayout = device.createBindGroupLayout({
      label: 'present bind group layout',
      entries: [
        { binding: 0, visibility: GPUShaderStage.FRAGMENT, buffer: { type: 'read-only-storage' } },
        { binding: 1, visibility: GPUShaderStage.FRAGMENT, buffer: { type: 'uniform' } },
      ],
    });
  }

  brushStroke(alignCorners: boolean): GPUComputePipeline {
    return this.computePipeline('brush_stroke', alignCorners);
  }

  brushGrid(alignCorners: boolean): GPUComputePipeline {
    return this.computePipeline('brush_grid', alignCorners);
  }

  present(): GPURenderPipeline {
    this.presentPipeline ??= this.device.createRenderPipeline({
      label: 'present',
      layout: this.device.createPipelineLayout({ label: 'present layout', bindGroupLayouts: [this.presentLayout] }),
      vertex: { module: this.module('present', presentWgsl), entryPoint: 'fullscreen_vertex' },
      fragment: {
        module: this.module('present', presentWgsl),
        entryPoint: 'present_fragment',
        targets: [{ format: this.format }],
      },
    });
    return this.presentPipeline;
  }

  private module(name: string, code: string): GPUShaderModule {
    let module = this.modules.get(name);
    if (!module) {
      module = this.device.createShaderModule({ label: name, code });
      this.modules.set(name, module);
    }
    return module;
  }

  private computePipeline(entryPoint: 'brush_stroke' | 'brush_grid', alignCorners: boolean): GPUComputePipeline {
    const key = `${entryPoint}|alignCorners=${alignCorners}`;
    let pipeline = this.compute.get(key);
    if (!pipeline) {
      pipeline = this.device.createComputePipeline({
        label: key,
        layout: this.device.createPipelineLayout({
          label: `${entryPoint} layout`,
          bindGroupLayouts: [this.brushLayout],
        }),
        compute: {
          module: this.module('brush', brushWgsl),
          entryPoint,
          constants: { ALIGN_CORNERS: Number(alignCorners) },
        },
      });
      this.compute.set(key, pipeline);
    }
    return pipeline;
  }
}
