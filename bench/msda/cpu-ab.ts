// `npm run bench:msda-cpu -- --against REF`: msDeformAttnCpu of the working tree against the one of git
// REF (its src/, assembly/ and scripts/, its kernels compiled here), interleaved in one process, both
// through the public entry (src/cpu.ts). Reports wall time and process CPU time (the steadier measure
// on a loaded machine) and checks that the outputs agree to the bit.
// Options: --only D1,D2  --rounds N (default 9)  --against REF (default HEAD)
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { msDeformAttnCpu } from '../../src/cpu.js';
import { abLine, checkOutLibrary, interleave, sameBits } from '../ab.js';
import { msdaWorkloadData, selectMsdaWorkloads } from './workloads.js';

const { values } = parseArgs({
  options: {
    only: { type: 'string', default: 'D1,D2' },
    rounds: { type: 'string', default: '9' },
    against: { type: 'string', default: 'HEAD' },
  },
});
// a REF before the wasm kernels has no assembly/ (its msDeformAttnCpu is the TypeScript kernel)
const dir = checkOutLibrary(values.against);
const other = (await import(pathToFileURL(join(dir, 'src/cpu.ts')).href)) as {
  msDeformAttnCpu: typeof msDeformAttnCpu;
};
const sides = [msDeformAttnCpu, other.msDeformAttnCpu];

for (const w of selectMsdaWorkloads(values.only.split(','))) {
  const { value, samplingLocations, attentionWeights } = msdaWorkloadData(w);
  const call = (k: number) => sides[k](value, w.spatialShapes, samplingLocations, attentionWeights).data;
  const same = sameBits(call(0), call(1));
  const { wall, cpu } = await interleave(Number(values.rounds), call);
  console.log(
    `${w.id} (working tree vs ${values.against}): ${abLine('wall', wall)}; ${abLine('CPU', cpu)}; bitwise ${same ? 'identical' : 'DIFFERENT'}`,
  );
}
