// `npm run bench:cpu -- --against REF`: the CPU reference of the working tree against src/ as of git REF,
// interleaved in one process; checks the two agree to the last bit and prints the time ratio.
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { gridSampleCpu } from '../src/index.js';
import { abLine, checkOutLibrary, interleave, sameBits } from './ab.js';
import { optionsOf, selectWorkloads, workloadData } from './workloads.js';

const { values } = parseArgs({
  options: {
    only: { type: 'string', default: '' },
    rounds: { type: 'string', default: '7' },
    against: { type: 'string', default: 'HEAD' },
  },
});
const dir = checkOutLibrary(values.against);
const other = (await import(pathToFileURL(join(dir, 'src/cpu.ts')).href)) as {
  gridSampleCpu: typeof gridSampleCpu;
};
const sides = [gridSampleCpu, other.gridSampleCpu];

for (const w of selectWorkloads(values.only ? values.only.split(',') : [])) {
  const { input, grid } = workloadData(w);
  const options = optionsOf(w);
  const same = sameBits(sides[0](input, grid, options).data, sides[1](input, grid, options).data);
  const { wall } = await interleave(Number(values.rounds), (k) => sides[k](input, grid, options));
  console.log(
    `${w.id} (working tree vs ${values.against}): ${abLine('wall', wall)}; bitwise ${same ? 'identical' : 'DIFFERENT'}`,
  );
}
