// The committed ONNX exports of the deformable attention (bench/models/, scripts/export_msda_onnx.py),
// run by onnxruntime-node on the benchmark's own D1 and D2 data, compute what msDeformAttnCpu computes:
// the benchmark's peers run the same attention we do.
import { readFileSync } from 'node:fs';
import * as ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { MSDA_CHECK_TOLERANCE } from '../../bench/msda/suite.js';
import { MSDA_WORKLOADS, type MsdaInputs, type MsdaWorkload, msdaWorkloadData } from '../../bench/msda/workloads.js';
import { msDeformAttnCpu } from '../../src/index.js';
import { compare, type Tolerance } from '../helpers/tolerance.js';

async function runModel(w: MsdaWorkload, data: MsdaInputs): Promise<Float32Array> {
  const model = readFileSync(new URL(`../../bench/models/${w.model}`, import.meta.url));
  const session = await ort.InferenceSession.create(model, { intraOpNumThreads: 1, interOpNumThreads: 1 });
  try {
    const tensors = [data.value, data.samplingLocations, data.attentionWeights];
    expect(session.inputNames).toEqual(['value', 'sampling_locations', 'attention_weights']);
    const feeds = Object.fromEntries(
      session.inputNames.map((name, i) => [name, new ort.Tensor('float32', tensors[i].data, [...tensors[i].shape])]),
    );
    const out = (await session.run(feeds)).output;
    expect(out.dims).toEqual([1, w.queries, w.heads * w.channels]);
    return out.data as Float32Array;
  } finally {
    await session.release();
  }
}

// the benchmark's own output check (bench/msda/suite.ts), in units of max(1, peak)
const CHECK: Tolerance = { abs: MSDA_CHECK_TOLERANCE, rel: 0, why: "the benchmark's output check" };

describe('deformable attention ONNX exports (bench/models) on onnxruntime-node', () => {
  // measured max |diff|: 1.8e-6 (D1), 2.0e-6 (D2), from grid_sample coordinates rounded differently
  it.each(MSDA_WORKLOADS.map((w) => [w.id, w] as const))('%s equals msDeformAttnCpu', async (_, w) => {
    const data = msdaWorkloadData(w);
    const expected = msDeformAttnCpu(data.value, w.spatialShapes, data.samplingLocations, data.attentionWeights).data;
    const out = await runModel(w, data);
    expect(compare(out, expected, CHECK).ok).toBe(true);
  });

  it('the check catches one location moved by 1/100 pixel (negative control)', async () => {
    const w = MSDA_WORKLOADS[0];
    const data = msdaWorkloadData(w);
    const out = await runModel(w, data);
    const moved = { ...data.samplingLocations, data: data.samplingLocations.data.slice() };
    moved.data[0] += 0.01 / w.spatialShapes[0][1];
    const expected = msDeformAttnCpu(data.value, w.spatialShapes, moved, data.attentionWeights).data;
    expect(compare(out, expected, CHECK).ok).toBe(false);
  });
});
