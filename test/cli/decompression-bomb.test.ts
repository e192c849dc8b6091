// The CLI reads the size an image declares before decoding it: a small file that declares a huge image
// (a decompression bomb) is refused at once, without the memory its pixels would take.
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { crc32, deflateSync } from 'node:zlib';
import { PNG } from 'pngjs';
import { describe, expect, it } from 'vitest';
import { DEFAULT_MAX_PIXELS } from '../../cli/arguments.js';
import { ImageFileError, readImageFile } from '../../cli/images.js';

const root = resolve(import.meta.dirname, '../..');
const dir = mkdtempSync(join(tmpdir(), 'webgpu-grid-sample-bomb-'));

function pngChunk(type: string, data: Buffer): Buffer {
  const chunk = Buffer.alloc(12 + data.length);
  chunk.writeUInt32BE(data.length, 0);
  chunk.write(type, 4, 'ascii');
  data.copy(chunk, 8);
  chunk.writeUInt32BE(crc32(chunk.subarray(4, 8 + data.length)), 8 + data.length);
  return chunk;
}

/** A valid PNG header declaring width x height RGBA8, with the first 16 rows of zeros compressed. */
function bombPng(width: number, height: number): Buffer {
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header.set([8, 6, 0, 0, 0], 8); // 8 bits, RGBA, deflate, no filter, no interlace
  const rows = deflateSync(Buffer.alloc(16 * (width * 4 + 1)));
  const signature = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  return Buffer.concat([
    signature,
    pngChunk('IHDR', header),
    pngChunk('IDAT', rows),
    pngChunk('IEND', Buffer.alloc(0)),
  ]);
}

/** A JPEG header (SOI, JFIF APP0, baseline SOF0) declaring width x height, then EOI. */
function bombJpeg(width: number, height: number): Buffer {
  const app0 = [0xff, 0xe0, 0, 16, 0x4a, 0x46, 0x49, 0x46, 0, 1, 1, 0, 0, 1, 0, 1, 0, 0];
  const sof0 = [0xff, 0xc0, 0, 17, 8, height >> 8, height & 255, width >> 8, width & 255, 3];
  const components = [1, 0x11, 0, 2, 0x11, 1, 3, 0x11, 1];
  return Buffer.from([0xff, 0xd8, ...app0, ...sof0, ...components, 0xff, 0xd9]);
}

const BOMBS = { 'bomb.png': bombPng(16000, 16000), 'bomb.jpg': bombJpeg(16000, 16000) };
for (const [name, bytes] of Object.entries(BOMBS)) writeFileSync(join(dir, name), bytes);

describe('decompression bombs', () => {
  it("the limit defaults to Pillow's MAX_IMAGE_PIXELS", () => {
    expect(DEFAULT_MAX_PIXELS).toBe(Math.floor((1024 * 1024 * 1024) / 4 / 3));
  });

  it.each(Object.keys(BOMBS))(
    '%s, a few hundred bytes declaring 16000 x 16000 pixels, is refused before decoding',
    async (name) => {
      expect(BOMBS[name as keyof typeof BOMBS].length).toBeLessThan(2048);
      const before = process.memoryUsage().arrayBuffers;
      const start = performance.now();
      const error = await readImageFile(join(dir, name), DEFAULT_MAX_PIXELS).catch((e: unknown) => e);
      const seconds = (performance.now() - start) / 1000;
      expect(error).toBeInstanceOf(ImageFileError);
      expect((error as Error).message).toMatch(
        new RegExp(
          `${name} declares 16000 x 16000 = 256000000 pixels, more than the limit of 89478485 .*--max-pixels 256000000`,
        ),
      );
      // decoding would need 1 GB of RGBA8 (34 s and 5 GB before the check); the header is enough
      expect(process.memoryUsage().arrayBuffers - before).toBeLessThan(16 * 2 ** 20);
      expect(seconds).toBeLessThan(2);
    },
  );

  it('the command reports the file, writes nothing, and honours --max-pixels both ways', async () => {
    const png = new PNG({ width: 9, height: 6 });
    png.data.fill(200);
    writeFileSync(join(dir, 'small.png'), PNG.sync.write(png));
    const cli = async (...args: string[]) => {
      const vite = resolve(root, 'node_modules/.bin/vite-node');
      const run = promisify(execFile)(vite, ['--root', root, resolve(root, 'cli/main.ts'), '--', ...args], {
        cwd: dir,
      });
      return run.then(
        ({ stderr }) => ({ code: 0, stderr }),
        (e: { code: number; stderr: string }) => ({ code: e.code, stderr: e.stderr }),
      );
    };
    const common = ['--warp', 'swirl', '--backend', 'cpu'];
    const bomb = await cli('warp', 'bomb.png', 'bomb-out.png', ...common);
    expect(bomb.code).toBe(1);
    expect(bomb.stderr).toMatch(/bomb\.png declares 16000 x 16000 = 256000000 pixels/);
    expect(existsSync(join(dir, 'bomb-out.png'))).toBe(false);
    const refused = await cli('warp', 'small.png', 'refused.png', ...common, '--max-pixels', '53');
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/small\.png declares 9 x 6 = 54 pixels, more than the limit of 53/);
    const allowed = await cli('warp', 'small.png', 'allowed.png', ...common, '--max-pixels', '54');
    expect(allowed.code, allowed.stderr).toBe(0);
    expect(existsSync(join(dir, 'allowed.png'))).toBe(true);
  }, 60_000);
});
