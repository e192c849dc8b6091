// `npm run bench:bundle`: writes bench-bundle/, a folder that runs the GPU benchmark (gpu-bench.ts) on a
// Linux x86-64 machine with a Vulkan driver and no node_modules: run.sh, the benchmark and the library
// bundled by Vite into one file, Dawn's linux-x64 module, onnxruntime-web's WebGPU build, the models in
// bench/models/, the Vulkan loader's .debs and this machine's Node.js, big files xz-compressed. Prints the
// size of every part; fails past 60 MiB.
// Options: --out DIR (default bench-bundle)   --xz-level N (default 6)   --no-node (leave Node.js out)
//          --node PATH (another Node.js binary)   --debs DIR (the .debs of DEBS, instead of `apt-get download`)
import { execFileSync } from 'node:child_process';
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { basename, dirname, join, relative, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { build } from 'vite';
import { XzCache } from './xz.js';

const LIMIT_MIB = 60;
const root = resolve(import.meta.dirname, '../..');
const { values } = parseArgs({
  options: {
    out: { type: 'string', default: join(root, 'bench-bundle') },
    'xz-level': { type: 'string', default: '6' },
    'no-node': { type: 'boolean', default: false },
    node: { type: 'string', default: process.execPath },
    debs: { type: 'string' },
  },
});
const out = resolve(values.out);
const payload = join(out, 'payload');
const cacheDir = join(root, 'node_modules/.cache/bench-bundle');
const xz = new XzCache(cacheDir, Number(values['xz-level']));
const packageDir = (name: string) => join(root, 'node_modules', name);

interface Part {
  name: string;
  raw: number;
  bundled: number;
}
const parts: Part[] = [];

/** Copies `source` to `target` in the bundle, xz-compressed (`target.xz`) when that saves. */
function add(name: string, source: string, target: string, compress = statSync(source).size > 64 * 1024): void {
  mkdirSync(dirname(target), { recursive: true });
  const written = compress ? `${target}.xz` : target;
  if (compress) xz.compress(source, written);
  else copyFileSync(source, written);
  const part = parts.find((p) => p.name === name) ?? parts[parts.push({ name, raw: 0, bundled: 0 }) - 1];
  part.raw += statSync(source).size;
  part.bundled += statSync(written).size;
}

/** The benchmark and everything it imports (the library from src/, the WGSL kernels) as one ES module. */
async function bundleBenchmark(dir: string): Promise<string> {
  await build({
    configFile: false,
    root,
    logLevel: 'warn',
    ssr: { noExternal: true },
    build: {
      ssr: join(root, 'bench/bundle/gpu-bench.ts'),
      outDir: dir,
      emptyOutDir: true,
      target: 'node20',
      minify: false,
      rolldownOptions: { output: { entryFileNames: 'bench.mjs', codeSplitting: false } },
    },
  });
  return join(dir, 'bench.mjs');
}

// For machines without them: the Vulkan loader, and what NVIDIA's Vulkan driver (libGLX_nvidia.so.0)
// needs to load: glvnd's dispatch library and libX11/libXext with their dependencies, even headless.
const DEBS = [
  'libvulkan1',
  'libglvnd0',
  'libglx0',
  'libx11-6',
  'libxext6',
  'libxcb1',
  'libxau6',
  'libxdmcp6',
  'libbsd0',
  'libmd0',
];

/** The .debs of DEBS: from --debs DIR, else `apt-get download` (cached). */
function carriedDebs(): string[] {
  const dir = values.debs ? resolve(values.debs) : cacheDir;
  return DEBS.map((pkg) => {
    const find = () => readdirSync(dir).find((f) => f.startsWith(`${pkg}_`) && f.endsWith('_amd64.deb'));
    if (!find() && !values.debs) {
      try {
        execFileSync('apt-get', ['download', `${pkg}:amd64`], { cwd: dir, stdio: 'pipe' });
      } catch (error) {
        throw new Error(
          `apt-get download ${pkg}:amd64 failed (${String(error).split('\n')[0]}); fetch ${DEBS.join(' ')} elsewhere and pass --debs DIR`,
        );
      }
    }
    const found = find();
    if (!found) throw new Error(`no ${pkg}_*_amd64.deb in ${dir}`);
    return join(dir, found);
  });
}

/** Every `.onnx` name the bundled benchmark mentions must be a file of bench/models/, which is carried whole. */
function addModels(benchJs: string): void {
  const modelsDir = join(root, 'bench/models');
  const models = existsSync(modelsDir) ? readdirSync(modelsDir).filter((f) => f.endsWith('.onnx')) : [];
  const named = new Set([...readFileSync(benchJs, 'utf8').matchAll(/[\w.-]+\.onnx\b/g)].map((m) => m[0]));
  const missing = [...named].filter((n) => !models.includes(n));
  if (missing.length > 0) throw new Error(`the benchmark names ${missing.join(', ')}, not in bench/models/`);
  for (const m of models) add('ONNX models (bench/models)', join(modelsDir, m), join(payload, 'bench/models', m));
}

/** Each `new URL('...', import.meta.url)` of the bundled benchmark must point at a file of the payload. */
function checkReferences(benchJs: string, placedIn: string): void {
  const text = readFileSync(benchJs, 'utf8');
  for (const [, path] of text.matchAll(/new URL\("([^"]+)", import\.meta\.url\)/g)) {
    const target = resolve(placedIn, path);
    if (!existsSync(target) && !existsSync(`${target}.xz`))
      throw new Error(`bench.mjs refers to ${path}, which the bundle does not carry (${relative(out, target)})`);
  }
}

const mib = (bytes: number) => (bytes / 2 ** 20).toFixed(2).padStart(7);

if (process.platform !== 'linux' || process.arch !== 'x64') throw new Error('build the bundle on Linux x86-64');
rmSync(out, { recursive: true, force: true });
mkdirSync(payload, { recursive: true });
const staging = join(cacheDir, 'vite-out');
const benchJs = await bundleBenchmark(staging);
add('benchmark + library (bench.mjs)', benchJs, join(payload, 'bench/bench.mjs'));
add(
  'Dawn (webgpu dawn.node, linux-x64)',
  join(packageDir('webgpu'), 'dist/linux-x64/dawn.node'),
  join(payload, 'bench/dist/linux-x64/dawn.node'),
);
const ortDist = join(packageDir('onnxruntime-web'), 'dist');
const ortWebGpu = readFileSync(join(ortDist, 'ort.webgpu.mjs'), 'utf8');
for (const f of ['ort.webgpu.mjs', 'ort-wasm-simd-threaded.asyncify.mjs', 'ort-wasm-simd-threaded.asyncify.wasm']) {
  if (f !== 'ort.webgpu.mjs' && !ortWebGpu.includes(f))
    throw new Error(`ort.webgpu.mjs no longer loads ${f}: update build.ts`);
  add('onnxruntime-web WebGPU build', join(ortDist, f), join(payload, 'bench/ort', f));
}
add(
  'PyTorch worker (torch_grid_sample.py)',
  join(root, 'bench/torch_grid_sample.py'),
  join(payload, 'torch_grid_sample.py'),
);
addModels(benchJs);
checkReferences(benchJs, join(payload, 'bench'));
for (const deb of carriedDebs()) {
  const name = basename(deb).replace(/[^\w.-]/g, '-'); // apt-get names epochs "%3a"
  add('Vulkan loader, glvnd, libX11 (.debs)', deb, join(out, name), false);
}
add('run.sh', join(root, 'bench/bundle/run.sh'), join(out, 'run.sh'), false);
if (!values['no-node']) {
  const version = execFileSync(values.node, ['--version'], { encoding: 'utf8' }).trim();
  add(`Node.js ${version} (node.xz)`, values.node, join(out, 'node'), true);
}

const total = parts.reduce((s, p) => s + p.bundled, 0);
const manifest = {
  built: new Date().toISOString(),
  commit: execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: root, encoding: 'utf8' }).trim(),
  xzLevel: Number(values['xz-level']),
  parts,
  totalBytes: total,
};
writeFileSync(join(out, 'manifest.json'), `${JSON.stringify(manifest, null, 2)}\n`);
console.log(`${relative(process.cwd(), out) || '.'}/ (xz -${values['xz-level']}):`);
console.log(`  ${'MiB raw'.padStart(7)} ${'bundled'.padStart(7)}  part`);
for (const p of parts) console.log(`  ${mib(p.raw)} ${mib(p.bundled)}  ${p.name}`);
console.log(
  `  ${' '.repeat(7)} ${mib(total)}  total${values['no-node'] ? ' (without Node.js)' : ''}, limit ${LIMIT_MIB} MiB`,
);
if (total > LIMIT_MIB * 2 ** 20) {
  console.error(`bench:bundle: ${mib(total).trim()} MiB is over the ${LIMIT_MIB} MiB limit`);
  process.exit(1);
}
console.log(`run it: ${relative(process.cwd(), out) || '.'}/run.sh [--out DIR]   (docs/guide/benchmark.md)`);
