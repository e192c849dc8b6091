// `npm run bench:wasm -- --against REF`: the wasm backend of the working tree against the one of git
// REF (its src/ and assembly/, its kernels compiled here), interleaved in one process, both through
// their public entry (WasmSampler, src/cpu.ts). Reports wall time and process CPU time (all threads;
// on one thread the steadier measure on a loaded machine) and checks that the outputs agree to the bit.
// Options: --only W1,W6  --rounds N (default 9)  --against REF (default HEAD)  --threads N (default 1)
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { WasmSampler } from '../src/cpu.js';
import { abLine, checkOutLibrary, interleave, sameBits } from './ab.js';
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
const dir = checkOutLibrary(values.against);
const other = (await import(pathToFileURL(join(dir, 'src/cpu.ts')).href)) as { WasmSampler: typeof WasmSampler };
const samplers = [await WasmSampler.create({ threads }), await other.WasmSampler.create({ threads })];

for (const w of selectWorkloads(values.only ? values.only.split(',') : [])) {
  const { input, grid } = workloadData(w);
  const options = optionsOf(w);
  const [a, b] = await Promise.all(samplers.map(async (s) => (await s.gridSample(input, grid, options)).data));
  const same = sameBits(a, b);
  const { wall, cpu } = await interleave(Number(values.rounds), (k) => samplers[k].gridSample(input, grid, options));
  console.log(
    `${w.id} (working tree vs ${values.against}, ${threads} thread(s)): ${abLine('wall', wall)}; ${abLine('CPU', cpu)}; bitwise ${same ? 'identical' : 'DIFFERENT'}`,
  );
}
for (const s of samplers) s.destroy();
