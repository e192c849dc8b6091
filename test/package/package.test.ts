// The packed tarball, installed into a scratch project the way users get it: imported from plain
// Node ESM, bundled by Vite, and type-checked with tsc. Values are checked against PyTorch goldens.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromiumAvailable, collectErrors, launchChromium } from '../browser/chromium.js';
import { serveStatic } from '../browser/static-server.js';
import { type SampleCase, sampleCases } from '../helpers/golden.js';
import { toChannelsLast } from '../helpers/layout.js';
import { compare, describeComparison, expectClose, TOLERANCE } from '../helpers/tolerance.js';

const root = resolve(import.meta.dirname, '../..');
const golden = resolve(root, 'test/fixtures/golden.json');
const bin = (name: string) => resolve(root, 'node_modules/.bin', name);
const run = (cmd: string, args: string[], cwd: string) =>
  execFileSync(cmd, args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });

// Samples the first bilinear golden with `gridSampleCpu` from the given module and prints its output.
const checkScript = (specifier: string) => `
import { readFileSync } from 'node:fs';
import { gridSampleCpu } from '${specifier}';
const { cases } = JSON.parse(readFileSync(${JSON.stringify(golden)}, 'utf8'));
const c = cases.find((c) => c.op === 'grid_sample' && c.options.mode === 'bilinear');
const tensor = ({ shape, data }) => ({ shape, data: new Float32Array(new Uint8Array(Buffer.from(data, 'base64')).buffer) });
const out = gridSampleCpu(tensor(c.input), tensor(c.grid), c.options);
console.log(JSON.stringify({ name: c.name, shape: out.shape, data: Array.from(out.data) }));
`;

// WasmSampler on 1 and 2 threads against the package's own gridSampleCpu, bit for bit, on the inputs
// of every golden (gridSampleCpu itself meets the goldens in the test above): the kernels and the
// worker code must come with the package.
const wasmCheckScript = (specifier: string) => `
import { readFileSync } from 'node:fs';
import { WasmSampler, gridSampleCpu } from '${specifier}';
const { cases } = JSON.parse(readFileSync(${JSON.stringify(golden)}, 'utf8'));
const tensor = ({ shape, data }) => ({ shape, data: new Float32Array(new Uint8Array(Buffer.from(data, 'base64')).buffer) });
const report = [];
for (const threads of [1, 2]) {
  const sampler = await WasmSampler.create({ threads });
  let differentBits = 0, count = 0;
  for (const c of cases.filter((c) => c.op === 'grid_sample')) {
    const [input, grid] = [tensor(c.input), tensor(c.grid)];
    const out = await sampler.gridSample(input, grid, c.options);
    const ref = gridSampleCpu(input, grid, c.options);
    const [a, b] = [new Uint32Array(out.data.buffer), new Uint32Array(ref.data.buffer)];
    differentBits += a.filter((v, i) => v !== b[i] && !(Number.isNaN(out.data[i]) && Number.isNaN(ref.data[i]))).length;
    count++;
  }
  report.push({ threads: sampler.threads, kernel: sampler.kernel, cases: count, differentBits });
  sampler.destroy();
}
console.log(JSON.stringify(report));
`;

// In a page: WasmSampler from the cpu entry, on 2 threads (Web Workers when the page is cross-origin
// isolated, else 1 thread), bit for bit against gridSampleCpu on a bicubic golden.
const browserWasmCheck = (specifier: string) => `
import { WasmSampler, gridSampleCpu } from '${specifier}';
const decode = ({ shape, data }) => ({ shape, data: new Float32Array(Uint8Array.from(atob(data), (c) => c.charCodeAt(0)).buffer) });
try {
  const { cases } = await (await fetch(new URL('../golden.json', location.href))).json();
  const c = cases.find((c) => c.op === 'grid_sample' && c.options.mode === 'bicubic' && c.name.endsWith('random'));
  const [input, grid] = [decode(c.input), decode(c.grid)];
  const sampler = await WasmSampler.create({ threads: 2 });
  const out = await sampler.gridSample(input, grid, c.options);
  const ref = gridSampleCpu(input, grid, c.options);
  const differentBits = out.data.filter((v, i) => !Object.is(v, ref.data[i])).length;
  document.body.dataset.result = JSON.stringify({ isolated: crossOriginIsolated, threads: sampler.threads, kernel: sampler.kernel, differentBits, length: out.data.length });
  sampler.destroy();
} catch (error) {
  document.body.dataset.result = JSON.stringify({ error: String(error) });
}
`;

/** The script's output against its golden (the first bilinear one), through the suite's comparison. */
function expectGolden(printed: string, label: string) {
  const result = JSON.parse(printed);
  const c = sampleCases.find((s) => s.options.mode === 'bilinear');
  expect(result.name, label).toBe(c?.name);
  const out = { data: Float32Array.from(result.data), shape: result.shape };
  expectClose(out, (c as SampleCase).expected, TOLERANCE.forward, label);
}

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

// The tfjs entry on TF.js's cpu backend: the first bilinear 2-D golden, transposed to channels last
// (output printed for the test to compare), and tf.grads through the op (shapes, finite values, no
// tensor left behind; the gradients' values are tested in test/tfjs/).
const tfjsScript = `
import { readFileSync } from 'node:fs';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { gridSample } from 'webgpu-grid-sample/tfjs';
await tf.setBackend('cpu');
const { cases } = JSON.parse(readFileSync(${JSON.stringify(golden)}, 'utf8'));
const c = cases.find((c) => c.op === 'grid_sample' && c.options.mode === 'bilinear' && c.input.shape.length === 4);
const values = ({ data }) => new Float32Array(new Uint8Array(Buffer.from(data, 'base64')).buffer);
const [input, grid] = tf.tidy(() => [
  tf.transpose(tf.tensor(values(c.input), c.input.shape), [0, 2, 3, 1]),
  tf.tensor(values(c.grid), c.grid.shape),
]);
const before = tf.memory().numTensors;
const out = gridSample(input, grid, c.options);
// dy given: no gradient of TF.js's own ops is needed (tfjs-core alone registers none in Node)
const dy = tf.onesLike(out);
const grads = tf.grads((x, g) => gridSample(x, g, c.options))([input, grid], dy);
const [data, ...gradData] = await Promise.all([out, ...grads].map((t) => t.data()));
const result = {
  name: c.name, shape: out.shape, data: Array.from(data), inputShape: input.shape, gridShape: grid.shape,
  gradShapes: grads.map((g) => g.shape), gradFinite: gradData.every((d) => d.every(Number.isFinite)),
};
tf.dispose([out, dy, ...grads]);
result.leaked = tf.memory().numTensors - before;
console.log(JSON.stringify(result));
`;

// In a page: GridSampler on navigator.gpu on a bicubic PyTorch golden, and an ImageBitmap warped into a
// texture and on the CPU reference. The results land in document.body.dataset.result, for the test to
// compare.
const browserCheck = (specifier: string) => `
import { GridSampler, gridSampleCpu, imageFromTensor, readImage, tensorFromImage, warpImage } from '${specifier}';
const decode = ({ shape, data }) => ({ shape, data: new Float32Array(Uint8Array.from(atob(data), (c) => c.charCodeAt(0)).buffer) });
try {
  const { cases } = await (await fetch(new URL('../golden.json', location.href))).json();
  const c = cases.find((c) => c.op === 'grid_sample' && c.options.mode === 'bicubic' && c.name.endsWith('random'));
  const [input, grid] = [decode(c.input), decode(c.grid)];
  const sampler = await GridSampler.create();
  const out = await sampler.gridSample(input, grid, c.options);

  const pixels = new ImageData(24, 16);
  for (let i = 0; i < pixels.data.length; i++) pixels.data[i] = i % 4 === 3 ? 255 : (i * 53) % 256;
  const warp = { data: Float32Array.from({ length: 20 * 12 * 2 }, (_, i) => Math.sin(i * 1.7) * 1.1), shape: [1, 12, 20, 2] };
  const texture = warpImage(sampler.device, await createImageBitmap(pixels), warp, { mode: 'bilinear', paddingMode: 'border' });
  const gpu = await readImage(sampler.device, texture);
  const cpu = imageFromTensor(gridSampleCpu(tensorFromImage(pixels), warp, { mode: 'bilinear', paddingMode: 'border' }));
  document.body.dataset.result = JSON.stringify({
    name: c.name, shape: out.shape, data: Array.from(out.data), gpuBytes: Array.from(gpu.data), cpuBytes: Array.from(cpu.data),
  });
} catch (error) {
  document.body.dataset.result = JSON.stringify({ error: String(error) });
}
`;

describe('the packed package', () => {
  let scratch: string;
  let installed: string;
  let tfjsUser: string;

  beforeAll(() => {
    scratch = mkdtempSync(join(tmpdir(), 'webgpu-grid-sample-consumer-'));
    run('npm', ['run', 'build'], root); // what `prepack` does; run here so pack's output is plain JSON
    const packed = JSON.parse(run('npm', ['pack', '--json', '--ignore-scripts', '--pack-destination', scratch], root));
    const tarball = join(scratch, packed[0].filename);
    writeFileSync(join(scratch, 'package.json'), JSON.stringify({ name: 'consumer', private: true, type: 'module' }));
    run('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund', tarball], scratch);
    // a second project that also has TF.js, the optional peer of the tfjs entry
    tfjsUser = join(scratch, 'tfjs-user');
    mkdirSync(tfjsUser);
    writeFileSync(join(tfjsUser, 'package.json'), JSON.stringify({ name: 'tfjs-user', private: true, type: 'module' }));
    const tfjs = ['@tensorflow/tfjs-core@4.22.0', '@tensorflow/tfjs-backend-cpu@4.22.0'];
    run('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund', tarball, ...tfjs], tfjsUser);
    installed = join(scratch, 'node_modules/webgpu-grid-sample');
  }, 180_000);

  afterAll(() => rmSync(scratch, { recursive: true, force: true }));

  it('imports from plain Node ESM, both entries, with results within the forward tolerance of PyTorch', () => {
    for (const specifier of ['webgpu-grid-sample', 'webgpu-grid-sample/cpu']) {
      writeFileSync(join(scratch, 'check.mjs'), checkScript(specifier));
      expectGolden(run('node', ['check.mjs'], scratch), specifier);
    }
    const api = run(
      'node',
      ['-e', "import('webgpu-grid-sample').then((m) => console.log(Object.keys(m).sort().join()))"],
      scratch,
    );
    expect(api.trim().split(',')).toEqual(
      expect.arrayContaining(['GridSampler', 'WasmSampler', 'affineGridCpu', 'gridSample', 'gridSampleCpu']),
    );
  });

  it('runs WasmSampler from both entries in plain Node ESM, on 1 and 2 worker threads, bit for bit', () => {
    for (const specifier of ['webgpu-grid-sample', 'webgpu-grid-sample/cpu']) {
      writeFileSync(join(scratch, 'wasm-check.mjs'), wasmCheckScript(specifier));
      const report = JSON.parse(run('node', ['wasm-check.mjs'], scratch));
      expect(
        report.map((r: { threads: number; kernel: string }) => [r.threads, r.kernel]),
        specifier,
      ).toEqual([
        [1, 'wasm-simd'],
        [2, 'wasm-simd'],
      ]);
      for (const r of report) {
        expect(r.cases, specifier).toBeGreaterThan(20);
        expect(r.differentBits, specifier).toBe(0);
      }
    }
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
      // (navigator.hardwareConcurrency, the wasm backend's thread count, is not WebGPU)
      expect(code, file).not.toMatch(/@compute|createComputePipeline|navigator\.gpu|requestAdapter/);
      for (const [, spec] of code.matchAll(/(?:from\s*|import\()["'](\.[^"']+)["']/g))
        visit(resolve(dirname(file), spec));
    };
    visit(join(installed, 'dist/cpu.js'));
    expect(seen.size).toBeGreaterThan(1);
  });

  it('keeps TF.js out of the main, cpu and warps entries: none of their modules imports it', () => {
    for (const entry of ['index.js', 'cpu.js', 'warps.js']) {
      const seen = new Set<string>();
      const visit = (file: string) => {
        if (seen.has(file)) return;
        seen.add(file);
        const code = readFileSync(file, 'utf8');
        expect(code, file).not.toMatch(/@tensorflow/);
        for (const [, spec] of code.matchAll(/from\s*["'](\.[^"']+)["']/g)) visit(resolve(dirname(file), spec));
      };
      visit(join(installed, 'dist', entry));
      expect(seen.size, entry).toBeGreaterThan(1);
    }
    // the check can fail: the tfjs entry does import it
    expect(readFileSync(join(installed, 'dist/tfjs.js'), 'utf8')).toMatch(/from "@tensorflow\/tfjs-core"/);
  });

  it('has a tfjs entry: gridSample within the forward tolerance of PyTorch, and its gradients, from plain Node ESM', () => {
    writeFileSync(join(tfjsUser, 'tfjs.mjs'), tfjsScript);
    // the last line: TF.js prints a banner about its Node backend first
    const result = JSON.parse(run('node', ['tfjs.mjs'], tfjsUser).trim().split('\n').at(-1) ?? '');
    const c = sampleCases.find((s) => s.options.mode === 'bilinear' && s.input.shape.length === 4) as SampleCase;
    expect(result.name).toBe(c.name);
    const out = { data: Float32Array.from(result.data), shape: result.shape };
    expectClose(out, toChannelsLast(c.expected), TOLERANCE.forward, 'tfjs gridSample');
    expect(result.gradShapes).toEqual([result.inputShape, result.gridShape]);
    expect(result.gradFinite).toBe(true);
    expect(result.leaked).toBe(0);
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
    expectGolden(run('node', ['bundle/main.mjs'], scratch), 'Vite bundle');

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
import { affineGridCpu, gridSampleCpu, WasmSampler, type WasmKernel } from 'webgpu-grid-sample/cpu';
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
export async function onWasm(): Promise<[Tensor, WasmKernel, number]> {
  const sampler = await WasmSampler.create({ threads: 2 });
  return [await sampler.gridSample(input, grid, options), sampler.kernel, sampler.threads];
}
export async function onGpu(device: GPUDevice, encoder: GPUCommandEncoder, buffers: GPUBuffer[]): Promise<Tensor> {
  const sampler = await GridSampler.create({ device });
  sampler.encodeGridSample(encoder, { input: buffers[0], inputShape: input.shape, grid: buffers[1], gridShape: grid.shape, output: buffers[2] });
  await gridSample(input, grid, { ...options, backend: 'wasm' });
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
    const typeCheck = (cwd: string) => {
      try {
        run(bin('tsc'), ['-p', 'ts/tsconfig.json'], cwd);
      } catch (error) {
        expect.fail(String((error as { stdout?: string }).stdout ?? error));
      }
    };
    typeCheck(scratch);

    // a TF.js user: skipLibCheck, which TF.js 4.22's own declarations need (hash_util.d.ts names `Long`
    // without importing it; its @webgpu/types 0.1.38 clashes with any newer copy)
    mkdirSync(join(tfjsUser, 'ts'), { recursive: true });
    writeFileSync(
      join(tfjsUser, 'ts/consumer.ts'),
      `import * as tf from '@tensorflow/tfjs-core';
import { affineGrid, type GridSampleOptions, gridSample } from 'webgpu-grid-sample/tfjs';
const options: GridSampleOptions = { mode: 'bicubic', paddingMode: 'border' };
const theta: tf.Tensor3D = tf.reshape(tf.eye(2, 3), [1, 2, 3]);
export const warped: tf.Tensor = gridSample(tf.zeros([1, 4, 4, 3]), affineGrid(theta, [1, 4, 4, 3]), options);
`,
    );
    const tsconfig = JSON.parse(readFileSync(join(scratch, 'ts/tsconfig.json'), 'utf8'));
    tsconfig.compilerOptions.skipLibCheck = true;
    writeFileSync(join(tfjsUser, 'ts/tsconfig.json'), JSON.stringify(tsconfig));
    writeFileSync(join(tfjsUser, 'ts/package.json'), JSON.stringify({ type: 'module' }));
    typeCheck(tfjsUser);
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
          const c = sampleCases.find((s) => s.options.mode === 'bicubic' && s.name.endsWith('random'));
          expect(result.name, page).toBe(c?.name);
          const out = { data: Float32Array.from(result.data), shape: result.shape };
          expectClose(out, (c as SampleCase).expected, TOLERANCE.forward, page);
          const bytes = compare(result.gpuBytes, result.cpuBytes, TOLERANCE.imageByte, { scale: 1 });
          expect(bytes.ok, `${page} warpImage: ${describeComparison(bytes)}`).toBe(true);
          expect(result.gpuBytes.length, page).toBe(20 * 12 * 4);
          expect(errors, page).toEqual([]);
          await tab.close();
        }
      } finally {
        await browser.close();
        await site.close();
      }
    }, 180_000);
  });

  describe.skipIf(!chromiumAvailable())('in Chromium without WebGPU', () => {
    it('runs WasmSampler on 2 Web Workers on a cross-origin isolated page, on 1 thread on a plain one', async () => {
      writeFileSync(join(scratch, 'golden.json'), readFileSync(golden));
      mkdirSync(join(scratch, 'wasm'), { recursive: true });
      writeFileSync(join(scratch, 'wasm/check.js'), browserWasmCheck('../node_modules/webgpu-grid-sample/dist/cpu.js'));
      writeFileSync(
        join(scratch, 'wasm/index.html'),
        '<!doctype html><link rel="icon" href="data:,"><script type="module" src="./check.js"></script>',
      );
      const isolation = { 'cross-origin-opener-policy': 'same-origin', 'cross-origin-embedder-policy': 'require-corp' };
      const browser = await launchChromium(false);
      try {
        for (const [headers, isolated, threads] of [
          [isolation, true, 2],
          [{}, false, 1],
        ] as const) {
          const site = await serveStatic(scratch, '/site/', headers);
          try {
            const tab = await browser.newPage();
            const errors = collectErrors(tab);
            await tab.goto(`${site.url}wasm/index.html`);
            await tab.waitForFunction(() => document.body?.dataset.result !== undefined, undefined, {
              timeout: 60_000,
            });
            const result = JSON.parse((await tab.evaluate(() => document.body.dataset.result)) ?? '{}');
            expect(result.error).toBeUndefined();
            expect(result).toMatchObject({ isolated, threads, kernel: 'wasm-simd', differentBits: 0 });
            expect(result.length).toBeGreaterThan(0);
            expect(errors).toEqual([]);
            await tab.close();
          } finally {
            await site.close();
          }
        }
      } finally {
        await browser.close();
      }
    }, 120_000);
  });

  it('ships only dist, README and LICENSE', () => {
    expect(readdirSync(installed).sort()).toEqual(['LICENSE', 'README.md', 'dist', 'package.json']);
  });
});
