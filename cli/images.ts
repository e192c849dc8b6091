// Reading and writing PNG and JPEG files with maintained codecs (pngjs, jpeg-js); RGBA8 in memory.
import { readFile, rename, rm, writeFile } from 'node:fs/promises';
import { basename, dirname, extname, join } from 'node:path';
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

/** Decodes a PNG or JPEG file (recognised by content, not by name) into RGBA8 pixels. */
export async function readImageFile(path: string): Promise<ImageDataLike> {
  let bytes: Buffer;
  try {
    bytes = await readFile(path);
  } catch (error) {
    throw new ImageFileError(`cannot read ${path}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`);
  }
  try {
    if (startsWith(bytes, PNG_MAGIC)) {
      const png = PNG.sync.read(bytes);
      return {
        data: new Uint8ClampedArray(png.data.buffer, png.data.byteOffset, png.data.length),
        width: png.width,
        height: png.height,
      };
    }
    if (startsWith(bytes, JPEG_MAGIC)) {
      const image = jpeg.decode(bytes, { useTArray: true, formatAsRGBA: true, maxMemoryUsageInMB: 2048 });
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
