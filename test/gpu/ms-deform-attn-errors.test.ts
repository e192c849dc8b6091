// Bad input to the GPU deformable attention gets the CPU reference's errors (the Tensor API shares its
// shape checks, src/ms-deform-attn-shapes.ts), and the encode path adds the library's GPU-side ones:
// encoder, options, buffer sizes and usages, pieces, binding limits. All before any GPU work.
import { describe, expect, it } from 'vitest';
import { GridSampler, msDeformAttnCpu, type Tensor } from '../../src/index.js';
import { createTestDevice, useTestSampler } from '../helpers/gpu.js';

const device = await createTestDevice();

const t = (shape: number[], data = new Float32Array(shape.reduce((a, b) => a * b, 1))): Tensor => ({ data, shape });
const levels: [number, number][] = [
  [2, 3],
  [1, 2],
]; // S = 8
const value = t([1, 8, 2, 4]);
const locations = t([1, 3, 2, 2, 4, 2]);
const weights = t([1, 3, 2, 2, 4]);
type Call = Parameters<typeof msDeformAttnCpu>;

/** The CPU reference's error for a call (it must throw one). */
function cpuError(args: Call): Error {
  try {
    msDeformAttnCpu(...args);
  } catch (error) {
    return error as Error;
  }
  throw new Error('the CPU reference accepted the call');
}

const badCalls: [string, Call][] = [
  ['value rank', [t([8, 2, 4]), levels, locations, weights]],
  ['locations rank', [value, levels, t([1, 3, 2, 2, 8]), weights]],
  ['S differs from the sum of level sizes', [t([1, 9, 2, 4]), levels, locations, weights]],
  ['heads mismatch', [t([1, 8, 3, 4]), levels, locations, weights]],
  ['levels mismatch', [t([1, 6, 2, 4]), [[2, 3]], locations, weights]],
  ['points mismatch', [value, levels, locations, t([1, 3, 2, 2, 3])]],
  [
    'zero level height',
    [
      t([1, 2, 2, 4]),
      [
        [0, 3],
        [1, 2],
      ],
      locations,
      weights,
    ],
  ],
  [
    'non-integer level size',
    [
      value,
      [
        [2, 3],
        [1, 2.5],
      ],
      locations,
      weights,
    ],
  ],
  ['no levels', [value, [], locations, weights]],
  ['value data length', [t([1, 8, 2, 4], new Float32Array(63)), levels, locations, weights]],
  ['Float64Array data', [{ data: new Float64Array(64) as never, shape: [1, 8, 2, 4] }, levels, locations, weights]],
  ['missing tensor', [value, levels, locations, undefined as never]],
];

describe.skipIf(!device)('msDeformAttn on WebGPU: bad input gets a specific error', async () => {
  const gpu = device as GPUDevice;
  const sampler = await useTestSampler(gpu);
  const usage = GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC | GPUBufferUsage.COPY_DST;
  const buffer = (bytes: number, flags = usage) => gpu.createBuffer({ size: bytes, usage: flags });
  const args = () => ({
    value: buffer(64 * 4),
    valueShape: value.shape,
    spatialShapes: levels,
    samplingLocations: buffer(96 * 4),
    locationsShape: locations.shape,
    attentionWeights: buffer(48 * 4),
    output: buffer(24 * 4),
  });
  const encode =
    (a: object, options?: object, encoder: unknown = gpu.createCommandEncoder()) =>
    () =>
      sampler.encodeMsDeformAttn(encoder as GPUCommandEncoder, a as ReturnType<typeof args>, options);

  it('accepts the valid calls the cases below break', async () => {
    expect((await sampler.msDeformAttn(value, levels, locations, weights)).shape).toEqual([1, 3, 8]);
    const encoder = gpu.createCommandEncoder();
    sampler.encodeMsDeformAttn(encoder, args());
    sampler.encodeMsDeformAttn(encoder, args(), { dtype: 'float16' });
    gpu.queue.submit([encoder.finish()]);
  });

  it.each(badCalls)('msDeformAttn rejects with the CPU reference error: %s', async (_, call) => {
    const expected = cpuError(call);
    const rejection = await sampler.msDeformAttn(...call).catch((e: unknown) => e as Error);
    expect(rejection).toBeInstanceOf(expected.constructor);
    expect((rejection as Error).message).toBe(expected.message);
  });

  it('encodeMsDeformAttn checks shapes as the CPU reference does', () => {
    const expected = cpuError([t([1, 9, 2, 4]), levels, locations, weights]);
    expect(encode({ ...args(), valueShape: [1, 9, 2, 4] })).toThrow(expected.message);
    expect(encode({ ...args(), spatialShapes: [[2, 3]] })).toThrow(/spatialShapes \[\[2, 3\]\] add up to 6/);
    expect(encode({ ...args(), locationsShape: [1, 3, 2, 2, 4, 3] })).toThrow(
      /last dimension of samplingLocations must be 2/,
    );
    expect(encode({ ...args(), locationsShape: 'x' })).toThrow(TypeError);
  });

  it.each([
    ['encoder', encode(args(), undefined, {}), TypeError, /encodeMsDeformAttn: encoder must be a GPUCommandEncoder/],
    ['args', encode(null as never), TypeError, /encodeMsDeformAttn: args must be an object \{ value, valueShape/],
    ['options', encode(args(), 'fast' as never), TypeError, /options must be an object \{ dtype\? \}, got "fast"/],
    ['dtype', encode(args(), { dtype: 'bfloat16' }), TypeError, /dtype must be 'float32' or 'float16'.*got "bfloat16"/],
    [
      'value too small',
      encode({ ...args(), value: buffer(63 * 4) }),
      RangeError,
      /value buffer has 252 bytes but its shape needs 64 float32 values \(256 bytes\)/,
    ],
    [
      'output too small for float16',
      encode({ ...args(), output: buffer(8) }, { dtype: 'float16' }),
      RangeError,
      /output buffer has 8 bytes but its shape needs 24 float16 values \(48 bytes\)/,
    ],
    [
      'no STORAGE usage',
      encode({ ...args(), attentionWeights: buffer(48 * 4, GPUBufferUsage.COPY_DST) }),
      TypeError,
      /attentionWeights buffer needs GPUBufferUsage.STORAGE/,
    ],
    [
      'not a buffer',
      encode({ ...args(), samplingLocations: new Float32Array(96) }),
      TypeError,
      /samplingLocations must be a GPUBuffer, got Float32Array/,
    ],
  ] as const)('encodeMsDeformAttn: %s', (_, call, type, message) => {
    expect(call).toThrow(type);
    expect(call).toThrow(message);
  });

  it('a value larger than maxChunkBytes per batch item is a RangeError naming it, on both APIs', async () => {
    const small = await GridSampler.create({ device: gpu, maxChunkBytes: 128 });
    await expect(small.msDeformAttn(value, levels, locations, weights)).rejects.toThrow(
      /the value of one batch item \[8, 2, 4\] is 256 bytes and is bound whole, more than maxChunkBytes = 128 bytes; raise maxChunkBytes/,
    );
    expect(() => small.encodeMsDeformAttn(gpu.createCommandEncoder(), args())).toThrow(RangeError);
    small.destroy();
  });

  it('calls in pieces need COPY_SRC and COPY_DST; float16 runs in one piece', () => {
    // 2 batch items of 256 value bytes each: with 300-byte bindings each item is its own piece
    const small = GridSampler.create({ device: gpu, maxChunkBytes: 300 });
    return small.then((s) => {
      const two = {
        ...args(),
        value: buffer(128 * 4),
        valueShape: [2, 8, 2, 4],
        samplingLocations: buffer(192 * 4),
        locationsShape: [2, 3, 2, 2, 4, 2],
        attentionWeights: buffer(96 * 4),
        output: buffer(48 * 4),
      };
      const run = (a: object, options?: object) => () =>
        s.encodeMsDeformAttn(gpu.createCommandEncoder(), a as typeof two, options);
      const noCopy = GPUBufferUsage.STORAGE;
      expect(run({ ...two, value: buffer(128 * 4, noCopy) })).toThrow(
        /encodeMsDeformAttn: the value buffer needs GPUBufferUsage.COPY_SRC: the call is larger than one storage binding/,
      );
      expect(run({ ...two, output: buffer(48 * 4, noCopy) })).toThrow(
        /the output buffer needs GPUBufferUsage.COPY_DST/,
      );
      expect(run(two, { dtype: 'float16' })).toThrow(/dtype 'float16' runs in one piece/);
      run(two)(); // with the usages, it records
      s.destroy();
    });
  });

  it('a destroyed sampler refuses', async () => {
    const s = await GridSampler.create({ device: gpu });
    s.destroy();
    await expect(s.msDeformAttn(value, levels, locations, weights)).rejects.toThrow(/sampler was destroyed/);
    expect(() => s.encodeMsDeformAttn(gpu.createCommandEncoder(), args())).toThrow(/sampler was destroyed/);
  });
});
