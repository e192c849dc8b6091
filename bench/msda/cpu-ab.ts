// `npm run bench:msda-cpu -- --against REF`: msDeformAttnCpu of the working tree against the one of git
// REF (its src/, assembly/ and scripts/, its kernels compiled here), interleaved in one process, both
// through the public entry (src/cpu.ts). Reports wall time and process CPU time (the steadier measure
// on a loaded machine) and checks that the outputs agree to the bit.
// Options: --only D1,D2  --rounds N (default 9)  --against REF (default HEAD)
import { execSync } from 'node:child_process';
import { mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { msDeformAttnCpu } from '../../src/cpu.js';
import { summarize } from '../stats.js';
import { msdaWorkloadData, selectMsdaWorkloads } from './workloads.js';

const { values } = parseArgs({
  options: {
    only: { type: 'string', default: 'D1,D2' },
    rounds: { type: 'string', default: '9' },
    against: { type: 'string', default: 'HEAD' },
  },
});
const dir = mkdtempSync(join(tmpdir(), 'msda-cpu-ref-'));
const inRef = (path: string) => {
  try {
    execSync(`git cat-file -e ${values.against}:${path}`, { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
};
// a REF before the wasm kernels has no assembly/ (its msDeformAttnCpu is the TypeScript kernel)
const wasm = inRef('assembly') && inRef('scripts/build-wasm.ts');
execSync(`git archive ${values.against} src shaders ${wasm ? 'assembly scripts' : ''} | tar -x -C ${dir}`);
writeFileSync(join(dir, 'package.json'), JSON.stringify({ type: 'module' }));
symlinkSync(resolve(import.meta.dirname, '../../node_modules'), join(dir, 'node_modules'));
if (wasm) execSync('node --import tsx scripts/build-wasm.ts', { cwd: dir, stdio: 'inherit' });
const other = (await import(pathToFileURL(join(dir, 'src/cpu.ts')).href)) as {
  msDeformAttnCpu: typeof msDeformAttnCpu;
};
const sides = [msDeformAttnCpu, other.msDeformAttnCpu];

const cpuMs = () => {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
};

for (const w of selectMsdaWorkloads(values.only.split(','))) {
  const { value, samplingLocations, attentionWeights } = msdaWorkloadData(w);
  const call = (k: number) => sides[k](value, w.spatialShapes, samplingLocations, attentionWeights).data;
  const [a, b] = [call(0), call(1)];
  const same = a.length === b.length && new Uint32Array(a.buffer).every((v, i) => v === new Uint32Array(b.buffer)[i]);
  const cpu: [number[], number[]] = [[], []];
  const wall: [number[], number[]] = [[], []];
  for (let r = 0; r < Number(values.rounds); r++) {
    for (const k of r % 2 ? [1, 0] : [0, 1]) {
      const [startCpu, startWall] = [cpuMs(), performance.now()];
      call(k);
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
    `${w.id} (working tree vs ${values.against}): ${line('wall', wall)}; ${line('CPU', cpu)}; bitwise ${same ? 'identical' : 'DIFFERENT'}`,
  );
}
