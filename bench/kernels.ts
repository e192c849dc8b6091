// `npm run bench:kernels`: our GPU kernel alone (GPU timestamps), quick to start, for trying kernel
// ideas; no peers, so quote ratios against peers only from `npm run bench`.
// Options: --only W1,W3   --rounds N (default 9)   --grid random|identity|constant (default random:
// the workload's grid; identity: an identity warp, constant: every point at the input centre)
// --against REF: also runs src/ and shaders/ as of git REF (extracted to a temp dir) on the same device,
// interleaved round by round, and prints the per-round ratio working tree / REF (A/B in one process).
// It also prints the CPU time of SwiftShader's worker threads for each run (see worker-cpu.ts), the
// steadier A/B measure on a busy machine. Both sides sample the same GPU buffers: with separate ones,
// identical kernels differed by up to 6 % on W1 (where the input buffer landed in memory matters to
// its random reads).
// --layout nhwc: the input transposed to channels last (on the CPU, outside the timing) and sampled
// with `layout: 'nhwc'`; --layout nchw,nhwc: both layouts of the working tree, A/B.
// --dtype float16: input, grid and output as float16 buffers (`dtype: 'float16'`, converted on the CPU
// outside the timing); --dtype float32,float16: both, A/B (the ratio is then float32 / float16).
import { execSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { Float16Array } from '@petamoriken/float16';
import type { Dtype, Layout, Tensor } from '../src/index.js';
import { GridSampler } from '../src/index.js';
import type { Measurement } from './contender.js';
import { createBuffer, timeGpu } from './contenders/ours.js';
import { toChannelsLast } from './layout.js';
import { installNodeWebGpu } from './node-setup.js';
import { PassTimer } from './pass-timer.js';
import { summarize } from './stats.js';
import { softwareGpuCpuNs } from './worker-cpu.js';
import { elements, optionsOf, outputShapeOf, selectWorkloads, type Workload, workloadData } from './workloads.js';

const { values } = parseArgs({
  options: {
    only: { type: 'string', default: '' },
    rounds: { type: 'string', default: '9' },
    grid: { type: 'string', default: 'random' },
    against: { type: 'string' },
    layout: { type: 'string', default: 'nchw' },
    dtype: { type: 'string', default: 'float32' },
  },
});
// --layout nchw,nhwc: both, A/B in one process (the ratio is then nchw / nhwc)
const layouts = values.layout.split(',') as Layout[];
const dtypes = values.dtype.split(',') as Dtype[];

/** A float16 buffer of `values` (whole 4-byte words), for `dtype: 'float16'`. */
function float16Buffer(device: GPUDevice, values: Float32Array | number, label: string): GPUBuffer {
  const halves = typeof values === 'number' ? new Float16Array(values + (values % 2)) : new Float16Array(values);
  const padded = new Uint16Array(halves.length + (halves.length % 2));
  padded.set(new Uint16Array(halves.buffer, halves.byteOffset, halves.length));
  return createBuffer(device, new Float32Array(padded.buffer), label);
}

function gridFor(w: Workload, kind: string, random: Tensor): Tensor {
  if (kind === 'random') return random;
  const data = new Float32Array(random.data.length);
  const dims = w.gridShape.length - 2;
  const sizes = w.gridShape.slice(1, -1).reverse(); // x, y[, z] sizes
  const points = data.length / dims;
  for (let p = 0; p < points; p++) {
    let rest = p;
    for (let k = 0; k < dims; k++) {
      const size = sizes[k];
      const i = rest % size;
      rest = Math.floor(rest / size);
      data[p * dims + k] = kind === 'identity' ? (2 * i + 1) / size - 1 : 0;
    }
  }
  return { data, shape: random.shape };
}

const gpu = await installNodeWebGpu();
const adapter = await gpu.requestAdapter();
if (!adapter) throw new Error('no WebGPU adapter');
const device = await adapter.requestDevice({
  requiredFeatures: adapter.features.has('timestamp-query') ? ['timestamp-query'] : [],
  requiredLimits: {
    maxStorageBufferBindingSize: adapter.limits.maxStorageBufferBindingSize,
    maxBufferSize: adapter.limits.maxBufferSize,
  },
});
const sampler = await GridSampler.create({ device });
const timer = PassTimer.create(device);
const samplers: [string, GridSampler][] = [['working tree', sampler]];
if (values.against) {
  const dir = mkdtempSync(join(tmpdir(), 'grid-sample-ref-'));
  execSync(`git archive ${values.against} src shaders | tar -x -C ${dir}`);
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ type: 'module' })); // ESM, so the ?raw hook applies
  const other = (await import(pathToFileURL(join(dir, 'src/index.ts')).href)) as {
    GridSampler: typeof GridSampler;
  };
  samplers.push([values.against, await other.GridSampler.create({ device })]);
}
const rounds = Number(values.rounds);
const ms = (v: number) => v.toFixed(1);
for (const w of selectWorkloads(values.only ? values.only.split(',') : [])) {
  const data = workloadData(w);
  const grid = gridFor(w, values.grid, data.grid);
  const runs: { name: string; run: () => Promise<Measurement>; times: number[]; cpu: number[] }[] = [];
  const owned: GPUBuffer[] = [];
  for (const dtype of dtypes) {
    const make = dtype === 'float16' ? float16Buffer : createBuffer;
    const gridBuffer = make(device, grid.data, 'bench grid');
    const output = make(device, elements(outputShapeOf(w)), 'bench output');
    owned.push(gridBuffer, output);
    for (const layout of layouts) {
      const input = layout === 'nhwc' ? toChannelsLast(data.input) : data.input;
      const options = { ...optionsOf(w), ...(layout === 'nhwc' ? { layout } : {}), dtype };
      const inputBuffer = make(device, input.data, 'bench input');
      owned.push(inputBuffer);
      const buffers = { input: inputBuffer, inputShape: input.shape, grid: gridBuffer, gridShape: grid.shape, output };
      for (const [name, s] of samplers) {
        const run = () =>
          timeGpu(device, timer, () => {
            const encoder = device.createCommandEncoder({ label: 'bench kernels' });
            s.encodeGridSample(encoder, buffers, options);
            device.queue.submit([encoder.finish()]);
          });
        await run();
        const variant = [layouts.length > 1 ? layout : '', dtypes.length > 1 ? dtype : ''].filter(Boolean).join(' ');
        runs.push({ name: variant ? `${name} ${variant}` : name, run, times: [] as number[], cpu: [] as number[] });
      }
    }
  }
  for (let i = 0; i < rounds; i++) {
    for (const r of i % 2 ? [...runs].reverse() : runs) {
      const before = softwareGpuCpuNs();
      const m = await r.run();
      r.times.push(m.gpu ?? m.wall);
      r.cpu.push((softwareGpuCpuNs() - before) / 1e6);
    }
  }
  const parts = runs.map((r) => {
    const s = summarize(r.times);
    return `${r.name} ${ms(s.median)} ms (${ms(s.min)}-${ms(s.max)}), worker CPU ${ms(summarize(r.cpu).median)} ms`;
  });
  if (runs.length === 2) {
    const perRound = summarize(runs[0].times.map((t, i) => t / runs[1].times[i]));
    parts.push(`ratio ${perRound.median.toFixed(3)} (${perRound.min.toFixed(2)}-${perRound.max.toFixed(2)})`);
    const cpuRatio = summarize(runs[0].cpu.map((t, i) => t / runs[1].cpu[i]));
    parts.push(
      `worker-CPU ratio ${cpuRatio.median.toFixed(3)} (${cpuRatio.min.toFixed(2)}-${cpuRatio.max.toFixed(2)})`,
    );
  }
  for (const b of owned) b.destroy();
  console.log(
    `${w.id} ${values.grid} grid, ${layouts.join(' and ')}, ${dtypes.join(' and ')}, ${timer ? 'GPU timestamps' : 'submit-to-done'}: ${parts.join('; ')}`,
  );
}
for (const [, s] of samplers) s.destroy();
process.exit(0);
