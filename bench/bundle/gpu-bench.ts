// The GPU benchmark of the bundle (bench-bundle/run.sh runs it; `npm run bench:gpu` runs it from the
// sources): ours and onnxruntime-web's WebGPU EP on one Dawn device on the machine's real adapter, with
// GPU timestamps, and PyTorch's CUDA grid_sample when python3 has torch with CUDA. Writes
// gpu-results.json and gpu-results.md (kernel times, achieved bandwidth, nominal bandwidth).
// Deformable attention (D1, D2) runs after the grid_sample workloads: our fused kernel and
// onnxruntime-web's WebGPU EP on the ONNX export in bench/models/.
// Options: --out DIR (default .)   --only W1,W3,D1   --rounds N (7)   --warmup N (2)   --skip id,id
//          --quick (W3, one round, no warm-up: the bundle's self-test)   --allow-software (SwiftShader)
//          --budget-s S (400: no workload is started after S seconds, so the JSON is written in time)
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { GridSampler } from '../../src/index.js';
import type { Contender } from '../contender.js';
import { type Ort, ortWebGpu, startOrtWebGpu } from '../contenders/onnxruntime.js';
import { oursGpu } from '../contenders/ours.js';
import { pytorchCuda, pytorchUnavailable } from '../contenders/pytorch.js';
import { ortMsdaWebGpu } from '../msda/contenders.js';
import { oursMsdaGpu } from '../msda/ours-gpu.js';
import { runMsdaWorkload } from '../msda/suite.js';
import { isMsdaWorkloadId, selectMsdaWorkloads } from '../msda/workloads.js';
import { installNodeWebGpu, loadOrtWeb, settle } from '../node-setup.js';
import { PassTimer } from '../pass-timer.js';
import { markdownReport, type RunInfo } from '../report.js';
import { type NamedWorkload, runWorkload, type WorkloadResult } from '../suite.js';
import { softwareGpuCpuNs } from '../worker-cpu.js';
import { selectWorkloads } from '../workloads.js';
import { describeAdapter, loadedVulkanLibraries, selectAdapter } from './adapter.js';
import { bytesMoved, nominalBandwidth, nvidiaSmi } from './bandwidth.js';
import { achieved, bandwidthTable, GPU_COLUMNS } from './gpu-report.js';

const started = performance.now();
const { values } = parseArgs({
  options: {
    out: { type: 'string', default: '.' },
    only: { type: 'string', default: '' },
    skip: { type: 'string', default: '' },
    rounds: { type: 'string', default: '7' },
    warmup: { type: 'string', default: '2' },
    quick: { type: 'boolean', default: false },
    'allow-software': { type: 'boolean', default: false },
    'budget-s': { type: 'string', default: '400' },
  },
});
const list = (s: string) =>
  s
    .split(',')
    .map((x) => x.trim())
    .filter(Boolean);
const only = list(values.only);
const gridIds = only.filter((id) => !isMsdaWorkloadId(id));
const workloads = values.quick
  ? selectWorkloads(['W3'])
  : only.length > 0 && gridIds.length === 0
    ? []
    : selectWorkloads(gridIds);
const msdaWorkloads = values.quick ? [] : selectMsdaWorkloads(only);
const rounds = values.quick ? 1 : Number(values.rounds);
const warmup = values.quick ? 0 : Number(values.warmup);
const skip = new Set(list(values.skip));
const log = (line: string) =>
  console.log(`[${((performance.now() - started) / 1000).toFixed(1).padStart(5)} s] ${line}`);

/** onnxruntime-web's WebGPU build: beside this file in the bundle, from node_modules when run from the sources. */
async function loadOrt(): Promise<Ort> {
  const bundled = fileURLToPath(new URL('./ort/ort.webgpu.mjs', import.meta.url));
  if (!existsSync(bundled)) return loadOrtWeb('ort.webgpu.mjs');
  const ort = (await import(pathToFileURL(bundled).href)) as Ort;
  ort.env.wasm.numThreads = 1;
  ort.env.logLevel = 'error';
  return ort;
}

process.env.BENCH_ADAPTER = 'system'; // the machine's Vulkan drivers, not the SwiftShader default of node-setup
const gpu = await installNodeWebGpu();
const adapter = await selectAdapter(gpu, values['allow-software']).catch((error: Error) => {
  console.error(`gpu-bench: ${error.message}`);
  process.exit(2);
});
const described = describeAdapter(adapter);
log(`adapter: ${described.name} (vendor ${described.vendor}, architecture ${described.architecture})`);
log(`features: ${described.features.join(' ')}`);
log(`limits: ${JSON.stringify(described.limits)}`);

const ort = await loadOrt();
ort.env.webgpu.adapter = adapter; // onnxruntime-web makes the device on our adapter, and we share it
const device = await startOrtWebGpu(ort, false);
const sampler = await GridSampler.create({ device });
// SwiftShader's worker threads are its GPU: their CPU time is a steadier measure there; meaningless elsewhere
const workClock = described.software ? softwareGpuCpuNs : undefined;
const timer = PassTimer.create(device, workClock);
const torchMissing = skip.has('torch-cuda') ? 'skipped by --skip' : pytorchUnavailable('cuda');
const torch = torchMissing ? undefined : pytorchCuda();
const contenders: Contender[] = [
  oursGpu(sampler, timer),
  oursGpu(sampler, timer, 'nhwc'),
  ortWebGpu(ort, 'webgpu', device, workClock),
  ...(torch ? [torch] : []),
].filter((c) => !skip.has(c.id));
const attention = [oursMsdaGpu(sampler, timer), ortMsdaWebGpu(ort, device, timer)].filter((c) => !skip.has(c.id));

const smi = nvidiaSmi();
const nominal = nominalBandwidth([smi?.split(',')[0], described.name]);
const environment: Record<string, string> = {
  adapter: `${described.name} (${[described.vendor, described.architecture, described.device].filter(Boolean).join(', ')})`,
  'GPU timing': timer ? 'timestamp-query' : 'submit-to-done wall time (no timestamp-query)',
  'Vulkan libraries': loadedVulkanLibraries().join(', ') || 'unknown',
  'nvidia-smi': smi ?? 'not found',
  node: process.version,
  'onnxruntime-web': ort.env.versions.web ?? '?',
  pytorch: torch ? await torch.version() : `not run (${torchMissing})`,
};
log(`environment: ${JSON.stringify(environment)}`);
log(`nominal bandwidth: ${nominal.gbPerSecond ?? 'unknown'} GB/s, ${nominal.source}`);
if (!values.quick) await settle(log, 0.15, 1000, 30_000); // V8 still compiling onnxruntime's wasm

const run: RunInfo = {
  command: `run.sh ${process.argv.slice(2).join(' ')}`.trim(),
  date: new Date().toISOString().slice(0, 10),
  environment,
  rounds,
  warmup,
};
const results: WorkloadResult<NamedWorkload>[] = [];
mkdirSync(values.out, { recursive: true });

/** Writes the JSON and markdown of what has run so far (after every workload, so a timeout keeps them). */
function write(): void {
  const bandwidth = results.map((w) => ({
    workload: w.workload.id,
    bytes: bytesMoved(w.workload),
    ...Object.fromEntries(
      GPU_COLUMNS.map((c) => [
        c.id,
        achieved(
          w,
          w.results.find((r) => r.id === c.id),
          nominal,
        ),
      ]),
    ),
  }));
  const json = { run, adapter: described, nominal, bandwidth, results };
  writeFileSync(join(values.out, 'gpu-results.json'), `${JSON.stringify(json, null, 2)}\n`);
  const markdown = `# GPU benchmark: ${described.name}\n\n${bandwidthTable(results, nominal)}\n## Details\n\n${markdownReport(run, results)}`;
  writeFileSync(join(values.out, 'gpu-results.md'), markdown);
}

/** Whether the time budget allows starting `id`; logs why not. */
function inBudget(id: string): boolean {
  const elapsed = (performance.now() - started) / 1000;
  if (elapsed <= Number(values['budget-s'])) return true;
  log(`${id} and later not run: ${elapsed.toFixed(0)} s spent, over --budget-s ${values['budget-s']}`);
  return false;
}

for (const w of workloads) {
  if (!inBudget(w.id)) break;
  log(`${w.id} ${w.title}: input [${w.inputShape}] grid [${w.gridShape}]`);
  results.push(await runWorkload(w, contenders, { rounds, warmup, log }));
  write();
}
for (const w of msdaWorkloads) {
  if (!inBudget(w.id)) break;
  results.push(await runMsdaWorkload(w, attention, { rounds, warmup, log }));
  write();
}
torch?.close();
write();
log('');
log(bandwidthTable(results, nominal));
log(
  `wrote ${join(values.out, 'gpu-results.json')} and gpu-results.md in ${((performance.now() - started) / 1000).toFixed(0)} s`,
);
sampler.destroy();
timer?.destroy();
process.exit(0);
