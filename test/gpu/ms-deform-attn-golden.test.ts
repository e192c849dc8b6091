// GridSampler.msDeformAttn and encodeMsDeformAttn against the PyTorch goldens of deformable attention
// (scripts/make_golden_msda.py), within TOLERANCE.msda: the GPU adds each output's terms in its own
// order (PyTorch's CPU reference, which msDeformAttnCpu follows bit for bit, adds them in 8-lane
// partial sums), and may fuse multiply-adds.
import { describe, expect, it } from 'vitest';
import { msdaCases, msdaTorchVersion } from '../helpers/golden-msda.js';
import { createTestDevice, readBuffer, storageBuffer, useTestSampler } from '../helpers/gpu.js';
import { peakIndex, pushedOut } from '../helpers/negative-control.js';
import { compare, expectClose, TOLERANCE } from '../helpers/tolerance.js';

const device = await createTestDevice();

describe.skipIf(!device)(`msDeformAttn on WebGPU against PyTorch ${msdaTorchVersion} goldens`, async () => {
  const gpu = device as GPUDevice;
  const sampler = await useTestSampler(gpu);
  let worst = 0;

  it.each(msdaCases.map((c) => [c.name, c] as const))('msDeformAttn %s', async (name, c) => {
    const out = await sampler.msDeformAttn(c.value, c.spatialShapes, c.samplingLocations, c.attentionWeights);
    expectClose(out, c.expected, TOLERANCE.msda, name);
    worst = Math.max(worst, compare(out.data, c.expected.data, TOLERANCE.msda).scaledError);
  });

  it.each(msdaCases.map((c) => [c.name, c] as const))('encodeMsDeformAttn %s', async (name, c) => {
    const buffers = [c.value, c.samplingLocations, c.attentionWeights].map((t) => storageBuffer(gpu, t.data));
    const [value, samplingLocations, attentionWeights] = buffers;
    const output = storageBuffer(gpu, new Float32Array(c.expected.data.length));
    const encoder = gpu.createCommandEncoder();
    sampler.encodeMsDeformAttn(encoder, {
      value,
      valueShape: c.value.shape,
      spatialShapes: c.spatialShapes,
      samplingLocations,
      locationsShape: c.samplingLocations.shape,
      attentionWeights,
      output,
    });
    gpu.queue.submit([encoder.finish()]);
    const data = await readBuffer(gpu, output, c.expected.data.length);
    expectClose({ data, shape: c.expected.shape }, c.expected, TOLERANCE.msda, name);
    for (const b of [...buffers, output]) b.destroy();
  });

  it('the check rejects the decoder-sized result with one element 10x its tolerance off (negative control)', async () => {
    const c = msdaCases.find((x) => x.name.startsWith('decoder-sized'));
    if (!c) throw new Error('no decoder-sized golden');
    const out = await sampler.msDeformAttn(c.value, c.spatialShapes, c.samplingLocations, c.attentionWeights);
    expectClose(out, c.expected, TOLERANCE.msda, 'unchanged');
    const bad = pushedOut(out, c.expected, peakIndex(c.expected.data), TOLERANCE.msda);
    expect(() => expectClose(bad, c.expected, TOLERANCE.msda, c.name)).toThrow(/outside the tolerance/);
  });

  it('reports the worst error', () => {
    console.log(`msDeformAttn GPU vs goldens: worst ${worst.toExponential(2)} x max(1, peak)`);
    expect(worst).toBeGreaterThan(0);
  });
});
