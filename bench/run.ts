// `npm run bench`: the whole table in one Node process on Dawn (SwiftShader without a GPU).
// Options: --only W1,W3,D1   --rounds N (default 7)   --warmup N (default 2)   --out PREFIX (default bench/results)
//          --skip id,id   (ours-gpu, ours-gpu-nhwc, ours-e2e, ours-cpu, ours-wasm-1, ours-wasm-n, ort-webgpu, ort-jsep,
//                          ort-wasm, ort-node, torch-cpu)
//          --wasm-threads N (default: WasmSampler's, min(hardware threads, 4))
import { writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { parseArgs } from 'node:util';
import * as ortNode from 'onnxruntime-node';
import { GridSampler, WasmSampler } from '../src/index.js';
import type { Contender } from './contender.js';
import { type Ort, ortCpu, ortWebGpu, startOrtWebGpu } from './contenders/onnxruntime.js';
import { oursCpu, oursEndToEnd, oursGpu, oursWasm } from './contenders/ours.js';
import { pytorchCpu, pytorchUnavailable } from './contenders/pytorch.js';
import { msdaContenders } from './msda/contenders.js';
import { oursMsdaGpu } from './msda/ours-gpu.js';
import { runMsdaWorkload } from './msda/suite.js';
import { isMsdaWorkloadId, selectMsdaWorkloads } from './msda/workloads.js';
import { installNodeWebGpu, loadOrtWeb, settle } from './node-setup.js';
import { PassTimer } from './pass-timer.js';
import { markdownReport, printRatios, type RunInfo } from './report.js';
import { type NamedWorkload, runWorkload, type WorkloadResult } from './suite.js';
import { softwareGpuCpuNs } from './worker-cpu.js';
import { selectWorkloads } from './workloads.js';

const { values } = parseArgs({
  options: {
    only: { type: 'string', default: '' },
    skip: { type: 'string', default: '' },
    rounds: { type: 'string', default: '7' },
    warmup: { type: 'string', default: '2' },
    out: { type: 'string', default: 'bench/results' },
    'wasm-threads': { type: 'string' },
  },
});
const list = (s: string) =>
  s
    .split(',')
    .map((x) => x.trim())
    .filter(Boolean);
const only = list(values.only);
const gridIds = only.filter((id) => !isMsdaWorkloadId(id));
const workloads = only.length > 0 && gridIds.length === 0 ? [] : selectWorkloads(gridIds);
const msdaWorkloads = selectMsdaWorkloads(only);
const skip = new Set(list(values.skip));
const rounds = Number(values.rounds);
const warmup = Number(values.warmup);
const log = (line: string) => console.log(line);

await installNodeWebGpu();

const ortNative = await loadOrtWeb('ort.webgpu.mjs');
const device = await startOrtWebGpu(ortNative, false);
const ortJs = skip.has('ort-jsep') ? undefined : await loadOrtWeb('ort.mjs');
if (ortJs) await startOrtWebGpu(ortJs, true);

const sampler = await GridSampler.create({ device });
const timer = PassTimer.create(device, softwareGpuCpuNs);
const wasmSingle = await WasmSampler.create({ threads: 1 });
const wasmThreads = values['wasm-threads'] ? Number(values['wasm-threads']) : undefined;
const wasmMany = await WasmSampler.create(wasmThreads ? { threads: wasmThreads } : {});
const torchMissing = skip.has('torch-cpu') ? 'skipped by --skip' : pytorchUnavailable();
const torch = torchMissing ? undefined : pytorchCpu();

const contenders: Contender[] = [
  oursGpu(sampler, timer),
  oursGpu(sampler, timer, 'nhwc'),
  oursEndToEnd(sampler),
  oursCpu(),
  oursWasm(wasmSingle, 'ours-wasm-1'),
  oursWasm(wasmMany, 'ours-wasm-n'),
  ortWebGpu(ortNative, 'webgpu', device, softwareGpuCpuNs),
  ...(ortJs ? [ortWebGpu(ortJs, 'jsep', undefined, softwareGpuCpuNs)] : []),
  ortCpu(ortNative, 'ort-wasm', 'wasm'),
  ortCpu(ortNode as unknown as Ort, 'ort-node', 'cpu'),
  ...(torch ? [torch] : []),
].filter((c) => !skip.has(c.id));
const attention = [
  oursMsdaGpu(sampler, timer),
  ...msdaContenders({ ortWeb: ortNative, ortNode: ortNode as unknown as Ort, device, timer }),
].filter((c) => !skip.has(c.id));

const info = device.adapterInfo;
const environment: Record<string, string> = {
  adapter: [info.vendor, info.architecture, info.description].filter(Boolean).join(' ') || 'unknown',
  'GPU timing': timer ? 'timestamp-query' : 'submit-to-done wall time (no timestamp-query)',
  node: process.version,
  cpu: `${cpus()[0]?.model ?? 'unknown'} x${cpus().length}`,
  'onnxruntime-web': ortNative.env.versions.web ?? '?',
  'onnxruntime-node': ortNode.env.versions.node ?? '?',
  pytorch: torch ? await torch.version() : `not run (${torchMissing})`,
  'wasm kernels': `${wasmSingle.kernel}; N = ${wasmMany.threads} threads`,
  malloc: `MALLOC_MMAP_THRESHOLD_=${process.env.MALLOC_MMAP_THRESHOLD_ ?? 'unset'} MALLOC_TRIM_THRESHOLD_=${process.env.MALLOC_TRIM_THRESHOLD_ ?? 'unset'}`,
};
log(`environment: ${JSON.stringify(environment)}`);
await settle(log);

const results: WorkloadResult<NamedWorkload>[] = [];
for (const w of workloads) {
  log(`${w.id} ${w.title}: input [${w.inputShape}] grid [${w.gridShape}]`);
  results.push(await runWorkload(w, contenders, { rounds, warmup, log }));
}
for (const w of msdaWorkloads) results.push(await runMsdaWorkload(w, attention, { rounds, warmup, log }));
torch?.close();

const run: RunInfo = {
  command: `npm run bench${process.argv.slice(2).length ? ` -- ${process.argv.slice(2).join(' ')}` : ''}`,
  date: new Date().toISOString().slice(0, 10),
  environment,
  rounds,
  warmup,
};
const markdown = markdownReport(run, results);
writeFileSync(`${values.out}.json`, `${JSON.stringify({ run, results }, null, 2)}\n`);
writeFileSync(`${values.out}.md`, markdown);
log('');
log(markdown);
printRatios(results, log);
log(`wrote ${values.out}.json and ${values.out}.md`);
sampler.destroy();
wasmSingle.destroy();
wasmMany.destroy();
timer?.destroy();
process.exit(0);
