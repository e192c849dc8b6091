// `npm run bench:cpu -- --against REF`: the CPU reference of the working tree against src/ as of git REF,
// interleaved in one process; checks the two agree to the last bit and prints the time ratio.
import { execSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { gridSampleCpu } from '../src/index.js';
import { summarize } from './stats.js';
import { optionsOf, selectWorkloads, workloadData } from './workloads.js';

const { values } = parseArgs({
  options: {
    only: { type: 'string', default: '' },
    rounds: { type: 'string', default: '7' },
    against: { type: 'string', default: 'HEAD' },
  },
});
const dir = mkdtempSync(join(tmpdir(), 'grid-sample-cpu-ref-'));
execSync(`git archive ${values.against} src shaders | tar -x -C ${dir}`);
writeFileSync(join(dir, 'package.json'), JSON.stringify({ type: 'module' }));
const other = (await import(pathToFileURL(join(dir, 'src/cpu.ts')).href)) as {
  gridSampleCpu: typeof gridSampleCpu;
};

for (const w of selectWorkloads(values.only ? values.only.split(',') : [])) {
  const { input, grid } = workloadData(w);
  const options = optionsOf(w);
  const a = gridSampleCpu(input, grid, options).data;
  const b = other.gridSampleCpu(input, grid, options).data;
  const same = a.length === b.length && new Uint32Array(a.buffer).every((v, i) => v === new Uint32Array(b.buffer)[i]);
  const times: [number[], number[]] = [[], []];
  for (let r = 0; r < Number(values.rounds); r++) {
    for (const k of r % 2 ? [1, 0] : [0, 1]) {
      const start = performance.now();
      (k === 0 ? gridSampleCpu : other.gridSampleCpu)(input, grid, options);
      times[k].push(performance.now() - start);
    }
  }
  const ratio = summarize(times[0].map((t, i) => t / times[1][i]));
  console.log(
    `${w.id}: working tree ${summarize(times[0]).median.toFixed(1)} ms, ${values.against} ${summarize(times[1]).median.toFixed(1)} ms, ratio ${ratio.median.toFixed(3)} (${ratio.min.toFixed(2)}-${ratio.max.toFixed(2)}); bitwise ${same ? 'identical' : 'DIFFERENT'}`,
  );
}
