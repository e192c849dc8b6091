// Deformable attention in tests: the scale of each output's error (the size of the terms it
// sums), fast-check arbitraries of random calls (CPU and GPU property tests), and encodeMsDeformAttn on buffers made from Tensors.
import fc from 'fast-check';
import type { GridSampler, Tensor } from '../../src/index.js';
import { readBuffer, storageBuffer } from './gpu.js';

/** The four Tensors of one call. */
export interface MsdaCall {
  value: Tensor;
  spatialShapes: [number, number][];
  samplingLocations: Tensor;
  attentionWeights: Tensor;
}

/**
 * Per output element: max(1, largest finite |value| x the sum of the row's finite |weights|), the size
 * of the terms it adds. Where signed weights or values cancel, |expected| says nothing about the
 * rounding error of the terms; this does (as gradient-scale.ts does for gradients).
 */
export function msdaTermScale({ value, attentionWeights }: MsdaCall): Float32Array {
  const [, , heads, d] = value.shape;
  const [bs, nq] = attentionWeights.shape;
  const terms = attentionWeights.shape[3] * attentionWeights.shape[4];
  let peak = 0;
  for (const v of value.data) if (Number.isFinite(v)) peak = Math.max(peak, Math.abs(v));
  const scale = new Float32Array(bs * nq * heads * d);
  for (let row = 0; row < bs * nq * heads; row++) {
    let mass = 0;
    for (let k = 0; k < terms; k++) {
      const a = Math.abs(attentionWeights.data[row * terms + k]);
      if (Number.isFinite(a)) mass += a;
    }
    scale.fill(Math.max(1, peak * mass), row * d, (row + 1) * d);
  }
  return scale;
}

const location = fc.oneof(
  { weight: 8, arbitrary: fc.double({ min: -0.3, max: 1.3, noNaN: true }).map(Math.fround) },
  { weight: 2, arbitrary: fc.constantFrom(0, 1, 0.5, 0.25, 1 / 3, -0, -1e-8, 1 + 1e-7) },
  { weight: 1, arbitrary: fc.double({ min: -40, max: 40, noNaN: true }).map(Math.fround) },
  { weight: 1, arbitrary: fc.float() }, // NaN, ±Infinity, -0, denormals, ±3.4e38: all sample nothing or 0
);

const level = fc.oneof(
  { weight: 3, arbitrary: fc.tuple(fc.integer({ min: 1, max: 12 }), fc.integer({ min: 1, max: 12 })) },
  { weight: 1, arbitrary: fc.constantFrom<[number, number]>([1, 1], [1, 7], [5, 1]) },
);

const tensor = (shape: number[], item: fc.Arbitrary<number>): fc.Arbitrary<Tensor> => {
  const count = shape.reduce((a, b) => a * b, 1);
  return fc.array(item, { minLength: count, maxLength: count }).map((v) => ({ data: Float32Array.from(v), shape }));
};

/**
 * Random calls: 1-4 levels (size-1 ones included), 1-4 points, heads 1-8, d 1-33, locations anywhere;
 * values and attention weights drawn from `value` and `weight`.
 */
export function msdaCalls(value: fc.Arbitrary<number>, weight: fc.Arbitrary<number>): fc.Arbitrary<MsdaCall> {
  return fc
    .record({
      bs: fc.integer({ min: 1, max: 2 }),
      nq: fc.integer({ min: 1, max: 5 }),
      heads: fc.integer({ min: 1, max: 8 }),
      d: fc.integer({ min: 1, max: 33 }),
      levels: fc.array(level, { minLength: 1, maxLength: 4 }),
      points: fc.integer({ min: 1, max: 4 }),
    })
    .chain(({ bs, nq, heads, d, levels, points }) => {
      const s = levels.reduce((sum, [h, w]) => sum + h * w, 0);
      return fc.record({
        spatialShapes: fc.constant(levels),
        value: tensor([bs, s, heads, d], value),
        samplingLocations: tensor([bs, nq, heads, levels.length, points, 2], location),
        attentionWeights: tensor([bs, nq, heads, levels.length, points], weight),
      });
    });
}

/** Random calls with finite values in [-100, 100] and weights in [-1, 1]. */
export const msdaCallArb = msdaCalls(
  fc.float({ min: -100, max: 100, noNaN: true }),
  fc.float({ min: -1, max: 1, noNaN: true }),
);

/** encodeMsDeformAttn on new float32 buffers holding `call`; reads the output back and frees them. */
export async function encodeMsda(sampler: GridSampler, call: MsdaCall): Promise<Tensor> {
  const device = sampler.device;
  const { value, spatialShapes, samplingLocations, attentionWeights } = call;
  const [bs, nq, heads] = samplingLocations.shape;
  const shape = [bs, nq, heads * value.shape[3]];
  const count = shape.reduce((a, b) => a * b, 1);
  const buffers = [value, samplingLocations, attentionWeights].map((t) => storageBuffer(device, t.data));
  const output = storageBuffer(device, new Float32Array(count));
  const encoder = device.createCommandEncoder();
  sampler.encodeMsDeformAttn(encoder, {
    value: buffers[0],
    valueShape: value.shape,
    spatialShapes,
    samplingLocations: buffers[1],
    locationsShape: samplingLocations.shape,
    attentionWeights: buffers[2],
    output,
  });
  device.queue.submit([encoder.finish()]);
  const data = await readBuffer(device, output, count);
  for (const b of [...buffers, output]) b.destroy();
  return { data, shape };
}
