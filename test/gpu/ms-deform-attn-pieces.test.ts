// Deformable attention past one binding and past one dispatch dimension: pieces of whole batch items
// and of one item's queries (small maxChunkBytes), through both APIs; a dispatch of more than 65,535
// workgroups; and differently shaped calls recorded into one encoder before one submit (each with its
// own level table), and no resources growing over same-shaped calls. Checked against msDeformAttnCpu
// within TOLERANCE.msda.
import { describe, expect, it } from 'vitest';
import { planMsDeformAttn } from '../../src/gpu/ops/ms-deform-attn-plan.js';
import { chunkLimit } from '../../src/gpu/runs.js';
import { GridSampler, msDeformAttnCpu, type Tensor } from '../../src/index.js';
import { msDeformAttnGeometry } from '../../src/ms-deform-attn-shapes.js';
import { createTestDevice, readBuffer, storageBuffer, useTestSampler } from '../helpers/gpu.js';
import { encodeMsda, type MsdaCall } from '../helpers/msda.js';
import { randomTensor } from '../helpers/random.js';
import { expectClose, TOLERANCE } from '../helpers/tolerance.js';

const device = await createTestDevice();

/** A random call: locations around the levels (some outside), softmax-like positive weights. */
function randomCall(
  levels: [number, number][],
  bs: number,
  nq: number,
  heads: number,
  d: number,
  points: number,
  s: number,
): MsdaCall {
  const positions = levels.reduce((sum, [h, w]) => sum + h * w, 0);
  const locationsShape = [bs, nq, heads, levels.length, points, 2];
  return {
    value: randomTensor([bs, positions, heads, d], s, -1, 1),
    spatialShapes: levels,
    samplingLocations: randomTensor(locationsShape, s + 1, -0.1, 1.1),
    attentionWeights: randomTensor(locationsShape.slice(0, 5), s + 2, 0, 0.3),
  };
}

const reference = (c: MsdaCall): Tensor =>
  msDeformAttnCpu(c.value, c.spatialShapes, c.samplingLocations, c.attentionWeights);

const planOf = (c: MsdaCall, maxChunkBytes: number) =>
  planMsDeformAttn(
    msDeformAttnGeometry(c.value.shape, c.spatialShapes, c.samplingLocations.shape, c.attentionWeights.shape),
    chunkLimit({ maxStorageBufferBindingSize: 2 ** 27, maxBufferSize: 2 ** 28 }, maxChunkBytes),
  );

describe.skipIf(!device)('msDeformAttn in pieces and past one dispatch dimension', async () => {
  const gpu = device as GPUDevice;
  const sampler = await useTestSampler(gpu);

  it.each([
    // one batch item's value (2304 bytes) fits 2400 bytes, two do not: a piece per batch item
    [
      'whole batch items',
      randomCall(
        [
          [5, 6],
          [3, 2],
        ],
        3,
        10,
        2,
        8,
        3,
        11,
      ),
      2400,
      { pieces: 3, batches: 1, queries: 10 },
    ],
    // an item's value (960 bytes) fits 1000, its 50 queries' locations (4800 bytes) do not: 5 ranges of 10 queries each
    [
      "ranges of one item's queries",
      randomCall([[4, 4]], 2, 50, 3, 5, 4, 21),
      1000,
      { pieces: 10, batches: 1, queries: 10 },
    ],
  ] as const)('%s, through msDeformAttn and encodeMsDeformAttn', async (_, call, maxChunkBytes, shape) => {
    const plan = planOf(call, maxChunkBytes);
    expect(plan).toHaveLength(shape.pieces);
    expect(plan.every((p) => p.batches === shape.batches && p.queries === shape.queries)).toBe(true);
    const small = await GridSampler.create({ device: gpu, maxChunkBytes });
    try {
      const expected = reference(call);
      const { value, spatialShapes, samplingLocations, attentionWeights } = call;
      expectClose(
        await small.msDeformAttn(value, spatialShapes, samplingLocations, attentionWeights),
        expected,
        TOLERANCE.msda,
        'msDeformAttn',
      );
      expectClose(await encodeMsda(small, call), expected, TOLERANCE.msda, 'encodeMsDeformAttn');
    } finally {
      small.destroy();
    }
  });

  it('same-shaped calls create no new buffers, pipelines, tables or bind groups', async () => {
    const call = randomCall(
      [
        [6, 5],
        [3, 3],
      ],
      2,
      9,
      4,
      8,
      3,
      51,
    );
    const args = [call.value, call.spatialShapes, call.samplingLocations, call.attentionWeights] as const;
    const [value, samplingLocations, attentionWeights] = [
      call.value,
      call.samplingLocations,
      call.attentionWeights,
    ].map((t) => storageBuffer(gpu, t.data));
    const output = storageBuffer(gpu, new Float32Array(2 * 9 * 32));
    const encode = async () => {
      const encoder = gpu.createCommandEncoder();
      const shapes = { valueShape: call.value.shape, locationsShape: call.samplingLocations.shape };
      const buffers = { value, samplingLocations, attentionWeights, output };
      sampler.encodeMsDeformAttn(encoder, { ...buffers, ...shapes, spatialShapes: call.spatialShapes });
      gpu.queue.submit([encoder.finish()]);
      await gpu.queue.onSubmittedWorkDone();
    };
    await sampler.msDeformAttn(...args);
    await encode();
    const warm = sampler.stats;
    for (let i = 0; i < 5; i++) {
      await sampler.msDeformAttn(...args);
      await encode();
    }
    expect(sampler.stats).toEqual(warm);
    for (const b of [value, samplingLocations, attentionWeights, output]) b.destroy();
  });

  it('a dispatch of more than 65,535 workgroups folds into a second dimension', async () => {
    // 8,389,000 invocations (one per (query, head) for d = 1): more than 65,535 workgroups of 128
    const call = randomCall([[2, 3]], 1, 4_194_500, 2, 1, 1, 31);
    const expected = reference(call);
    const out = await sampler.msDeformAttn(
      call.value,
      call.spatialShapes,
      call.samplingLocations,
      call.attentionWeights,
    );
    expectClose(out, expected, TOLERANCE.msda, 'past 65,535 workgroups');
  }, 120_000);

  it('differently shaped calls recorded into one encoder, one submit', async () => {
    const calls = [
      randomCall(
        [
          [6, 5],
          [3, 3],
          [1, 1],
        ],
        1,
        7,
        8,
        32,
        4,
        41,
      ),
      randomCall([[4, 7]], 2, 3, 1, 5, 2, 42),
      randomCall(
        [
          [2, 2],
          [5, 1],
        ],
        1,
        9,
        3,
        12,
        3,
        43,
      ),
    ];
    const encoder = gpu.createCommandEncoder();
    const runs = calls.map((c) => {
      const [bs, nq, heads] = c.samplingLocations.shape;
      const count = bs * nq * heads * c.value.shape[3];
      const buffers = [c.value, c.samplingLocations, c.attentionWeights].map((t) => storageBuffer(gpu, t.data));
      const output = storageBuffer(gpu, new Float32Array(count));
      sampler.encodeMsDeformAttn(encoder, {
        value: buffers[0],
        valueShape: c.value.shape,
        spatialShapes: c.spatialShapes,
        samplingLocations: buffers[1],
        locationsShape: c.samplingLocations.shape,
        attentionWeights: buffers[2],
        output,
      });
      return { buffers: [...buffers, output], output, count };
    });
    gpu.queue.submit([encoder.finish()]);
    for (const [i, run] of runs.entries()) {
      const expected = reference(calls[i]);
      const data = await readBuffer(gpu, run.output, run.count);
      expectClose({ data, shape: expected.shape }, expected, TOLERANCE.msda, `call ${i}`);
      for (const b of run.buffers) b.destroy();
    }
  });
});
