// The demo's own GPU programs: warp grids, the brush and the present pass. Each variant is compiled
// once per device and kept; layouts are explicit so one bind group serves every warp.
import brushStrokeWgsl from '../shaders/brush-stroke.wgsl?raw';
import presentWgsl from '../shaders/present.wgsl?raw';
import warpGridWgsl from '../shaders/warp-grid.wgsl?raw';
import type { WarpName } from './warp-specs.js';

/** The WARP override of shaders/warp-grid.wgsl (affine uses the library's affineGrid). */
export const WARP_CODES: Partial<Record<WarpName, number>> = { lens: 0, swirl: 1, ripple: 2, perspective: 3, brush: 4 };

export class DemoPipelines {
  readonly warpGridLayout: GPUBindGroupLayout;
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
    this.warpGridLayout = device.createBindGroupLayout({
      label: 'warp grid bind group layout',
      entries: [
        { binding: 0, visibility: C, buffer: { type: 'read-only-storage' } },
        { binding: 1, visibility: C, buffer: { type: 'storage' } },
        { binding: 2, visibility: C, buffer: { type: 'uniform' } },
      ],
    });
    this.brushLayout = device.createBindGroupLayout({
      label: 'brush bind group layout',
      entries: [
        { binding: 0, visibility: C, buffer: { type: 'storage' } },
        { binding: 1, visibility: C, buffer: { type: 'uniform' } },
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

  warpGrid(warp: WarpName, alignCorners: boolean): GPUComputePipeline {
    const code = WARP_CODES[warp];
    if (code === undefined) throw new Error(`warp ${warp} has no grid kernel of its own`);
    return this.computePipeline('warp-grid', warpGridWgsl, 'warp_grid', this.warpGridLayout, {
      WARP: code,
      ALIGN_CORNERS: Number(alignCorners),
    });
  }

  brushStroke(alignCorners: boolean): GPUComputePipeline {
    return this.computePipeline('brush-stroke', brushStrokeWgsl, 'brush_stroke', this.brushLayout, {
      ALIGN_CORNERS: Number(alignCorners),
    });
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

  private computePipeline(
    name: string,
    code: string,
    entryPoint: string,
    layout: GPUBindGroupLayout,
    constants: Record<string, number>,
  ): GPUComputePipeline {
    const key = `${name}|${JSON.stringify(constants)}`;
    let pipeline = this.compute.get(key);
    if (!pipeline) {
      pipeline = this.device.createComputePipeline({
        label: key,
        layout: this.device.createPipelineLayout({ label: `${name} layout`, bindGroupLayouts: [layout] }),
        compute: { module: this.module(name, code), entryPoint, constants },
      });
      this.compute.set(key, pipeline);
    }
    return pipeline;
  }
}
