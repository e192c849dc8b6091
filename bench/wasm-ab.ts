// `npm run bench:wasm -- --against REF`: the wasm backend of the working tree against the one of git
// REF (its src/ and assembly/, its kernels compiled here), interleaved in one process, both through
// their public entry (WasmSampler, src/cpu.ts). Reports wall time and process CPU time (all threads;
// on one thread the steadier measure on a loaded machine) and checks that the outputs agree to the bit.
// Options: --only W1,W6  --rounds N (default 9)  --against REF (default HEAD)  --threads N (default 1)
import { execSync } from 'node:child_process';
import { mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { WasmSampler } from '../src/cpu.js';
import { summarize } from './stats.js';
import { optionsOf, selectWorkloads, workloadData } from './workloads.js';

const { values } = parseArgs({
  options: {
    only: { type: 'string', default: '' },
    rounds: { type: 'string', default: '9' },
    against: { type: 'string', default: 'HEAD' },
    threads: { type: 'string', default: '1' },
  },
});
const threads = Number(values.threads);
const dir = mkdtempSync(join(tmpdir(), 'grid-sample-wasm-ref-'));
execSync(`git archive ${values.against} src shaders assembly scripts | tar -x -C ${dir}`);
writeFileSync(join(dir, 'package.json'), JSON.stringify({ type: 'module' }));
symlinkSync(resolve(import.meta.dirname, '../node_modules'), join(dir, 'node_modules'));
execSync('node --import tsx scripts/build-wasm.ts', { cwd: dir, stdio: 'inherit' });
const other = (await import(pathToFileURL(join(dir, 'src/cpu.ts')).href)) as { WasmSampler: typeof WasmSampler };
const samplers = [await WasmSampler.create({ threads }), await other.WasmSampler.create({ threads })];

const cpuMs = () => {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
};

for (const w of selectWorkloads(values.only ? values.only.split(',') : [])) {
  const { input, grid } = workloadData(w);
  const options = optionsOf(w);
  const [a, b] = await Promise.all(samplers.map(async (s) => (await s.gridSample(input, grid, options)).data));
  const same = a.length === b.length && new Uint32Array(a.buffer).every((v, i) => v === new Uint32Array(b.buffer)[i]);
  const cpu: [number[], number[]] = [[], []];
  const wall: [number[], number[]] = [[], []];
  for (let r = 0; r < Number(values.rounds); r++) {
    for (const k of r % 2 ? [1, 0] : [0, 1]) {
      const [startCpu, startWall] = [cpuMs(), performance.now()];
      await samplers[k].gridSample(input, grid, options);
      wall[k].push(performance.now() - startWall);
      cpu[k].push(cpuMs() - startCpu);
    }
  }
  const line = (label: string, [ours, theirs]: [number[], number[]]) => {
    const ratio = summarize(ours.map((t, i) => t / theirs[i]));
    const [a, b] = [summarize(ours).median, summarize(theirs).median];
    return `${label} ${a.toFixed(1)} vs ${b.toFixed(1)} ms, ratio ${ratio.median.toFixed(3)} (${ratio.min.toFixed(2)}-${ratio.max.toFixed(2)})`;
  };
  console.log(
    `${w.id} (working tree vs ${values.against}, ${threads} thread(s)): ${line('wall', wall)}; ${line('CPU', cpu)}; bitwise ${same ? 'identical' : 'DIFFERENT'}`,
  );
}
for (const s of samplers) s.destroy();
