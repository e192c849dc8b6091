// Hostile input to every public function: random shapes (zero-size dims included), NaN / ±Infinity /
// -0 / denormal / 1e30 grid values, mismatched lengths and wrong types. Each call must return the CPU
// reference's result or throw a documented error, within a time limit, and never write outside its
// output (the encode* buffers carry NaN padding that must come back untouched).
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { affineGridCpu, GridSampler, gridSample, gridSampleCpu, type Tensor } from '../../src/index.js';
import { fuzzParameters } from '../helpers/fuzz.js';
import { createTestDevice, readBuffer, useErrorScopes } from '../helpers/gpu.js';
import {
  affineCaseArb,
  count,
  expectDocumented,
  expectSame,
  hostileDim,
  hostileValue,
  outcome,
  sampleCaseArb,
  toleranceOfOptions,
} from '../helpers/hostile.js';
import { affineGridScale, expectClose, TOLERANCE } from '../helpers/tolerance.js';

const device = await createTestDevice();
// every run must complete: numRuns runs, none slower than perRunMs, all within budgetMs (see fuzz.ts)
const runs = fuzzParameters({ numRuns: 250, perRunMs: 20_000, budgetMs: 100_000 });
const TIMEOUT = 120_000; // vitest's limit for each property, above its budget

describe.skipIf(!device)('hostile input to every public function', async () => {
  const gpu = device as GPUDevice;
  const sampler = await GridSampler.create({ device: gpu });
  // 256 bytes hold any input plane and grid row generated here, so every call fits, mostly in pieces
  const small = await GridSampler.create({ device: gpu, maxChunkBytes: 256 });
  // channels last, a whole batch item must fit one piece: up to 3 x 4 x 4 x 4 floats here
  const smallChannelsLast = await GridSampler.create({ device: gpu, maxChunkBytes: 768 });
  const inPieces = (options: unknown) =>
    (options as { layout?: unknown } | null)?.layout === 'nhwc' ? smallChannelsLast : small;
  afterAll(() => {
    sampler.destroy();
    small.destroy();
    smallChannelsLast.destroy();
    gpu.destroy();
  });
  useErrorScopes(() => gpu);

  it(
    'gridSampleCpu, GridSampler.gridSample and gridSample() agree or throw documented errors',
    async () => {
      await fc.assert(
        fc.asyncProperty(sampleCaseArb, async ({ input, grid, options }) => {
          const args = [input, grid, options] as [Tensor, Tensor, never];
          const reference = await outcome(() => gridSampleCpu(...args));
          const tolerance = toleranceOfOptions(options);
          expectSame(await outcome(() => sampler.gridSample(...args)), reference, 'GridSampler.gridSample', tolerance);
          expectSame(
            await outcome(() => inPieces(options).gridSample(...args)),
            reference,
            'GridSampler.gridSample in pieces',
            tolerance,
            false,
          );
          const objectOptions = options === undefined || (options !== null && typeof options === 'object');
          // without a device, 'auto' falls back to the CPU here (no navigator.gpu in Node) and 'webgpu' fails
          for (const extra of [{ backend: 'webgpu', device: gpu }, { backend: 'auto' }, { backend: 'cpu' }] as const) {
            const call = await outcome(() =>
              gridSample(
                input as Tensor,
                grid as Tensor,
                objectOptions ? { ...options, ...extra } : (options as never),
              ),
            );
            if (objectOptions) expectSame(call, reference, `gridSample(${extra.backend})`, tolerance, false);
            else if (call.ok) throw new Error(`gridSample accepted options ${String(options)}`);
            else expectDocumented(call.error, 'gridSample with options that are not an object');
          }
          for (const backend of [null, 1n, Symbol('b'), {}, 'GPU', 0]) {
            const call = await outcome(() =>
              gridSample(input as Tensor, grid as Tensor, { backend: backend as never, device: gpu }),
            );
            expect(call.ok, 'gridSample accepted a bad backend').toBe(false);
            if (!call.ok) expectDocumented(call.error, 'gridSample with a bad backend');
          }
          const noAdapter = await outcome(() => gridSample(input as Tensor, grid as Tensor, { backend: 'webgpu' }));
          if (!noAdapter.ok) expectDocumented(noAdapter.error, 'gridSample(webgpu) without an adapter');
          else expect(noAdapter.value.data.length, 'only empty outputs skip the GPU').toBe(0);
        }),
        runs,
      );
    },
    TIMEOUT,
  );

  it(
    'affineGridCpu and GridSampler.affineGrid agree or throw documented errors',
    async () => {
      await fc.assert(
        fc.asyncProperty(affineCaseArb, async ({ theta, size, options }) => {
          const args = [theta, size, options] as [Tensor, number[], never];
          const reference = await outcome(() => affineGridCpu(...args));
          // per element: each value's scale is the size of the theta row that made it (finite terms only)
          const scale = reference.ok ? { scale: affineGridScale((theta as Tensor).data, size as number[]) } : {};
          const affine = TOLERANCE.affine;
          expectSame(
            await outcome(() => sampler.affineGrid(...args)),
            reference,
            'GridSampler.affineGrid',
            affine,
            true,
            scale,
          );
          expectSame(
            await outcome(() => small.affineGrid(...args)),
            reference,
            'affineGrid in pieces',
            affine,
            false,
            scale,
          );
        }),
        runs,
      );
    },
    TIMEOUT,
  );

  const PAD = 16; // NaN floats after each buffer's data: must stay NaN (no write out of bounds)
  const bufferWith = (data: Float32Array, usage = GPUBufferUsage.STORAGE) => {
    const buffer = gpu.createBuffer({
      size: (data.length + PAD) * 4,
      usage: usage | GPUBufferUsage.COPY_DST | GPUBufferUsage.COPY_SRC,
    });
    const padded = new Float32Array(data.length + PAD).fill(Number.NaN);
    padded.set(data);
    gpu.queue.writeBuffer(buffer, 0, padded);
    return buffer;
  };
  const badBuffer = fc.constantFrom('fine', 'fine', 'fine', 'fine', 'fine', 'null', 'object', 'no-storage', 'small');
  const badEncoder = fc.constantFrom('fine', 'fine', 'fine', 'fine', 'fine', 'fine', 'null', 'object');

  it(
    'encodeGridSample returns the CPU result without touching past its output, or throws a documented error',
    async () => {
      await fc.assert(
        fc.asyncProperty(
          sampleCaseArb,
          badBuffer,
          badEncoder,
          async ({ input, grid, options }, bufferKind, encoderKind) => {
            // encode* sees shapes and buffers, no data: the reference runs on the case's shapes, with its
            // data where that is a Float32Array of the right length
            const encodeTensor = (t: unknown) => {
              const { data, shape } = (t ?? {}) as Partial<Tensor>;
              const valid =
                Array.isArray(shape) && shape.every((d) => Number.isSafeInteger(d) && d >= 0) && count(shape) <= 1e5;
              if (!valid) return { data: new Float32Array(0), shape: shape as number[] };
              const length = count(shape);
              return {
                data:
                  data instanceof Float32Array && data.length === length ? data : new Float32Array(length).fill(0.5),
                shape,
              };
            };
            const [inputTensor, gridTensor] = [encodeTensor(input), encodeTensor(grid)];
            const reference = await outcome(() => gridSampleCpu(inputTensor, gridTensor, options as never));
            const outLength = reference.ok ? reference.value.data.length : 4;
            const buffers = [
              bufferWith(inputTensor.data),
              bufferWith(gridTensor.data),
              bufferWith(new Float32Array(outLength).fill(-7)),
            ];
            let output: unknown = buffers[2];
            if (bufferKind === 'null') output = null;
            if (bufferKind === 'object') output = { size: 1024 };
            if (bufferKind === 'no-storage')
              output = gpu.createBuffer({ size: outLength * 4 + 4, usage: GPUBufferUsage.COPY_SRC });
            if (bufferKind === 'small')
              output = gpu.createBuffer({ size: 4 * Math.max(0, outLength - 1), usage: GPUBufferUsage.STORAGE });
            const encoder = gpu.createCommandEncoder();
            const target = encoderKind === 'null' ? null : encoderKind === 'object' ? {} : encoder;
            const args = {
              input: buffers[0],
              inputShape: inputTensor.shape,
              grid: buffers[1],
              gridShape: gridTensor.shape,
              output,
            };
            for (const s of [sampler, inPieces(options)]) {
              const result = await outcome(() =>
                s.encodeGridSample(target as GPUCommandEncoder, args as never, options as never),
              );
              const allFine = reference.ok && bufferKind === 'fine' && encoderKind === 'fine';
              const emptyWithSmallBuffer =
                reference.ok && outLength === 0 && bufferKind === 'small' && encoderKind === 'fine';
              if (allFine || emptyWithSmallBuffer)
                expect(result.ok, `encodeGridSample: ${result.ok || String(result.error)}`).toBe(true);
              else if (!result.ok) expectDocumented(result.error, 'encodeGridSample');
              else throw new Error(`encodeGridSample accepted bad arguments (${bufferKind}, ${encoderKind})`);
            }
            gpu.queue.submit([encoder.finish()]);
            if (reference.ok && bufferKind === 'fine' && encoderKind === 'fine') {
              const data = await readBuffer(gpu, buffers[2], outLength + PAD);
              const expected = reference.value;
              const written = { data: data.subarray(0, outLength), shape: expected.shape };
              expectClose(written, expected, toleranceOfOptions(options), 'encodeGridSample');
              expect(data.subarray(outLength).every(Number.isNaN), 'padding after the output is untouched').toBe(true);
            }
            for (const b of buffers) b.destroy();
            if (output instanceof Object && 'destroy' in output) (output as GPUBuffer).destroy();
          },
        ),
        runs,
      );
    },
    TIMEOUT,
  );

  it(
    'encodeAffineGrid returns the CPU grid without touching past its output, or throws a documented error',
    async () => {
      await fc.assert(
        fc.asyncProperty(affineCaseArb, badBuffer, async ({ theta, size, options }, bufferKind) => {
          // encodeAffineGrid takes theta's shape from size: the reference runs on a theta of that shape,
          // with the case's data where that is a Float32Array of the right length
          const dims = Array.isArray(size) && size.length === 5 ? 3 : 2;
          const n =
            Array.isArray(size) && Number.isSafeInteger(size[0]) && size[0] >= 0 && size[0] < 100
              ? (size[0] as number)
              : 0;
          const thetaData = (theta as Partial<Tensor> | null)?.data;
          const length = n * dims * (dims + 1);
          const thetaTensor = {
            data:
              thetaData instanceof Float32Array && thetaData.length === length
                ? thetaData
                : new Float32Array(length).fill(0.5),
            shape: [n, dims, dims + 1],
          };
          const reference = await outcome(() => affineGridCpu(thetaTensor, size as number[], options as never));
          const outLength = reference.ok ? reference.value.data.length : 4;
          const thetaBuffer = bufferWith(thetaTensor.data);
          const outBuffer = bufferWith(new Float32Array(outLength).fill(-7));
          let output: unknown = outBuffer;
          if (bufferKind === 'null') output = null;
          if (bufferKind === 'object') output = { size: 1024 };
          if (bufferKind === 'no-storage')
            output = gpu.createBuffer({ size: outLength * 4 + 4, usage: GPUBufferUsage.COPY_SRC });
          if (bufferKind === 'small' && outLength > 0)
            output = gpu.createBuffer({ size: 4 * (outLength - 1), usage: GPUBufferUsage.STORAGE });
          const encoder = gpu.createCommandEncoder();
          for (const s of [sampler, small]) {
            const result = await outcome(() =>
              s.encodeAffineGrid(encoder, { theta: thetaBuffer, size, output } as never, options as never),
            );
            if (reference.ok && output === outBuffer)
              expect(result.ok, `encodeAffineGrid: ${result.ok || String(result.error)}`).toBe(true);
            else if (!result.ok) expectDocumented(result.error, 'encodeAffineGrid');
            else throw new Error(`encodeAffineGrid accepted bad arguments (${bufferKind})`);
          }
          gpu.queue.submit([encoder.finish()]);
          if (reference.ok && output === outBuffer) {
            const data = await readBuffer(gpu, outBuffer, outLength + PAD);
            const expected = reference.value;
            const written = { data: data.subarray(0, outLength), shape: expected.shape };
            const scale = affineGridScale(thetaTensor.data, size as number[]);
            expectClose(written, expected, TOLERANCE.affine, 'encodeAffineGrid', { scale });
            expect(data.subarray(outLength).every(Number.isNaN), 'padding after the output is untouched').toBe(true);
          }
          thetaBuffer.destroy();
          outBuffer.destroy();
          if (output !== outBuffer && output instanceof Object && 'destroy' in output) (output as GPUBuffer).destroy();
        }),
        runs,
      );
    },
    TIMEOUT,
  );

  it(
    'GridSampler.create accepts a device and maxChunkBytes, or throws a documented error',
    async () => {
      const optionsArbitrary = fc.oneof(
        hostileValue,
        fc.record(
          {
            device: fc.oneof(hostileValue, fc.constant(gpu)),
            maxChunkBytes: fc.oneof(hostileDim, fc.integer({ min: -10, max: 2 ** 30 })),
          },
          { requiredKeys: [] },
        ),
      );
      await fc.assert(
        fc.asyncProperty(optionsArbitrary, async (options) => {
          const result = await outcome(() => GridSampler.create(options as never));
          if (!result.ok) return expectDocumented(result.error, 'GridSampler.create');
          expect(
            (options as { device?: unknown })?.device,
            'only a real device can make a sampler here (no navigator.gpu)',
          ).toBe(gpu);
          const out = await result.value.gridSample(
            { data: new Float32Array([1, 2, 3, 4]), shape: [1, 1, 2, 2] },
            { data: new Float32Array([0, 0]), shape: [1, 1, 1, 2] },
          );
          expect(out.data).toEqual(new Float32Array([2.5]));
          result.value.destroy();
        }),
        { ...runs, numRuns: Math.min(runs.numRuns ?? 100, 100) },
      );
    },
    TIMEOUT,
  );
});
