// The GPU benchmark bundle (bench/bundle/): built by `npm run bench:bundle`, copied alone into a fresh
// folder with no node_modules above it, and run there by its run.sh on SwiftShader in quick mode, with
// the carried Node.js and Vulkan loader, so the bundle cannot rot before a machine with a GPU runs it.
import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const root = resolve(import.meta.dirname, '../..');
const SWIFTSHADER_ICD = '/usr/lib/chromium/vk_swiftshader_icd.json';
const MIB = 2 ** 20;

function files(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? files(join(dir, e.name)) : [join(dir, e.name)],
  );
}

interface Summary {
  median: number;
  samples: number;
}
interface Result {
  id: string;
  skipped?: string;
  mismatches?: number;
  gpu?: Summary;
}
interface GpuResults {
  adapter: { name: string; software: boolean; limits: Record<string, number> };
  run: { environment: Record<string, string> };
  bandwidth: Record<string, { gbPerSecond: number; ms: number } | number | string>[];
  results: { workload: { id: string }; results: Result[] }[];
}

describe('the GPU benchmark bundle', () => {
  let scratch: string;
  let bundle: string;
  let buildLog: string;
  let clean: string;
  // the run of run.sh from a clean folder, everything node_modules could have supplied stripped from the environment
  const runBundle = (...args: string[]) => {
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      VK_ICD_FILENAMES: SWIFTSHADER_ICD,
      BENCH_VULKAN_LOADER: 'bundled',
      BENCH_WORK: join(clean, 'work'),
    };
    delete env.NODE_PATH;
    delete env.NODE_OPTIONS;
    rmSync(join(clean, 'work'), { recursive: true, force: true });
    return spawnSync('bash', ['bench-bundle/run.sh', ...args], { cwd: clean, env, encoding: 'utf8', timeout: 300_000 });
  };

  beforeAll(() => {
    expect(existsSync(SWIFTSHADER_ICD), `SwiftShader (${SWIFTSHADER_ICD}, Debian's chromium) is required`).toBe(true);
    scratch = mkdtempSync(join(tmpdir(), 'gpu-bundle-test-'));
    bundle = join(scratch, 'built');
    // the fastest xz level: if the bundle fits the limit so, it fits at the default level 6
    buildLog = execFileSync('npm', ['run', 'bench:bundle', '--', '--out', bundle, '--xz-level', '0'], {
      cwd: root,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    clean = join(scratch, 'clean');
    cpSync(bundle, join(clean, 'bench-bundle'), { recursive: true });
  }, 600_000);

  afterAll(() => {
    if (scratch) rmSync(scratch, { recursive: true, force: true });
  });

  it('carries Node.js, the Vulkan loader and the payload within 60 MiB, and prints its size', () => {
    const all = files(bundle).map((f) => relative(bundle, f));
    for (const part of ['run.sh', 'node.xz', 'payload/bench/bench.mjs.xz', 'payload/bench/dist/linux-x64/dawn.node.xz'])
      expect(all).toContain(part);
    for (const pkg of ['libvulkan1', 'libglvnd0', 'libglx0', 'libx11-6', 'libxext6'])
      expect(all.some((f) => f.startsWith(`${pkg}_`) && f.endsWith('_amd64.deb'))).toBe(true);
    expect(all.some((f) => f.startsWith('payload/bench/ort/ort-wasm-simd-threaded.asyncify.wasm'))).toBe(true);
    const sizes = all.filter((f) => f !== 'manifest.json').map((f) => statSync(join(bundle, f)).size);
    const total = sizes.reduce((a, b) => a + b, 0);
    expect(total).toBeLessThan(60 * MIB);
    expect(total).toBeGreaterThan(20 * MIB); // Node.js alone is about 30 MiB at level 0
    expect(buildLog).toContain(`${(total / MIB).toFixed(2)}  total, limit 60 MiB`);
  });

  it('runs from a clean folder on SwiftShader in quick mode: one workload, checked against the CPU reference', () => {
    for (let dir = clean; dir !== dirname(dir); dir = dirname(dir))
      expect(existsSync(join(dir, 'node_modules')), `node_modules above the clean folder: ${dir}`).toBe(false);
    const out = join(clean, 'out');
    const r = runBundle('--quick', '--allow-software', '--out', out);
    expect(r.status, `${r.stdout}\n${r.stderr}`).toBe(0);
    expect(r.stdout).toMatch(/adapter: SwiftShader/);
    expect(r.stdout).toMatch(/limits: \{"maxTextureDimension1D"/);

    const json = JSON.parse(readFileSync(join(out, 'gpu-results.json'), 'utf8')) as GpuResults;
    expect(json.adapter.software).toBe(true);
    expect(json.adapter.limits.maxStorageBufferBindingSize).toBeGreaterThan(0);
    // Dawn loaded the loader unpacked from the carried .deb, not the system's
    expect(json.run.environment['Vulkan libraries']).toContain(`${join(clean, 'work/libs/libvulkan1_')}`);
    expect(json.run.environment['Vulkan libraries']).toMatch(
      /libvulkan1_[^/]+\/usr\/lib\/x86_64-linux-gnu\/libvulkan\.so/,
    );
    expect(json.run.environment.pytorch).toMatch(/^not run/); // no CUDA here
    expect(json.results.map((w) => w.workload.id)).toEqual(['W3']);

    // W3: input [4, 64, 64, 64], grid [4, 64, 64, 2], output [4, 64, 64, 64], float32
    const bytes = 4 * (4 * 64 * 64 * 64 + 4 * 64 * 64 * 2 + 4 * 64 * 64 * 64);
    const bandwidth = json.bandwidth[0];
    expect(bandwidth.bytes).toBe(bytes);
    for (const id of ['ours-gpu', 'ours-gpu-nhwc', 'ort-webgpu']) {
      const result = json.results[0].results.find((c) => c.id === id);
      expect(result?.skipped, id).toBeUndefined();
      expect(result?.mismatches, `${id} against the CPU reference`).toBe(0);
      expect(result?.gpu?.samples, id).toBe(1);
      const ms = result?.gpu?.median ?? 0;
      expect(ms, id).toBeGreaterThan(0);
      expect((bandwidth[id] as { gbPerSecond: number }).gbPerSecond).toBeCloseTo(bytes / ms / 1e6, 9);
    }
    // unquantised timestamps: Dawn rounds them down to 65,536 ns unless timestamp_quantization is disabled
    const nanoseconds = json.results[0].results.map((c) => Math.round((c.gpu?.median ?? 0) * 1e6));
    expect(
      nanoseconds.some((ns) => ns % 65_536 !== 0),
      `${nanoseconds}`,
    ).toBe(true);
    const markdown = readFileSync(join(out, 'gpu-results.md'), 'utf8');
    expect(markdown).toMatch(/^# GPU benchmark: SwiftShader/);
    expect(markdown).toMatch(/\| W3 feature map, bilinear zeros \| 8\.5 \|/);
    expect(existsSync(join(out, 'gpu-bench.log'))).toBe(true);
  }, 300_000);

  it('refuses a software adapter unless allowed, and says what to check', () => {
    // NODE given as a plain binary this time (the run above unpacked the carried node.xz)
    const r = runBundle(process.execPath, '--quick', '--out', join(clean, 'refused'));
    expect(r.stdout).toContain(`run.sh: Node.js ${process.version}`);
    expect(r.status).toBe(2);
    expect(r.stdout).toMatch(/the only adapter is a software one \(SwiftShader/);
    expect(r.stdout).toMatch(/Dawn's adapters: Available adapters:\n \* backend: 'vulkan', name: 'SwiftShader/);
    expect(r.stdout).toMatch(/VK_DRIVER_FILES/);
  }, 300_000);
});
