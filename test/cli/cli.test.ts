// The command line, run from source with vite-node (test/package runs the built bin).
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import jpeg from 'jpeg-js';
import { PNG } from 'pngjs';
import { describe, expect, it } from 'vitest';
import { createTestDevice } from '../helpers/gpu.js';
import { compare, describeComparison, TOLERANCE } from '../helpers/tolerance.js';

// Where there is no GPU the CLI's Dawn runs on SwiftShader, as the GPU tests do (see createTestDevice).
const device = await createTestDevice();
device?.destroy();
const swiftShaderIcd = () => process.env.VK_ICD_FILENAMES ?? '';

const root = resolve(import.meta.dirname, '../..');
const dir = mkdtempSync(join(tmpdir(), 'webgpu-grid-sample-cli-'));

async function cli(...args: string[]): Promise<{ code: number; stderr: string; stdout: string }> {
  const vite = resolve(root, 'node_modules/.bin/vite-node');
  try {
    // vite-node resolves packages from its root, so run it there and give the CLI a working directory of its own
    const { stdout, stderr } = await promisify(execFile)(
      vite,
      ['--root', root, resolve(root, 'cli/main.ts'), '--', ...args],
      {
        cwd: dir,
        env: { ...process.env, VK_ICD_FILENAMES: swiftShaderIcd() },
      },
    );
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

function writePng(name: string, width: number, height: number, seed: number): Uint8Array {
  const png = new PNG({ width, height });
  for (let i = 0; i < png.data.length; i++) png.data[i] = (i * 97 + seed * 31 + ((i * i) % 251)) % 256;
  writeFileSync(join(dir, name), PNG.sync.write(png));
  return png.data;
}

const readPng = (name: string) => PNG.sync.read(readFileSync(join(dir, name)));

describe('webgpu-grid-sample warp', () => {
  const original = writePng('in.png', 9, 6, 1);

  it('rotates by 180 degrees: nearest reverses the pixel order exactly, on the CPU and the GPU', async () => {
    for (const backend of device ? ['cpu', 'auto'] : ['cpu']) {
      const out = `rot-${backend}.png`;
      const run = await cli(
        'warp',
        'in.png',
        out,
        '--warp',
        'affine',
        '--angle',
        '180',
        '--scale',
        '1',
        '--mode',
        'nearest',
        '--backend',
        backend,
      );
      expect(run.code, run.stderr).toBe(0);
      expect(run.stderr).toMatch(
        backend === 'cpu' ? /sampling on CPU, WebAssembly SIMD/ : /sampling on WebGPU through Dawn/,
      );
      const png = readPng(out);
      expect([png.width, png.height]).toEqual([9, 6]);
      for (let p = 0; p < 9 * 6; p++) {
        const q = 9 * 6 - 1 - p; // (x, y) -> (W - 1 - x, H - 1 - y)
        expect([...png.data.subarray(p * 4, p * 4 + 4)], `pixel ${p}`).toEqual([
          ...original.subarray(q * 4, q * 4 + 4),
        ]);
      }
    }
  }, 60_000);

  it.skipIf(!device)(
    'gives the same picture on WebGPU and on the CPU reference, within 1/255',
    async () => {
      const args = [
        '--warp',
        'swirl',
        '--strength',
        '3',
        '--radius',
        '0.8',
        '--mode',
        'bicubic',
        '--padding',
        'border',
        '--size',
        '12',
      ];
      const [gpu, cpu] = await Promise.all([
        cli('warp', 'in.png', 'swirl-gpu.png', ...args, '--backend', 'webgpu'),
        cli('warp', 'in.png', 'swirl-cpu.png', ...args, '--backend', 'cpu'),
      ]);
      expect(gpu.code, gpu.stderr).toBe(0);
      expect(cpu.code, cpu.stderr).toBe(0);
      const [a, b] = [readPng('swirl-gpu.png'), readPng('swirl-cpu.png')];
      expect([a.width, a.height]).toEqual([12, 8]);
      const bytes = compare(a.data, b.data, TOLERANCE.imageByte, { scale: 1 });
      expect(bytes.ok, describeComparison(bytes)).toBe(true);
    },
    60_000,
  );

  it('warps several inputs, PNG and JPEG, into a folder, and skips an unsupported file without partial output', async () => {
    writePng('b.png', 5, 5, 2);
    const jpg = jpeg.encode({ data: Buffer.from(readPng('in.png').data), width: 9, height: 6 }, 95).data;
    writeFileSync(join(dir, 'c.jpg'), jpg);
    writeFileSync(join(dir, 'notes.txt'), 'not an image');
    const run = await cli(
      'warp',
      'in.png',
      'b.png',
      'c.jpg',
      'notes.txt',
      'missing.png',
      'out',
      '--warp',
      'lens',
      '--k1',
      '0.2',
    );
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/notes\.txt is not a PNG or JPEG file/);
    expect(run.stderr).toMatch(/cannot read missing\.png: ENOENT/);
    expect(run.stderr).toMatch(/wrote 3 of 5 file\(s\)/);
    expect(readdirSync(join(dir, 'out')).sort()).toEqual(['b.png', 'c.png', 'in.png']);
    expect([readPng('out/c.png').width, readPng('out/c.png').height]).toEqual([9, 6]);
  }, 60_000);

  it('writes JPEG when the output name says so', async () => {
    const run = await cli('warp', 'in.png', 'out.jpg', '--warp', 'ripple', '--backend', 'cpu');
    expect(run.code, run.stderr).toBe(0);
    const decoded = jpeg.decode(readFileSync(join(dir, 'out.jpg')));
    expect([decoded.width, decoded.height]).toEqual([9, 6]);
  }, 60_000);

  it.each([
    [['warp', 'in.png', 'x.png'], /missing --warp \(one of affine, perspective, lens, swirl, ripple\)/],
    [
      ['warp', 'in.png', 'x.png', '--warp', 'lens', '--angle', '3'],
      /--angle does not apply to --warp lens \(its parameters: k1, k2, zoom, cx, cy\)/,
    ],
    [['warp', 'in.png', 'x.png', '--warp', 'lens', '--k1', 'abc'], /--k1 abc: expected a number from -0.5 to 0.5/],
    [['warp', 'in.png', 'x.png', '--warp', 'lens', '--k1', '3'], /--k1 3: expected a number from -0.5 to 0.5/],
    [
      ['warp', 'in.png', 'x.png', '--warp', 'perspective', '--corners=-1,-1,0,0,1,1,-1,1'],
      /--warp perspective: warpGrid: corners \[-1, -1, 0, 0, 1, 1, -1, 1\] have three points on one line/,
    ],
    [['warp', 'in.png', 'x.png', '--warp', 'swirl', '--max-pixels', '0'], /--max-pixels 0: expected an integer from 1/],
    [['warp', 'in.png', 'x.png', '--warp', 'brush'], /brush needs the demo's mouse/],
    [
      ['warp', 'in.png', 'x.png', '--warp', 'affine', '--mode', 'cubic'],
      /--mode cubic: expected one of bilinear, nearest, bicubic/,
    ],
    [['warp', 'in.png', 'x.png', '--warp', 'affine', '--size', '0'], /--size 0: expected an integer from 1 to 16384/],
    [['warp', 'in.png'], /need at least one input and an output/],
    [['rotate', 'in.png', 'x.png'], /unknown command rotate/],
  ])(
    'rejects %j with a usage message and exit code 2',
    async (args, message) => {
      const run = await cli(...args);
      expect(run.code).toBe(2);
      expect(run.stderr).toMatch(message);
      expect(run.stderr).toMatch(/Usage: webgpu-grid-sample warp/);
      expect(existsSync(join(dir, 'x.png'))).toBe(false);
    },
    60_000,
  );
});
