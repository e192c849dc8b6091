// Image warping without hand-written conversion loops: an RGBA8 image or texture in, an RGBA8 texture
// or canvas out, the four channels sampled together by grid-sample-image.wgsl. Free functions of a
// device: they run on its shared context (contextFor).
import gridSampleImageWgsl from '../../../shaders/grid-sample-image.wgsl?raw';
import { checkPixels } from '../../image-data.js';
import { checkTensor, resolveOptions } from '../../options.js';
import type { ImageDataLike, SamplingOptions, Tensor } from '../../types.js';
import { BufferUsage, contextFor, defineKernel, wgslPart } from '../runtime.js';
import { COORDINATES, samplingConstants } from './grid-sample.js';

/** @internal The kernel record (not public API; checked by test/gpu/kernels.test.ts). */
export const GRID_SAMPLE_IMAGE = defineKernel({
  name: 'grid-sample-image',
  parts: [COORDINATES, wgslPart('shaders/grid-sample-image.wgsl', gridSampleImageWgsl)],
  entryPoint: 'grid_sample_image',
  bindings: { source: 'texture', grid: 'read-only-storage', destination: 'rgba8unorm-storage', params: 'uniform' },
  uniform: { out_w: 'u32', out_h: 'u32' },
  workgroup: [8, 8],
});

/**
 * Options of {@link warpImage} and {@link encodeWarpImage}: the sampling options of grid_sample.
 *
 * @example
 * const options: WarpImageOptions = { mode: 'bicubic', paddingMode: 'border' };
 */
export type WarpImageOptions = SamplingOptions;

/**
 * Anything {@link textureFromImage} uploads: pixels in memory or a browser image source.
 *
 * @example
 * const image: ImageLike = await createImageBitmap(file);
 */
export type ImageLike = ImageDataLike | GPUCopyExternalImageSource;

const TextureUsage = {
  COPY_SRC: 0x1,
  COPY_DST: 0x2,
  TEXTURE_BINDING: 0x4,
  STORAGE_BINDING: 0x8,
  RENDER_ATTACHMENT: 0x10,
};

const isImageData = (image: unknown): image is ImageDataLike =>
  typeof image === 'object' && image !== null && 'data' in image;

/**
 * Uploads an image into a new `rgba8unorm` texture that the warp kernels can read.
 *
 * @example
 * const texture = textureFromImage(device, await createImageBitmap(blob));
 */
export function textureFromImage(device: GPUDevice, image: ImageLike): GPUTexture {
  if (isImageData(image)) checkPixels('textureFromImage', image);
  else if (typeof image !== 'object' || image === null || typeof (image as { width?: unknown }).width !== 'number') {
    throw new TypeError(
      'textureFromImage: the image must be an ImageData-like object, an ImageBitmap, a canvas, an image or a video frame',
    );
  }
  const { width, height } = image as { width: number; height: number };
  if (!(width > 0 && height > 0)) throw new RangeError(`textureFromImage: the image is empty (${width} x ${height})`);
  const texture = device.createTexture({
    label: 'warp source',
    size: [width, height],
    format: 'rgba8unorm',
    usage:
      TextureUsage.TEXTURE_BINDING | TextureUsage.COPY_DST | TextureUsage.COPY_SRC | TextureUsage.RENDER_ATTACHMENT,
  });
  if (isImageData(image)) {
    device.queue.writeTexture({ texture }, image.data, { bytesPerRow: width * 4 }, [width, height]);
  } else {
    device.queue.copyExternalImageToTexture({ source: image }, { texture }, [width, height]);
  }
  return texture;
}

/**
 * GPU resources of {@link encodeWarpImage}.
 *
 * @example
 * const args: EncodeWarpImageArgs = { source, grid, gridShape: [1, 256, 256, 2], target };
 */
export interface EncodeWarpImageArgs {
  /** An `rgba8unorm` (or other float-sampled) texture with TEXTURE_BINDING usage. */
  source: GPUTexture;
  /** The grid `[1, H_out, W_out, 2]` as dense float32, STORAGE usage. */
  grid: GPUBuffer;
  /** `[1, H_out, W_out, 2]`. */
  gridShape: readonly number[];
  /** An `rgba8unorm` texture of at least W_out x H_out with STORAGE_BINDING usage. */
  target: GPUTexture;
}

/** The output size [W, H] of a warp grid, which must be [1, H_out, W_out, 2] with H_out, W_out > 0. */
function warpSize(gridShape: readonly number[]): [number, number] {
  const valid = Array.isArray(gridShape) && gridShape.length === 4 && gridShape[0] === 1 && gridShape[3] === 2;
  if (!valid || !(gridShape[1] > 0 && gridShape[2] > 0) || !gridShape.every(Number.isSafeInteger)) {
    throw new RangeError(
      `warpImage: grid must be [1, H_out, W_out, 2] with H_out, W_out > 0, got [${String(gridShape)}]`,
    );
  }
  return [gridShape[2], gridShape[1]];
}

/**
 * Records an RGBA image warp into `encoder`: `target[y][x] = grid_sample(source, grid)[y][x]`.
 *
 * @example
 * encodeWarpImage(device, encoder, { source, grid, gridShape: [1, 512, 512, 2], target }, { mode: 'bicubic' });
 */
export function encodeWarpImage(
  device: GPUDevice,
  encoder: GPUCommandEncoder,
  { source, grid, gridShape, target }: EncodeWarpImageArgs,
  options?: WarpImageOptions,
): void {
  const [outW, outH] = warpSize(gridShape);
  if (target.width < outW || target.height < outH) {
    throw new RangeError(`warpImage: target is ${target.width} x ${target.height}, the grid needs ${outW} x ${outH}`);
  }
  if (grid.size < outW * outH * 8) {
    throw new RangeError(
      `warpImage: grid buffer has ${grid.size} bytes, [1, ${outH}, ${outW}, 2] needs ${outW * outH * 8}`,
    );
  }
  const opts = resolveOptions(options, 2);
  contextFor(device).dispatch(
    encoder,
    { kernel: GRID_SAMPLE_IMAGE, constants: samplingConstants(opts) },
    {
      uniforms: { out_w: outW, out_h: outH },
      bindings: { source, grid: [grid, outW * outH * 8], destination: target },
      invocations: [outW, outH],
    },
  );
}

/**
 * A canvas that {@link warpImage} draws into, configured for WebGPU storage writes.
 *
 * @example
 * const target: CanvasLike = document.querySelector('canvas')!;
 */
export type CanvasLike = HTMLCanvasElement | OffscreenCanvas;

/**
 * Warps an image with a grid on the GPU: uploads both, samples the four channels together, and
 * returns the RGBA8 result texture; draws into `target` when it is a canvas (no CPU readback).
 *
 * @example
 * const grid = affineGridCpu(theta, [1, 4, 512, 512]);
 * warpImage(device, bitmap, grid, { mode: 'bilinear', target: document.querySelector('canvas') });
 */
export function warpImage(
  device: GPUDevice,
  image: ImageLike | GPUTexture,
  grid: Tensor,
  options: WarpImageOptions & { target?: GPUTexture | CanvasLike } = {},
): GPUTexture {
  checkTensor('grid', grid);
  const [outW, outH] = warpSize(grid.shape);
  const { target, ...sampleOptions } = options ?? {};
  resolveOptions(sampleOptions, 2); // fail before allocating anything
  const source =
    image instanceof Object && 'createView' in image
      ? (image as GPUTexture)
      : textureFromImage(device, image as ImageLike);
  let output: GPUTexture;
  if (target && 'getContext' in target) {
    const context = target.getContext('webgpu') as GPUCanvasContext;
    context.configure({
      device,
      format: 'rgba8unorm',
      usage: TextureUsage.STORAGE_BINDING | TextureUsage.RENDER_ATTACHMENT | TextureUsage.COPY_SRC,
      alphaMode: 'premultiplied',
    });
    target.width = outW;
    target.height = outH;
    output = context.getCurrentTexture();
  } else {
    output =
      (target as GPUTexture | undefined) ??
      device.createTexture({
        label: 'warp target',
        size: [outW, outH],
        format: 'rgba8unorm',
        usage: TextureUsage.STORAGE_BINDING | TextureUsage.TEXTURE_BINDING | TextureUsage.COPY_SRC,
      });
  }
  const gridBuffer = device.createBuffer({
    label: 'warp grid',
    size: grid.data.byteLength,
    usage: BufferUsage.STORAGE | BufferUsage.COPY_DST,
  });
  device.queue.writeBuffer(gridBuffer, 0, grid.data.buffer, grid.data.byteOffset, grid.data.byteLength);
  const encoder = device.createCommandEncoder({ label: 'warp image' });
  encodeWarpImage(device, encoder, { source, grid: gridBuffer, gridShape: grid.shape, target: output }, sampleOptions);
  device.queue.submit([encoder.finish()]);
  gridBuffer.destroy();
  if (source !== image) source.destroy();
  return output;
}

/**
 * Reads an `rgba8unorm` texture (COPY_SRC usage) back into pixels: an `ImageData` where the
 * platform has one, else an {@link ImageDataLike}.
 *
 * @example
 * const pixels = await readImage(device, warpImage(device, image, grid));
 */
export async function readImage(device: GPUDevice, texture: GPUTexture): Promise<ImageDataLike> {
  const { width, height } = texture;
  const bytesPerRow = Math.ceil((width * 4) / 256) * 256; // copies need 256-byte aligned rows
  const staging = device.createBuffer({
    label: 'image readback',
    size: bytesPerRow * height,
    usage: BufferUsage.MAP_READ | BufferUsage.COPY_DST,
  });
  const encoder = device.createCommandEncoder({ label: 'image readback' });
  encoder.copyTextureToBuffer({ texture }, { buffer: staging, bytesPerRow }, [width, height]);
  device.queue.submit([encoder.finish()]);
  await staging.mapAsync(0x1);
  const rows = new Uint8Array(staging.getMappedRange());
  const data = new Uint8ClampedArray(width * height * 4);
  for (let y = 0; y < height; y++) data.set(rows.subarray(y * bytesPerRow, y * bytesPerRow + width * 4), y * width * 4);
  staging.destroy();
  const ImageDataClass = (globalThis as { ImageData?: typeof ImageData }).ImageData;
  return ImageDataClass ? new ImageDataClass(data, width, height) : { data, width, height };
}
