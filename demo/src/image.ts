// Images in and out: decode a file or URL into the planar float RGB tensor [1, 3, H, W] that
// grid_sample takes, and save the output canvas as PNG.
import type { Tensor } from '../../src/index.js';

/** Larger images are scaled down on load: the CPU reference and the tensor stay a sensible size. */
export const MAX_IMAGE_SIDE = 2048;

export interface LoadedImage {
  name: string;
  width: number;
  height: number;
  tensor: Tensor;
}

export async function loadImage(source: Blob | string, name: string): Promise<LoadedImage> {
  let blob: Blob;
  if (typeof source === 'string') {
    const response = await fetch(source);
    if (!response.ok) throw new Error(`could not load ${source}: HTTP ${response.status}`);
    blob = await response.blob();
  } else {
    blob = source;
  }
  let bitmap: ImageBitmap;
  try {
    bitmap = await createImageBitmap(blob);
  } catch {
    throw new Error(`${name} is not an image this browser can decode (try PNG, JPEG or WebP)`);
  }
  const scale = Math.min(1, MAX_IMAGE_SIDE / Math.max(bitmap.width, bitmap.height));
  const width = Math.max(1, Math.round(bitmap.width * scale));
  const height = Math.max(1, Math.round(bitmap.height * scale));
  const canvas = new OffscreenCanvas(width, height);
  const context = canvas.getContext('2d');
  if (!context) throw new Error('OffscreenCanvas.getContext("2d") returned null');
  context.drawImage(bitmap, 0, 0, width, height);
  bitmap.close();
  const rgba = context.getImageData(0, 0, width, height).data;
  const plane = width * height;
  const data = new Float32Array(3 * plane);
  for (let i = 0; i < plane; i++) {
    for (let c = 0; c < 3; c++) data[c * plane + i] = rgba[4 * i + c] / 255;
  }
  return { name, width, height, tensor: { data, shape: [1, 3, height, width] } };
}

/**
 * Saves the canvas as a PNG download. Call it while the canvas holds the frame: for a WebGPU canvas,
 * right after the submit that drew it. The copy is taken synchronously; the encoding happens after.
 */
export function downloadPng(canvas: HTMLCanvasElement, fileName: string, onError: (error: unknown) => void): void {
  const copy = new OffscreenCanvas(canvas.width, canvas.height);
  const context = copy.getContext('2d');
  if (!context) {
    onError(new Error('OffscreenCanvas.getContext("2d") returned null'));
    return;
  }
  context.drawImage(canvas, 0, 0);
  // convertToBlob encodes at once, where canvas.toBlob may wait for an idle period (a second, headless)
  copy.convertToBlob({ type: 'image/png' }).then((blob) => {
    const link = document.createElement('a');
    link.href = URL.createObjectURL(blob);
    link.download = fileName;
    link.click();
    setTimeout(() => URL.revokeObjectURL(link.href), 10_000);
  }, onError);
}
