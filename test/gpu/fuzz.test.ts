// Hostile input to every public function: random shapes (zero-size dims included), NaN / ±Infinity /
// -0 / denormal / 1e30 grid values, mismatched lengths and wrong types. Each call must return the CPU
// reference's result or throw a documented error, within a time limit, and never write outside its
// output (the encode* buffers carry NaN padding that must come back untouched).
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import {
  affineGridCpu,
  GPUExecutionError,
  GridSampler,
  gridSample,
  gridSampleCpu,
  type Tensor,
  WebGPUUnavailableError,
} from '../../src/index.js';
import { expectTensorClose } from '../helpers/compare.js';
import { createTestDevice, readBuffer, useErrorScopes } from '../helpers/gpu.js';

const device = await createTestDevice();
const seed = Number(process.env.FC_SEED ?? Date.now() % 2 ** 31);
const runs = { seed, numRuns: Number(process.env.FUZZ_RUNS ?? 250), interruptAfterTimeLimit: Number(process.env.FUZZ_MS ?? 10_000) };

// --- what a documented failure looks like (README, Errors) ---------------------------------------

const DOCUMENTED_CLASSES = [TypeError, RangeError, WebGPUUnavailableError, GPUExecutionError];
const DOCUMENTED_PREFIX =
  /^(grid_sample: |affine_grid: |gridSample: |GridSampler(\.create)?: |encodeGridSample: |encodeAffineGrid: |(input|grid|theta|output)(\.data |\.shape|\.shape\[\d+\] | must | buffer )|(input|grid) shape|affine_grid size|WebGPU is )/;

function expectDocumented(error: unknown, context: string): void {
  expect(
    DOCUMENTED_CLASSES.some((C) => error instanceof C),
    `${context}: undocumented ${(error as Error)?.name}: ${(error as Error)?.message}`,
  ).toBe(true);
  expect((error as Error).message, context).toMatch(DOCUMENTED_PREFIX);
}

type Outcome<T> = { ok: true; value: T } | { ok: false; error: unknown };

/** Runs `call`, sync or async, and fails the property if it takes more than 10 s. */
async function outcome<T>(call: () => T | Promise<T>): Promise<Outcome<T>> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const hung = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error('HUNG: no answer within 10 s')), 10_000);
  });
  try {
    return { ok: true, value: await Promise.race([Promise.resolve().then(call), hung]) };
  } catch (error) {
    return { ok: false, error };
  } finally {
    clearTimeout(timer);
  }
}

/** GPU and CPU agree: both return (close) results, or both throw documented errors of one class. */
function expectSame(actual: Outcome<Tensor>, reference: Outcome<Tensor>, context: string, sameMessage = true): void {
  if (!reference.ok) {
    expectDocumented(reference.error, `${context} (CPU)`);
    expect(actual.ok, `${context}: the CPU threw ${String(reference.error)}, this returned`).toBe(false);
    if (actual.ok) return;
    expectDocumented(actual.error, context);
    expect((actual.error as Error).name, context).toBe((reference.error as Error).name);
    if (sameMessage) expect((actual.error as Error).message, context).toBe((reference.error as Error).message);
    return;
  }
  if (!actual.ok) throw new Error(`${context}: threw ${String(actual.error)} where the CPU returned`);
  expectTensorClose(actual.value, reference.value, toleranceOf(reference.value.data), context);
}

function toleranceOf(expected: Float32Array): number {
  let peak = 1;
  for (const v of expected) if (Math.abs(v) > peak) peak = Math.abs(v); // Infinity accepts any finite error
  return 2e-4 * peak;
}

// --- arbitraries -------------------------------------------------------------------------------

const hostileValue = fc.constantFrom<unknown>(null, undefined, 0, 1, -1, 'x', '', {}, [], true, Number.NaN, 1n, Symbol('s'));
const hostileDim = fc.constantFrom<unknown>(-1, 1.5, Number.NaN, Infinity, -Infinity, 2 ** 53, 2 ** 24 + 1, '2', null, undefined, {}, 1n);
// for affine_grid sizes: only invalid values (a valid huge size is a legitimately huge, slow request)
const hostileSizeDim = fc.constantFrom<unknown>(-1, 1.5, Number.NaN, Infinity, 2 ** 53, 2 ** 60, '2', null, undefined, {}, 1n);
const special = fc.constantFrom(Number.NaN, Infinity, -Infinity, -0, 1e30, -1e30, 1.4e-45, -1.4e-45, 1.1e-38, 3.4e38, -1, 1, 0.5);
const gridValue = fc.oneof(
  { weight: 5, arbitrary: fc.double({ min: -1.5, max: 1.5, noNaN: true }) },
  { weight: 2, arbitrary: fc.float() },
  { weight: 2, arbitrary: special },
);
const inputValue = fc.oneof(
  { weight: 8, arbitrary: fc.float({ min: -100, max: 100, noNaN: true }) },
  { weight: 1, arbitrary: fc.constantFrom(-0, 1.4e-45, -1.1e-38) },
);
const maybeHostile = <T>(valid: fc.Arbitrary<T>) =>
  fc.oneof({ weight: 12, arbitrary: valid }, { weight: 1, arbitrary: hostileValue });

const optionsArb = fc.oneof(
  {
    weight: 10,
    arbitrary: fc.record(
      {
        mode: maybeHostile(fc.constantFrom('bilinear', 'nearest', 'bicubic', undefined)),
        paddingMode: maybeHostile(fc.constantFrom('zeros', 'border', 'reflection', undefined)),
        alignCorners: maybeHostile(fc.constantFrom(true, false, undefined)),
      },
      { requiredKeys: [] },
    ),
  },
  { weight: 1, arbitrary: fc.constantFrom<unknown>(undefined, null, 5, 'bilinear', [], true) },
);

type DataKind = 'array' | 'float64' | 'int32' | 'shared' | 'shorter' | 'longer' | 'missing';
const mutationArb = fc.oneof(
  fc.record({ target: fc.constantFrom('input', 'grid'), kind: fc.constant('dim'), index: fc.nat(5), value: hostileDim }),
  fc.record({
    target: fc.constantFrom('input', 'grid'),
    kind: fc.constant('data'),
    value: fc.constantFrom<DataKind>('array', 'float64', 'int32', 'shared', 'shorter', 'longer', 'missing'),
  }),
  fc.record({ target: fc.constantFrom('input', 'grid'), kind: fc.constant('tensor'), value: hostileValue }),
  fc.record({ target: fc.constantFrom('input', 'grid'), kind: fc.constant('rank'), value: fc.constantFrom(0, 1, 3, 6) }),
  fc.record({ target: fc.constant('grid'), kind: fc.constantFrom('batch', 'last-dim') }),
);
type Mutation = { target: 'input' | 'grid'; kind: string; index?: number; value?: unknown };

/** A dimension: mostly 1..max, sometimes 0 (empty tensors). */
const sizeArb = (max: number) => fc.oneof({ weight: 12, arbitrary: fc.integer({ min: 1, max }) }, { weight: 1, arbitrary: fc.constant(0) });
const count = (shape: readonly number[]) => shape.reduce((a, b) => a * b, 1);

/** A tensor with data of `kind` in place of a Float32Array of the right length. */
function withData(values: Float32Array, shape: unknown[], kind: DataKind | undefined): unknown {
  if (kind === undefined) return { data: values, shape };
  const data = {
    array: () => Array.from(values),
    float64: () => Float64Array.from(values),
    int32: () => Int32Array.from(values),
    shared: () => new Float32Array(new SharedArrayBuffer(values.byteLength)).fill(0.5),
    shorter: () => values.subarray(0, Math.max(0, values.length - 1)),
    longer: () => Float32Array.from([...values, 1]),
    missing: () => undefined,
  }[kind]();
  return { data, shape };
}

function mutate(tensors: { input: Tensor; grid: Tensor }, m: Mutation | null): { input: unknown; grid: unknown } {
  const out: Record<'input' | 'grid', unknown> = { ...tensors };
  if (!m) return out;
  const { data, shape } = tensors[m.target];
  const s: unknown[] = [...shape];
  if (m.kind === 'dim') {
    s[(m.index ?? 0) % s.length] = m.value;
    out[m.target] = { data, shape: s };
  } else if (m.kind === 'data') out[m.target] = withData(data, s, m.value as DataKind);
  else if (m.kind === 'tensor') out[m.target] = m.value;
  else if (m.kind === 'rank') {
    const newShape = m.value === 6 ? [...shape, 1, 1] : shape.slice(0, m.value as number);
    out[m.target] = { data: data.subarray(0, count(newShape)), shape: newShape };
  } else {
    const changed = [...shape];
    if (m.kind === 'batch') changed[0] += 1;
    else changed[changed.length - 1] = changed.length === 4 ? 3 : 2;
    out.grid = { data: new Float32Array(count(changed)).fill(0.25), shape: changed };
  }
  return out;
}

const sampleCaseArb = fc
  .record({
    dims: fc.constantFrom(2, 3),
    n: sizeArb(2),
    c: sizeArb(3),
    inSize: fc.array(sizeArb(4), { minLength: 3, maxLength: 3 }),
    outSize: fc.array(sizeArb(4), { minLength: 3, maxLength: 3 }),
    options: optionsArb,
    mutation: fc.option(mutationArb, { freq: 3 }),
  })
  .chain((c) => {
    const inputShape = [c.n, c.c, ...c.inSize.slice(3 - c.dims)];
    const gridShape = [c.n, ...c.outSize.slice(3 - c.dims), c.dims];
    const floats = (arb: fc.Arbitrary<number>, n: number) =>
      fc.array(arb, { minLength: n, maxLength: n }).map((v) => Float32Array.from(v));
    return fc.record({
      input: floats(inputValue, count(inputShape)).map((data) => ({ data, shape: inputShape })),
      grid: floats(gridValue, count(gridShape)).map((data) => ({ data, shape: gridShape })),
      options: fc.constant(c.options),
      mutation: fc.constant(c.mutation as Mutation | null),
    });
  })
  .map(({ input, grid, options, mutation }) => ({ ...mutate({ input, grid }, mutation), options, mutation }));

const affineCaseArb = fc
  .record({
    dims: fc.constantFrom(2, 3),
    n: sizeArb(2),
    c: sizeArb(2),
    spatial: fc.array(sizeArb(5), { minLength: 3, maxLength: 3 }),
    options: fc.oneof(
      { weight: 8, arbitrary: fc.record({ alignCorners: maybeHostile(fc.boolean()) }, { requiredKeys: [] }) },
      { weight: 1, arbitrary: fc.constantFrom<unknown>(undefined, null, 5, []) },
    ),
    sizeMutation: fc.option(fc.oneof(fc.record({ index: fc.nat(5), value: hostileSizeDim }), fc.record({ whole: hostileValue })), { freq: 5 }),
    thetaMutation: fc.option(
      fc.constantFrom<DataKind | 'shape'>('array', 'float64', 'shorter', 'longer', 'missing', 'shape'),
      { freq: 5 },
    ),
  })
  .chain((c) => {
    const rows = c.dims * (c.dims + 1);
    return fc
      .array(gridValue, { minLength: c.n * rows, maxLength: c.n * rows })
      .map((values) => {
        let size: unknown = [c.n, c.c, ...c.spatial.slice(3 - c.dims)];
        const m = c.sizeMutation;
        if (m && 'whole' in m) size = m.whole;
        else if (m) (size as unknown[])[m.index % (size as unknown[]).length] = m.value;
        const data = Float32Array.from(values);
        const thetaShape = [c.n, c.dims, c.dims + 1];
        const theta =
          c.thetaMutation === 'shape'
            ? { data, shape: [c.n, c.dims + 1, c.dims] }
            : withData(data, thetaShape, c.thetaMutation ?? undefined);
        return { theta, size, options: c.options };
      });
  });

// --- properties --------------------------------------------------------------------------------

describe.skipIf(!device)(`hostile input to every public function (seed ${seed}; replay with FC_SEED=${seed})`, async () => {
  const gpu = device as GPUDevice;
  const sampler = await GridSampler.create({ device: gpu });
  // 256 bytes hold any input plane and grid row generated here, so every call fits, mostly in pieces
  const small = await GridSampler.create({ device: gpu, maxChunkBytes: 256 });
  afterAll(() => {
    sampler.destroy();
    small.destroy();
    gpu.destroy();
  });
  useErrorScopes(() => gpu);
  console.log(`fuzz seed ${seed}`);

  it('gridSampleCpu, GridSampler.gridSample and gridSample() agree or throw documented errors', async () => {
    await fc.assert(
      fc.asyncProperty(sampleCaseArb, async ({ input, grid, options }) => {
        const args = [input, grid, options] as [Tensor, Tensor, never];
        const reference = await outcome(() => gridSampleCpu(...args));
        expectSame(await outcome(() => sampler.gridSample(...args)), reference, 'GridSampler.gridSample');
        expectSame(await outcome(() => small.gridSample(...args)), reference, 'GridSampler.gridSample in pieces', false);
        const objectOptions = options === undefined || (options !== null && typeof options === 'object');
        // without a device, 'auto' falls back to the CPU here (no navigator.gpu in Node) and 'webgpu' fails
        for (const extra of [{ backend: 'webgpu', device: gpu }, { backend: 'auto' }, { backend: 'cpu' }] as const) {
          const call = await outcome(() => gridSample(input as Tensor, grid as Tensor, objectOptions ? { ...options, ...extra } : (options as never)));
          if (objectOptions) expectSame(call, reference, `gridSample(${extra.backend})`, false);
          else if (call.ok) throw new Error(`gridSample accepted options ${String(options)}`);
          else expectDocumented(call.error, 'gridSample with options that are not an object');
        }
        const noAdapter = await outcome(() => gridSample(input as Tensor, grid as Tensor, { backend: 'webgpu' }));
        if (!noAdapter.ok) expectDocumented(noAdapter.error, 'gridSample(webgpu) without an adapter');
        else expect(noAdapter.value.data.length, 'only empty outputs skip the GPU').toBe(0);
      }),
      runs,
    );
  });

  it('affineGridCpu and GridSampler.affineGrid agree or throw documented errors', async () => {
    await fc.assert(
      fc.asyncProperty(affineCaseArb, async ({ theta, size, options }) => {
        const args = [theta, size, options] as [Tensor, number[], never];
        const reference = await outcome(() => affineGridCpu(...args));
        expectSame(await outcome(() => sampler.affineGrid(...args)), reference, 'GridSampler.affineGrid');
        expectSame(await outcome(() => small.affineGrid(...args)), reference, 'affineGrid in pieces', false);
      }),
      runs,
    );
  });

  const PAD = 16; // NaN floats after each buffer's data: must stay NaN (no write out of bounds)
  const bufferWith = (data: Float32Array, usage = GPUBufferUsage.STORAGE) => {
    const buffer = gpu.createBuffer({ size: (data.length + PAD) * 4, usage: usage | GPUBufferUsage.COPY_DST | GPUBufferUsage.COPY_SRC });
    const padded = new Float32Array(data.length + PAD).fill(Number.NaN);
    padded.set(data);
    gpu.queue.writeBuffer(buffer, 0, padded);
    return buffer;
  };
  const badBuffer = fc.constantFrom('fine', 'fine', 'fine', 'fine', 'fine', 'null', 'object', 'no-storage', 'small');
  const badEncoder = fc.constantFrom('fine', 'fine', 'fine', 'fine', 'fine', 'fine', 'null', 'object');

  it('encodeGridSample returns the CPU result without touching past its output, or throws a documented error', async () => {
    await fc.assert(
      fc.asyncProperty(sampleCaseArb, badBuffer, badEncoder, async ({ input, grid, options }, bufferKind, encoderKind) => {
        // encode* sees shapes and buffers, no data: the reference runs on the case's shapes, with its
        // data where that is a Float32Array of the right length
        const encodeTensor = (t: unknown) => {
          const { data, shape } = (t ?? {}) as Partial<Tensor>;
          const valid = Array.isArray(shape) && shape.every((d) => Number.isSafeInteger(d) && d >= 0) && count(shape) <= 1e5;
          if (!valid) return { data: new Float32Array(0), shape: shape as number[] };
          const length = count(shape);
          return { data: data instanceof Float32Array && data.length === length ? data : new Float32Array(length).fill(0.5), shape };
        };
        const [inputTensor, gridTensor] = [encodeTensor(input), encodeTensor(grid)];
        const reference = await outcome(() => gridSampleCpu(inputTensor, gridTensor, options as never));
        const outLength = reference.ok ? reference.value.data.length : 4;
        const buffers = [bufferWith(inputTensor.data), bufferWith(gridTensor.data), bufferWith(new Float32Array(outLength).fill(-7))];
        let output: unknown = buffers[2];
        if (bufferKind === 'null') output = null;
        if (bufferKind === 'object') output = { size: 1024 };
        if (bufferKind === 'no-storage') output = gpu.createBuffer({ size: outLength * 4 + 4, usage: GPUBufferUsage.COPY_SRC });
        if (bufferKind === 'small') output = gpu.createBuffer({ size: 4 * Math.max(0, outLength - 1), usage: GPUBufferUsage.STORAGE });
        const encoder = gpu.createCommandEncoder();
        const target = encoderKind === 'null' ? null : encoderKind === 'object' ? {} : encoder;
        const args = { input: buffers[0], inputShape: inputTensor.shape, grid: buffers[1], gridShape: gridTensor.shape, output };
        for (const s of [sampler, small]) {
          const result = await outcome(() => s.encodeGridSample(target as GPUCommandEncoder, args as never, options as never));
          const allFine = reference.ok && bufferKind === 'fine' && encoderKind === 'fine';
          const emptyWithSmallBuffer = reference.ok && outLength === 0 && bufferKind === 'small' && encoderKind === 'fine';
          if (allFine || emptyWithSmallBuffer) expect(result.ok, `encodeGridSample: ${result.ok || String(result.error)}`).toBe(true);
          else if (!result.ok) expectDocumented(result.error, 'encodeGridSample');
          else throw new Error(`encodeGridSample accepted bad arguments (${bufferKind}, ${encoderKind})`);
        }
        gpu.queue.submit([encoder.finish()]);
        if (reference.ok && bufferKind === 'fine' && encoderKind === 'fine') {
          const data = await readBuffer(gpu, buffers[2], outLength + PAD);
          const expected = reference.value;
          expectTensorClose({ data: data.subarray(0, outLength), shape: expected.shape }, expected, toleranceOf(expected.data), 'encodeGridSample');
          expect(data.subarray(outLength).every(Number.isNaN), 'padding after the output is untouched').toBe(true);
        }
        for (const b of buffers) b.destroy();
        if (output instanceof Object && 'destroy' in output) (output as GPUBuffer).destroy();
      }),
      runs,
    );
  });

  it('encodeAffineGrid returns the CPU grid without touching past its output, or throws a documented error', async () => {
    await fc.assert(
      fc.asyncProperty(affineCaseArb, badBuffer, async ({ theta, size, options }, bufferKind) => {
        // encodeAffineGrid takes theta's shape from size: the reference runs on a theta of that shape,
        // with the case's data where that is a Float32Array of the right length
        const dims = Array.isArray(size) && size.length === 5 ? 3 : 2;
        const n = Array.isArray(size) && Number.isSafeInteger(size[0]) && size[0] >= 0 && size[0] < 100 ? (size[0] as number) : 0;
        const thetaData = (theta as Partial<Tensor> | null)?.data;
        const length = n * dims * (dims + 1);
        const thetaTensor = {
          data: thetaData instanceof Float32Array && thetaData.length === length ? thetaData : new Float32Array(length).fill(0.5),
          shape: [n, dims, dims + 1],
        };
        const reference = await outcome(() => affineGridCpu(thetaTensor, size as number[], options as never));
        const outLength = reference.ok ? reference.value.data.length : 4;
        const thetaBuffer = bufferWith(thetaTensor.data);
        const outBuffer = bufferWith(new Float32Array(outLength).fill(-7));
        let output: unknown = outBuffer;
        if (bufferKind === 'null') output = null;
        if (bufferKind === 'object') output = { size: 1024 };
        if (bufferKind === 'no-storage') output = gpu.createBuffer({ size: outLength * 4 + 4, usage: GPUBufferUsage.COPY_SRC });
        if (bufferKind === 'small' && outLength > 0) output = gpu.createBuffer({ size: 4 * (outLength - 1), usage: GPUBufferUsage.STORAGE });
        const encoder = gpu.createCommandEncoder();
        for (const s of [sampler, small]) {
          const result = await outcome(() => s.encodeAffineGrid(encoder, { theta: thetaBuffer, size, output } as never, options as never));
          if (reference.ok && output === outBuffer) expect(result.ok, `encodeAffineGrid: ${result.ok || String(result.error)}`).toBe(true);
          else if (!result.ok) expectDocumented(result.error, 'encodeAffineGrid');
          else throw new Error(`encodeAffineGrid accepted bad arguments (${bufferKind})`);
        }
        gpu.queue.submit([encoder.finish()]);
        if (reference.ok && output === outBuffer) {
          const data = await readBuffer(gpu, outBuffer, outLength + PAD);
          const expected = reference.value;
          expectTensorClose({ data: data.subarray(0, outLength), shape: expected.shape }, expected, toleranceOf(expected.data), 'encodeAffineGrid');
          expect(data.subarray(outLength).every(Number.isNaN), 'padding after the output is untouched').toBe(true);
        }
        thetaBuffer.destroy();
        outBuffer.destroy();
        if (output !== outBuffer && output instanceof Object && 'destroy' in output) (output as GPUBuffer).destroy();
      }),
      runs,
    );
  });

  it('GridSampler.create accepts a device and maxChunkBytes, or throws a documented error', async () => {
    const optionsArbitrary = fc.oneof(
      hostileValue,
      fc.record({ device: fc.oneof(hostileValue, fc.constant(gpu)), maxChunkBytes: fc.oneof(hostileDim, fc.integer({ min: -10, max: 2 ** 30 })) }, { requiredKeys: [] }),
    );
    await fc.assert(
      fc.asyncProperty(optionsArbitrary, async (options) => {
        const result = await outcome(() => GridSampler.create(options as never));
        if (!result.ok) return expectDocumented(result.error, 'GridSampler.create');
        expect((options as { device?: unknown })?.device, 'only a real device can make a sampler here (no navigator.gpu)').toBe(gpu);
        const out = await result.value.gridSample({ data: new Float32Array([1, 2, 3, 4]), shape: [1, 1, 2, 2] }, { data: new Float32Array([0, 0]), shape: [1, 1, 1, 2] });
        expect(out.data).toEqual(new Float32Array([2.5]));
        result.value.destroy();
      }),
      { ...runs, numRuns: 100 },
    );
  });
});
