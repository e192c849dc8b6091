// The benchmark in a browser page: our kernels and onnxruntime-web (native WebGPU EP, JS kernels,
// wasm EP) on the page's WebGPU, interleaved as in Node. Served and driven by bench/browser/run.ts;
// onnxruntime-web is loaded at run time from /ort/ (its dist folder). Results go to window.benchResult.
import { GridSampler } from '../../src/index.js';
import type { Contender } from '../contender.js';
import { type Ort, ortCpu, ortWebGpu, startOrtWebGpu } from '../contenders/onnxruntime.js';
import { oursCpu, oursEndToEnd, oursGpu } from '../contenders/ours.js';
import { PassTimer } from '../pass-timer.js';
import { markdownReport, type RunInfo } from '../report.js';
import { runWorkload, type WorkloadResult } from '../suite.js';
import { selectWorkloads } from '../workloads.js';

declare global {
  interface Window {
    benchResult?: { run?: RunInfo; results?: WorkloadResult[]; markdown?: string; error?: string };
  }
}

const logElement = document.getElementById('log') as HTMLElement;
const log = (line: string) => {
  logElement.textContent += `${line}\n`;
  console.log(line);
};

async function loadOrt(file: string): Promise<Ort> {
  const ort = (await import(/* @vite-ignore */ `/ort/${file}`)) as Ort;
  ort.env.wasm.numThreads = 1;
  ort.env.wasm.wasmPaths = '/ort/';
  ort.env.logLevel = 'error';
  return ort;
}

async function main(): Promise<void> {
  const query = new URLSearchParams(location.search);
  const workloads = selectWorkloads((query.get('only') ?? '').split(',').filter(Boolean));
  const rounds = Number(query.get('rounds') ?? 5);
  const warmup = Number(query.get('warmup') ?? 1);
  const ortNative = await loadOrt('ort.webgpu.mjs');
  const device = await startOrtWebGpu(ortNative, false);
  const ortJs = await loadOrt('ort.mjs');
  await startOrtWebGpu(ortJs, true);
  const sampler = await GridSampler.create({ device });
  const timer = PassTimer.create(device);
  const contenders: Contender[] = [
    oursGpu(sampler, timer),
    oursEndToEnd(sampler),
    oursCpu(),
    ortWebGpu(ortNative, 'webgpu', device),
    ortWebGpu(ortJs, 'jsep'),
    ortCpu(ortNative, 'ort-wasm', 'wasm'),
  ];
  const info = device.adapterInfo;
  const run: RunInfo = {
    command: `npm run bench:browser${location.search ? ` (page query ${location.search})` : ''}`,
    date: new Date().toISOString().slice(0, 10),
    environment: {
      browser: navigator.userAgent.match(/(Chrome|Chromium)\/[\d.]+/)?.[0] ?? navigator.userAgent,
      adapter: [info.vendor, info.architecture, info.description].filter(Boolean).join(' ') || 'unknown',
      'GPU timing': timer ? 'timestamp-query' : 'submit-to-done wall time (no timestamp-query)',
      'onnxruntime-web': ortNative.env.versions.web ?? '?',
    },
    rounds,
    warmup,
  };
  const results: WorkloadResult[] = [];
  for (const w of workloads) {
    log(`${w.id} ${w.title}`);
    results.push(await runWorkload(w, contenders, { rounds, warmup, log }));
  }
  const markdown = markdownReport(run, results);
  log(markdown);
  window.benchResult = { run, results, markdown };
}

main().catch((error: unknown) => {
  const message = error instanceof Error ? `${error.message}\n${error.stack}` : String(error);
  log(`failed: ${message}`);
  window.benchResult = { error: message };
});
