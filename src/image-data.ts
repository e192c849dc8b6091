// Conversions between RGBA8 pixels and float tensors, for the CPU path and for tests.
import { checkTensor } from './options.js';
import type { ImageDataLike, Tensor } from './types.js';

/** Checks pixels in memory: positive integer sizes and exactly width x height x 4 bytes. */
export function checkPixels(op: string, image: unknown): asserts image is ImageDataLike {
  const { data, width, height } = (image ?? {}) as Partial<ImageDataLike>;
  if (!(data instanceof Uint8ClampedArray || data instanceof Uint8Array)) {
    throw new TypeError(`${op}: the image must be an ImageData or { data: Uint8ClampedArray, width, height }`);
  }
  for (const [name, value] of [
    ['width', width],
    ['height', height],
  ] as const) {
    if (typeof value !== 'number' || !Number.isSafeInteger(value) || value <= 0) {
      throw new RangeError(`${op}: image ${name} must be a positive integer, got ${String(value)}`);
    }
  }
  if (data.length !== (width as number) * (height as number) * 4) {
    throw new RangeError(
      `${op}: data has ${data.length} bytes, ${width} x ${height} RGBA needs ${(width as number) * (height as number) * 4}`,
    );
  }
}

/**
 * RGBA8 pixels to a `[1, 4, H, W]` tensor with values in [0, 1] (byte / 255), channels R, G, B, A.
 *
 * @example
 * const input = tensorFromImage(context.getImageData(0, 0, width, height));
 */
export function tensorFromImage(image: ImageDataLike): Tensor {
  checkPixels('tensorFromImage', image);
  const { data, width, height } = image;
  const plane = width * height;
  const out = new Float32Array(4 * plane);
  for (let p = 0; p < plane; p++) {
    for (let c = 0; c < 4; c++) out[c * plane + p] = data[p * 4 + c] / 255;
  }
  return { data: out, shape: [1, 4, height, width] };
}

/**
 * A `[1, C, H, W]` tensor (C = 1, 3 or 4, values in [0, 1]) to RGBA8 pixels, rounded and clamped as
 * a GPU's rgba8unorm store does; missing channels become gray (C = 1) and opaque alpha.
 *
 * @example
 * context.putImageData(new ImageData(...Object.values(imageFromTensor(out))), 0, 0);
 */
export function imageFromTensor(tensor: Tensor): ImageDataLike {
  checkTensor('tensor', tensor);
  const [n, c, height, width] = tensor.shape;
  if (tensor.shape.length !== 4 || n !== 1 || ![1, 3, 4].includes(c)) {
    throw new RangeError(`imageFromTensor: tensor must be [1, 1 | 3 | 4, H, W], got [${tensor.shape.join(', ')}]`);
  }
  const plane = width * height;
  const data = new Uint8ClampedArray(plane * 4);
  const byte = (v: number) => Math.round(Math.min(1, Math.max(0, v)) * 255);
  for (let p = 0; p < plane; p++) {
    for (let k = 0; k < 3; k++) data[p * 4 + k] = byte(tensor.data[(c === 1 ? 0 : k) * plane + p]);
    data[p * 4 + 3] = c === 4 ? byte(tensor.data[3 * plane + p]) : 255;
  }
  return { data, width, height };
}
