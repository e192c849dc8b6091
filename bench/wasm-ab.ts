// `npm run bench:wasm -- --against REF`: the wasm kernels of the working tree (assembly/) against
// assembly/ as of git REF, one thread, interleaved in one process. Each run is a whole call as
// WasmSampler makes it (copy in, pack, sample, copy out; src/wasm/plan.ts of the working tree, so
// both sides must share the Params layout). Reports process CPU time, steadier than wall time on a
// loaded machine, and checks that both outputs agree to the last bit.
// Options: --only W1,W6  --rounds N (default 9)  --against REF (default HEAD)
import { execSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { compileKernels } from '../scripts/build-wasm.js';
import { resolveOptions, sampleGeometry } from '../src/options.js';
import type { Tensor } from '../src/types.js';
import { type MemoryPlan, planMemory, writeParams } from '../src/wasm/plan.js';
import { summarize } from './stats.js';
import { optionsOf, selectWorkloads, type Workload, workloadData } from './workloads.js';

const { values } = parseArgs({
  options: {
    only: { type: 'string', default: '' },
    rounds: { type: 'string', default: '9' },
    against: { type: 'string', default: 'HEAD' },
  },
});

type Kernels = Record<'pack' | 'sample' | 'sampleBatches', (...args: number[]) => void>;

async function instantiate(bytes: Uint8Array): Promise<{ kernels: Kernels; memory: WebAssembly.Memory }> {
  const memory = new WebAssembly.Memory({ initial: 1 });
  const module = await WebAssembly.compile(bytes as Uint8Array<ArrayBuffer>);
  const instance = await WebAssembly.instantiate(module, { env: { memory } });
  return { kernels: instance.exports as unknown as Kernels, memory };
}

const dir = mkdtempSync(join(tmpdir(), 'grid-sample-wasm-ref-'));
execSync(`git archive ${values.against} assembly | tar -x -C ${dir}`);
const sides = [
  await instantiate(await compileKernels(false)),
  await instantiate(await compileKernels(false, join(dir, 'assembly/index.ts'))),
];

/** One call on one side, as WasmSampler.gridSample makes it; the output. */
function call(side: (typeof sides)[number], w: Workload, input: Tensor, grid: Tensor, plan: MemoryPlan): Float32Array {
  const { kernels, memory } = side;
  const geo = sampleGeometry(input.shape, grid.shape, 'nchw');
  const missing = Math.ceil((plan.bytes - memory.buffer.byteLength) / 65536);
  if (missing > 0) memory.grow(missing);
  const buffer = memory.buffer;
  new Float32Array(buffer, plan.input, input.data.length).set(input.data);
  new Float32Array(buffer, plan.grid, grid.data.length).set(grid.data);
  writeParams(buffer, plan, geo, resolveOptions(optionsOf(w), geo.spatialDims));
  if (plan.split === 'batches') kernels.sampleBatches(plan.params, 0, geo.n, plan.scratch, plan.packed);
  else {
    kernels.pack(plan.params, 0, plan.pixels);
    kernels.sample(plan.params, 0, plan.points, plan.scratch);
  }
  const out = new Float32Array(plan.points * geo.c);
  out.set(new Float32Array(memory.buffer, plan.output, out.length));
  return out;
}

const cpuMs = () => {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
};

for (const w of selectWorkloads(values.only ? values.only.split(',') : [])) {
  const { input, grid } = workloadData(w);
  const plan = planMemory(sampleGeometry(input.shape, grid.shape, 'nchw'), 1);
  const [a, b] = sides.map((side) => call(side, w, input, grid, plan));
  const same = new Uint32Array(a.buffer).every((v, i) => v === new Uint32Array(b.buffer)[i]);
  const times: [number[], number[]] = [[], []];
  for (let r = 0; r < Number(values.rounds); r++) {
    for (const k of r % 2 ? [1, 0] : [0, 1]) {
      const start = cpuMs();
      call(sides[k], w, input, grid, plan);
      times[k].push(cpuMs() - start);
    }
  }
  const ratio = summarize(times[0].map((t, i) => t / times[1][i]));
  const [ours, theirs] = times.map((t) => summarize(t));
  console.log(
    `${w.id}: working tree ${ours.median.toFixed(1)} ms CPU (min ${ours.min.toFixed(1)}), ${values.against} ${theirs.median.toFixed(1)} (min ${theirs.min.toFixed(1)}); ratio ${ratio.median.toFixed(3)} (${ratio.min.toFixed(2)}-${ratio.max.toFixed(2)}); bitwise ${same ? 'identical' : 'DIFFERENT'}`,
  );
}
