// The CPU backend: the grid from the library's warps (or the demo's brush), the library's wasm
// sampler, then putImageData on a 2-D canvas. The compare view checks WebGPU against gridSampleCpu,
// the reference.
import { type GridSampleOptions, gridSampleCpu, type Tensor, WasmSampler } from '../../src/index.js';
import { warpGrid } from '../../src/warps.js';
import { brushGrid } from './brush.js';
import type { WarpFrame } from './warp-math.js';

/** The grid [1, H, W, 2] of `frame`; the brush adds its displacement field [H, W, 2]. */
export const cpuGrid = (frame: WarpFrame, displacement?: Float32Array): Tensor =>
  frame.warp === 'brush' ? brushGrid(frame, displacement) : warpGrid(frame.warp, frame.options);

/** Planar float RGB [1, 3, H, W] to RGBA bytes, rounding to nearest as a unorm render target does. */
export function toImageData(planar: Float32Array, width: number, height: number): ImageData {
  const image = new ImageData(width, height);
  const plane = width * height;
  for (let i = 0; i < plane; i++) {
    for (let c = 0; c < 3; c++)
      image.data[4 * i + c] = Math.round(Math.min(1, Math.max(0, planar[c * plane + i])) * 255);
    image.data[4 * i + 3] = 255;
  }
  return image;
}

export class CpuRenderer {
  private readonly context: CanvasRenderingContext2D;
  private sampler: Promise<WasmSampler> | undefined;

  constructor(readonly canvas: HTMLCanvasElement) {
    // a CPU-side canvas: every frame is written with putImageData, and PNG downloads read it back
    const context = canvas.getContext('2d', { willReadFrequently: true });
    if (!context) throw new Error('canvas.getContext("2d") returned null');
    this.context = context;
  }

  /** Warps `input` on the CPU with the wasm sampler: the output [1, 3, H, W]. */
  async compute(
    input: Tensor,
    frame: WarpFrame,
    displacement: Float32Array,
    options: GridSampleOptions,
  ): Promise<Float32Array> {
    this.sampler ??= WasmSampler.create();
    return (await (await this.sampler).gridSample(input, cpuGrid(frame, displacement), options)).data;
  }

  /** The same warp by gridSampleCpu, the TypeScript reference the compare view checks WebGPU against. */
  reference(input: Tensor, frame: WarpFrame, displacement: Float32Array, options: GridSampleOptions): Float32Array {
    return gridSampleCpu(input, cpuGrid(frame, displacement), options).data;
  }

  draw(output: Float32Array, width: number, height: number): void {
    if (this.canvas.width !== width || this.canvas.height !== height) {
      this.canvas.width = width;
      this.canvas.height = height;
    }
    this.context.putImageData(toImageData(output, width, height), 0, 0);
  }
}
