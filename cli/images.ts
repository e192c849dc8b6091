// Reading and writing PNG and JPEG files with maintained codecs (pngjs, jpeg-js); RGBA8 in memory. The
// size a file declares is read from its header (image-size) before anything is decoded, so a small file
// that declares a huge image (a decompression bomb) is refused instead of filling the memory.
import { readFile, rename, rm, writeFile } from 'node:fs/promises';
import { basename, dirname, extname, join } from 'node:path';
import { imageSize } from 'image-size';
import jpeg from 'jpeg-js';
import { PNG } from 'pngjs';
import type { ImageDataLike } from '../src/index.js';

const PNG_MAGIC = [0x89, 0x50, 0x4e, 0x47];
const JPEG_MAGIC = [0xff, 0xd8, 0xff];
const startsWith = (bytes: Uint8Array, magic: number[]) => magic.every((b, i) => bytes[i] === b);

/** An input or output file the CLI cannot use, with the reason. */
export class ImageFileError extends Error {
  override name = 'ImageFileError';
}

/** Refuses an image whose header declares more than `maxPixels` pixels, or no size at all. */
function checkDeclaredSize(path: string, bytes: Uint8Array, maxPixels: number): void {
  let width: number;
  let height: number;
  try {
    ({ width, height } = imageSize(bytes));
  } catch (error) {
    throw new ImageFileError(`cannot decode ${path}: its header gives no image size (${(error as Error).message})`);
  }
  const pixels = width * height;
  if (pixels > maxPixels) {
    throw new ImageFileError(
      `${path} declares ${width} x ${height} = ${pixels} pixels, more than the limit of ${maxPixels} ` +
        `(a decompression bomb?); pass --max-pixels ${pixels} to decode it anyway`,
    );
  }
}

/**
 * Decodes a PNG or JPEG file (recognised by content, not by name) into RGBA8 pixels, after checking
 * that its header declares at most `maxPixels` pixels.
 */
export async function readImageFile(path: string, maxPixels: number): Promise<ImageDataLike> {
  let bytes: Buffer;
  try {
    bytes = await readFile(path);
  } catch (error) {
    throw new ImageFileError(`cannot read ${path}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`);
  }
  const png = startsWith(bytes, PNG_MAGIC);
  if (png || startsWith(bytes, JPEG_MAGIC)) checkDeclaredSize(path, bytes, maxPixels);
  try {
    if (png) {
      const decoded = PNG.sync.read(bytes);
      return {
        data: new Uint8ClampedArray(decoded.data.buffer, decoded.data.byteOffset, decoded.data.length),
        width: decoded.width,
        height: decoded.height,
      };
    }
    if (startsWith(bytes, JPEG_MAGIC)) {
      const image = jpeg.decode(bytes, {
        useTArray: true,
        formatAsRGBA: true,
        maxMemoryUsageInMB: 2048,
        maxResolutionInMP: Math.max(100, maxPixels / 1e6), // the header check above is the limit
      });
      return {
        data: new Uint8ClampedArray(image.data.buffer, image.data.byteOffset, image.data.length),
        width: image.width,
        height: image.height,
      };
    }
  } catch (error) {
    throw new ImageFileError(`cannot decode ${path}: ${(error as Error).message}`);
  }
  throw new ImageFileError(`${path} is not a PNG or JPEG file (only these two formats are supported)`);
}

/** The output format follows the extension: .jpg/.jpeg writes JPEG, anything else PNG. */
export function outputFormat(path: string): 'png' | 'jpeg' {
  return /^\.jpe?g$/i.test(extname(path)) ? 'jpeg' : 'png';
}

/** Encodes and writes atomically: a temporary file renamed into place, so no partial output remains. */
export async function writeImageFile(path: string, image: ImageDataLike): Promise<void> {
  const data = Buffer.from(image.data.buffer, image.data.byteOffset, image.data.length);
  const encoded =
    outputFormat(path) === 'jpeg'
      ? jpeg.encode({ data, width: image.width, height: image.height }, 92).data
      : PNG.sync.write(Object.assign(new PNG({ width: image.width, height: image.height }), { data }));
  const temporary = join(dirname(path), `.${basename(path)}.${process.pid}.partial`);
  try {
    await writeFile(temporary, encoded);
    await rename(temporary, path);
  } catch (error) {
    await rm(temporary, { force: true });
    throw new ImageFileError(`cannot write ${path}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`);
  }
}
