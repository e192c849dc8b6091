// Runs the deformable attention contenders on one workload, each output checked against our CPU
// reference (itself bit for bit PyTorch's on the goldens, test/cpu/ms-deform-attn-golden.test.ts).
import { msDeformAttnCpu } from '../../src/cpu.js';
import { runContenders, type SuiteOptions, type WorkloadResult } from '../suite.js';
import type { MsdaContender } from './contenders.js';
import { type MsdaWorkload, msdaWorkloadData, valueShapeOf } from './workloads.js';

/**
 * The check's tolerance: 1e-5 x max(1, max|reference|), the aim for the GPU kernel. A peer's
 * grid_sample rounding its pixel coordinates differently moves a sample by up to
 * ulp(coordinate) x |value step|, about 1e-6 on these maps (80-100 pixels wide, values in [-1, 1]).
 */
export const MSDA_CHECK_TOLERANCE = 1e-5;

export async function runMsdaWorkload(
  w: MsdaWorkload,
  contenders: readonly MsdaContender[],
  opts: SuiteOptions,
): Promise<WorkloadResult<MsdaWorkload>> {
  opts.log(
    `${w.id} ${w.title}: value [${valueShapeOf(w)}], levels ${JSON.stringify(w.spatialShapes)}, ${w.queries} queries, ${w.points} points`,
  );
  const data = msdaWorkloadData(w);
  const reference = msDeformAttnCpu(data.value, w.spatialShapes, data.samplingLocations, data.attentionWeights).data;
  let scale = 1;
  for (const v of reference) scale = Math.max(scale, Math.abs(v));
  const results = await runContenders(w, data, contenders, reference, MSDA_CHECK_TOLERANCE * scale, opts);
  return { workload: w, results };
}
