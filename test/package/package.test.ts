// The packed tarball, installed into a scratch project the way users get it: imported from plain
// Node ESM, bundled by Vite, and type-checked with tsc. Values are checked against PyTorch goldens.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromiumAvailable, collectErrors, launchChromium } from '../browser/chromium.js';
import { serveStatic } from '../browser/static-server.js';

const root = resolve(import.meta.dirname, '../..');
const golden = resolve(root, 'test/fixtures/golden.json');
const bin = (name: string) => resolve(root, 'node_modules/.bin', name);
const run = (cmd: string, args: string[], cwd: string) =>
  execFileSync(cmd, args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });

// Samples the first bilinear golden with `gridSampleCpu` from the given module and prints the max error.
const checkScript = (specifier: string) => `
import { readFileSync } from 'node:fs';
import { gridSampleCpu } from '${specifier}';
const { cases } = JSON.parse(readFileSync(${JSON.stringify(golden)}, 'utf8'));
const c = cases.find((c) => c.op === 'grid_sample' && c.options.mode === 'bilinear');
const tensor = ({ shape, data }) => ({ shape, data: new Float32Array(new Uint8Array(Buffer.from(data, 'base64')).buffer) });
const out = gridSampleCpu(tensor(c.input), tensor(c.grid), c.options);
const expected = tensor(c.expected).data;
console.log(JSON.stringify({ length: out.data.length, expected: expected.length,
  maxError: Math.max(...out.data.map((v, i) => Math.abs(v - expected[i]))) }));
`;

// The warps entry: a lens grid against the hand-worked Brown-Conrady value at a corner pixel, and a
// swirl of strength 0 against affine_grid's identity grid.
const warpsScript = `
import { encodeWarpGrid, lensGrid, swirlGrid, warpParameters } from 'webgpu-grid-sample/warps';
import { affineGridCpu } from 'webgpu-grid-sample/cpu';
const lens = lensGrid({ width: 4, height: 4, k1: 0.2, k2: 0.05 });
const f = 1 + 0.2 * 1.125 + 0.05 * 1.125 ** 2; // top-left pixel centre (-0.75, -0.75): r^2 = 1.125
const swirl = swirlGrid({ width: 6, height: 5, strength: 0, radius: 1 }).data;
const identity = affineGridCpu({ data: new Float32Array([1, 0, 0, 0, 1, 0]), shape: [1, 2, 3] }, [1, 1, 5, 6]).data;
console.log(JSON.stringify({
  shape: lens.shape,
  lensError: Math.max(Math.abs(lens.data[0] + 0.75 * f), Math.abs(lens.data[1] + 0.75 * f)),
  swirlError: Math.max(...swirl.map((v, i) => Math.abs(v - identity[i]))),
  warps: Object.keys(warpParameters),
  encoder: typeof encodeWarpGrid,
}));
`;

// In a page: GridSampler on navigator.gpu against a bicubic PyTorch golden, and an ImageBitmap warped
// into a texture against the CPU reference. The result lands in document.body.dataset.result.
const browserCheck = (specifier: string) => `
import { GridSampler, gridSampleCpu, imageFromTensor, readImage, tensorFromImage, warpImage } from '${specifier}';
const decode = ({ shape, data }) => ({ shape, data: new Float32Array(Uint8Array.from(atob(data), (c) => c.charCodeAt(0)).buffer) });
try {
  const { cases } = await (await fetch(new URL('../golden.json', location.href))).json();
  const c = cases.find((c) => c.op === 'grid_sample' && c.options.mode === 'bicubic' && c.name.endsWith('random'));
  const [input, grid, expected] = [decode(c.input), decode(c.grid), decode(c.expected)];
  const sampler = await GridSampler.create();
  const out = await sampler.gridSample(input, grid, c.options);
  const maxError = Math.max(...out.data.map((v, i) => Math.abs(v - expected.data[i])));
  const tolerance = 2e-4 * Math.max(1, ...expected.data.map(Math.abs));

  const pixels = new ImageData(24, 16);
  for (let i = 0; i < pixels.data.length; i++) pixels.data[i] = i % 4 === 3 ? 255 : (i * 53) % 256;
  const warp = { data: Float32Array.from({ length: 20 * 12 * 2 }, (_, i) => Math.sin(i * 1.7) * 1.1), shape: [1, 12, 20, 2] };
  const texture = warpImage(sampler.device, await createImageBitmap(pixels), warp, { mode: 'bilinear', paddingMode: 'border' });
  const gpu = await readImage(sampler.device, texture);
  const cpu = imageFromTensor(gridSampleCpu(tensorFromImage(pixels), warp, { mode: 'bilinear', paddingMode: 'border' }));
  const worstByte = Math.max(...gpu.data.map((v, i) => Math.abs(v - cpu.data[i])));
  document.body.dataset.result = JSON.stringify({ maxError, tolerance, worstByte });
} catch (error) {
  document.body.dataset.result = JSON.stringify({ error: String(error) });
}
`;

describe('the packed package', () => {
  let scratch: string;
  let installed: string;

  beforeAll(() => {
    scratch = mkdtempSync(join(tmpdir(), 'webgpu-grid-sample-consumer-'));
    run('npm', ['run', 'build'], root); // what `prepack` does; run here so pack's output is plain JSON
    const packed = JSON.parse(run('npm', ['pack', '--json', '--ignore-scripts', '--pack-destination', scratch], root));
    const tarball = join(scratch, packed[0].filename);
    writeFileSync(join(scratch, 'package.json'), JSON.stringify({ name: 'consumer', private: true, type: 'module' }));
    run('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund', tarball], scratch);
    installed = join(scratch, 'node_modules/webgpu-grid-sample');
  }, 180_000);

  afterAll(() => rmSync(scratch, { recursive: true, force: true }));

  it('imports from plain Node ESM, both entries, with PyTorch-exact results', () => {
    for (const specifier of ['webgpu-grid-sample', 'webgpu-grid-sample/cpu']) {
      writeFileSync(join(scratch, 'check.mjs'), checkScript(specifier));
      const result = JSON.parse(run('node', ['check.mjs'], scratch));
      expect(result.length, specifier).toBe(result.expected);
      expect(result.maxError, specifier).toBeLessThanOrEqual(1e-4 * 10);
    }
    const api = run(
      'node',
      ['-e', "import('webgpu-grid-sample').then((m) => console.log(Object.keys(m).sort().join()))"],
      scratch,
    );
    expect(api.trim().split(',')).toEqual(
      expect.arrayContaining(['GridSampler', 'affineGridCpu', 'gridSample', 'gridSampleCpu']),
    );
  });

  it('has a warps entry with the five warps on the CPU and their GPU encoder', () => {
    writeFileSync(join(scratch, 'warps.mjs'), warpsScript);
    const result = JSON.parse(run('node', ['warps.mjs'], scratch));
    expect(result.shape).toEqual([1, 4, 4, 2]);
    expect(result.lensError).toBeLessThan(1e-6);
    expect(result.swirlError).toBeLessThan(1e-6);
    expect(result.warps).toEqual(['affine', 'perspective', 'lens', 'swirl', 'ripple']);
    expect(result.encoder).toBe('function');
    const api = run(
      'node',
      ['-e', "import('webgpu-grid-sample/warps').then((m) => console.log(Object.keys(m).sort().join()))"],
      scratch,
    );
    expect(api.trim().split(',')).toEqual(
      expect.arrayContaining([
        'affineWarpGrid',
        'perspectiveGrid',
        'lensGrid',
        'swirlGrid',
        'rippleGrid',
        'encodeWarpGrid',
      ]),
    );
  });

  it('has a cpu entry whose module graph holds no WebGPU code', () => {
    const seen = new Set<string>();
    const visit = (file: string) => {
      if (seen.has(file)) return;
      seen.add(file);
      const code = readFileSync(file, 'utf8');
      expect(code, file).not.toMatch(/@compute|createComputePipeline|navigator/);
      for (const [, spec] of code.matchAll(/from\s*["'](\.[^"']+)["']/g)) visit(resolve(dirname(file), spec));
    };
    visit(join(installed, 'dist/cpu.js'));
    expect(seen.size).toBeGreaterThan(1);
  });

  it('bundles with Vite, tree-shaking the GPU code away when only the CPU is imported', async () => {
    const { build } = await import('vite');
    writeFileSync(join(scratch, 'main.js'), checkScript('webgpu-grid-sample'));
    await build({
      root: scratch,
      logLevel: 'silent',
      configFile: false,
      build: {
        ssr: join(scratch, 'main.js'), // a Node-runnable bundle with the package inlined
        outDir: join(scratch, 'bundle'),
        rolldownOptions: { output: { entryFileNames: 'main.mjs' } },
      },
      ssr: { noExternal: ['webgpu-grid-sample'] },
    });
    const bundle = readFileSync(join(scratch, 'bundle/main.mjs'), 'utf8');
    expect(bundle).toContain('grid_sample: input must be');
    expect(bundle).not.toMatch(/@compute/);
    const result = JSON.parse(run('node', ['bundle/main.mjs'], scratch));
    expect(result.maxError).toBeLessThanOrEqual(1e-3);

    // the warps' CPU grids alone leave the WGSL kernel out
    writeFileSync(
      join(scratch, 'warps-main.js'),
      warpsScript.replace('encodeWarpGrid, ', '').replace('typeof encodeWarpGrid', "'not imported'"),
    );
    await build({
      root: scratch,
      logLevel: 'silent',
      configFile: false,
      build: {
        ssr: join(scratch, 'warps-main.js'),
        outDir: join(scratch, 'warps-bundle'),
        rolldownOptions: { output: { entryFileNames: 'main.mjs' } },
      },
      ssr: { noExternal: ['webgpu-grid-sample'] },
    });
    expect(readFileSync(join(scratch, 'warps-bundle/main.mjs'), 'utf8')).not.toMatch(/@compute/);
    expect(JSON.parse(run('node', ['warps-bundle/main.mjs'], scratch)).lensError).toBeLessThan(1e-6);
  }, 60_000);

  it('type-checks a consumer with tsc --noEmit', () => {
    mkdirSync(join(scratch, 'ts'), { recursive: true });
    writeFileSync(
      join(scratch, 'ts/consumer.ts'),
      `import { GridSampler, gridSample, type GridSampleOptions, type Tensor } from 'webgpu-grid-sample';
import { affineGridCpu, gridSampleCpu } from 'webgpu-grid-sample/cpu';
import { encodeWarpGrid, type SwirlOptions, swirlGrid, type WarpName, warpGrid } from 'webgpu-grid-sample/warps';
const swirl: SwirlOptions = { width: 4, height: 4, strength: 2, radius: 0.5 };
const name: WarpName = 'lens';
export const warped: Tensor[] = [swirlGrid(swirl), warpGrid(name, { width: 4, height: 4, k1: 0.1 })];
export function onEncoder(device: GPUDevice, encoder: GPUCommandEncoder, output: GPUBuffer): void {
  encodeWarpGrid(device, encoder, 'swirl', { ...swirl, output });
}
const input: Tensor = { data: new Float32Array(16), shape: [1, 1, 4, 4] };
const options: GridSampleOptions = { mode: 'bicubic', paddingMode: 'reflection', alignCorners: true };
const grid = affineGridCpu({ data: new Float32Array([1, 0, 0, 0, 1, 0]), shape: [1, 2, 3] }, [1, 1, 4, 4]);
export const cpu: Tensor = gridSampleCpu(input, grid, options);
export async function onGpu(device: GPUDevice, encoder: GPUCommandEncoder, buffers: GPUBuffer[]): Promise<Tensor> {
  const sampler = await GridSampler.create({ device });
  sampler.encodeGridSample(encoder, { input: buffers[0], inputShape: input.shape, grid: buffers[1], gridShape: grid.shape, output: buffers[2] });
  return gridSample(input, grid, { ...options, backend: 'auto' });
}
`,
    );
    writeFileSync(
      join(scratch, 'ts/tsconfig.json'),
      JSON.stringify({
        compilerOptions: {
          strict: true,
          noEmit: true,
          target: 'ES2022',
          module: 'NodeNext',
          moduleResolution: 'NodeNext',
          lib: ['ES2022', 'DOM'],
        },
        files: ['consumer.ts'],
      }),
    );
    writeFileSync(join(scratch, 'ts/package.json'), JSON.stringify({ type: 'module' }));
    expect(() => run(bin('tsc'), ['-p', 'ts/tsconfig.json'], scratch)).not.toThrow();
  });

  it('installs a working `webgpu-grid-sample` command, on the CPU where the optional webgpu peer is absent', async () => {
    const { PNG } = await import('pngjs');
    const png = new PNG({ width: 4, height: 3 });
    for (let i = 0; i < png.data.length; i++) png.data[i] = (i * 37) % 256;
    writeFileSync(join(scratch, 'in.png'), PNG.sync.write(png));
    const command = join(scratch, 'node_modules/.bin/webgpu-grid-sample');
    const args = [
      'warp',
      'in.png',
      'out.png',
      '--warp',
      'affine',
      '--angle',
      '180',
      '--scale',
      '1',
      '--mode',
      'nearest',
    ];
    const result = execFileSync(command, args, { cwd: scratch, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    expect(result).toBe('');
    const out = PNG.sync.read(readFileSync(join(scratch, 'out.png')));
    const reversed = new Uint8Array(png.data.length);
    for (let p = 0; p < 12; p++) reversed.set(png.data.subarray((11 - p) * 4, (11 - p) * 4 + 4), p * 4);
    expect(new Uint8Array(out.data)).toEqual(reversed);
    const help = execFileSync(command, ['--help'], { cwd: scratch, encoding: 'utf8' });
    expect(help).toMatch(/Usage: webgpu-grid-sample warp/);
  });

  describe.skipIf(!chromiumAvailable())('in Chromium with WebGPU', () => {
    it('works from a plain HTML page without a bundler and from a Vite-built page', async () => {
      writeFileSync(join(scratch, 'golden.json'), readFileSync(golden));
      mkdirSync(join(scratch, 'plain'), { recursive: true });
      writeFileSync(join(scratch, 'plain/check.js'), browserCheck('../node_modules/webgpu-grid-sample/dist/index.js'));
      writeFileSync(
        join(scratch, 'plain/index.html'),
        '<!doctype html><link rel="icon" href="data:,"><script type="module" src="./check.js"></script>',
      );
      mkdirSync(join(scratch, 'app'), { recursive: true });
      writeFileSync(join(scratch, 'app/check.js'), browserCheck('webgpu-grid-sample'));
      writeFileSync(
        join(scratch, 'app/index.html'),
        '<!doctype html><link rel="icon" href="data:,"><script type="module" src="./check.js"></script>',
      );
      const { build } = await import('vite');
      await build({
        root: join(scratch, 'app'),
        base: './',
        configFile: false,
        logLevel: 'silent',
        build: { outDir: join(scratch, 'app-dist') },
      });

      const site = await serveStatic(scratch, '/site/');
      const browser = await launchChromium(true);
      try {
        for (const page of ['plain/index.html', 'app-dist/index.html']) {
          const tab = await browser.newPage();
          const errors = collectErrors(tab);
          await tab.goto(`${site.url}${page}`);
          await tab.waitForFunction(() => document.body?.dataset.result !== undefined, undefined, { timeout: 60_000 });
          const result = JSON.parse((await tab.evaluate(() => document.body.dataset.result)) ?? '{}');
          expect(result.error, page).toBeUndefined();
          expect(result.maxError, page).toBeLessThanOrEqual(result.tolerance);
          expect(result.worstByte, page).toBeLessThanOrEqual(1);
          expect(errors, page).toEqual([]);
          await tab.close();
        }
      } finally {
        await browser.close();
        await site.close();
      }
    }, 180_000);
  });

  it('ships only dist, README and LICENSE', () => {
    expect(readdirSync(installed).sort()).toEqual(['LICENSE', 'README.md', 'dist', 'package.json']);
  });
});
