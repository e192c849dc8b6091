// Hostile input for the fuzz test (test/gpu/fuzz.test.ts): arbitraries of random, wrong and broken
// arguments, and the checks that a call returned the CPU reference's result or a documented error.
import fc from 'fast-check';
import { expect } from 'vitest';
import { GPUExecutionError, type Tensor, WebGPUUnavailableError } from '../../src/index.js';
import { type CompareOptions, expectClose, forwardTolerance, type Tolerance } from './tolerance.js';

// --- what a documented failure looks like (README, Errors) ---------------------------------------

const DOCUMENTED_CLASSES = [TypeError, RangeError, WebGPUUnavailableError, GPUExecutionError];
const DOCUMENTED_PREFIX =
  /^(grid_sample: |affine_grid: |grid_sample backward: |affine_grid backward: |gridSample: |GridSampler(\.create)?: |encodeGridSample: |encodeAffineGrid: |encodeGridSampleBackward: |gridFromFlow: |tensorFromImage: |imageFromTensor: |textureFromImage: |warpImage: |(input|grid|theta|output|gradOutput|gradGrid|gradInput|flow|tensor)(\.data |\.shape|\.shape\[\d+\] | must | buffer )|(input|grid|gradOutput|gradGrid) shape|affine_grid size|WebGPU is )/;

export function expectDocumented(error: unknown, context: string): void {
  expect(
    DOCUMENTED_CLASSES.some((C) => error instanceof C),
    `${context}: undocumented ${(error as Error)?.name}: ${(error as Error)?.message}`,
  ).toBe(true);
  expect((error as Error).message, context).toMatch(DOCUMENTED_PREFIX);
}

export type Outcome<T> = { ok: true; value: T } | { ok: false; error: unknown };

/** How long one call may take before `outcome` reports it as hung (a failure of the property). */
export const CALL_TIMEOUT_MS = 10_000;

/** Runs `call`, sync or async; a call that takes more than `timeoutMs` comes back as a HUNG error. */
export async function outcome<T>(call: () => T | Promise<T>, timeoutMs = CALL_TIMEOUT_MS): Promise<Outcome<T>> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const hung = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`HUNG: no answer within ${timeoutMs} ms`)), timeoutMs);
  });
  try {
    return { ok: true, value: await Promise.race([Promise.resolve().then(call), hung]) };
  } catch (error) {
    return { ok: false, error };
  } finally {
    clearTimeout(timer);
  }
}

/**
 * GPU and CPU agree: both return results within `tolerance` of each other (the CPU's is the reference),
 * or both throw documented errors of one class. A HUNG outcome is never documented, so it fails.
 */
export function expectSame(
  actual: Outcome<Tensor>,
  reference: Outcome<Tensor>,
  context: string,
  tolerance: Tolerance,
  sameMessage = true,
  options: CompareOptions = {},
): void {
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
  expectClose(actual.value, reference.value, tolerance, context, options);
}

/** The forward tolerance for options of any shape (hostile ones included): exact for nearest. */
export function toleranceOfOptions(options: unknown): Tolerance {
  const mode = options !== null && typeof options === 'object' ? (options as { mode?: unknown }).mode : undefined;
  return forwardTolerance(mode === 'nearest' ? 'nearest' : 'bilinear');
}

// --- arbitraries -------------------------------------------------------------------------------

export const hostileValue = fc.constantFrom<unknown>(
  null,
  undefined,
  0,
  1,
  -1,
  'x',
  '',
  {},
  [],
  true,
  Number.NaN,
  1n,
  Symbol('s'),
);
export const hostileDim = fc.constantFrom<unknown>(
  -1,
  1.5,
  Number.NaN,
  Infinity,
  -Infinity,
  2 ** 53,
  2 ** 24 + 1,
  '2',
  null,
  undefined,
  {},
  1n,
);
// for affine_grid sizes: only invalid values (a valid huge size is a legitimately huge, slow request)
const hostileSizeDim = fc.constantFrom<unknown>(
  -1,
  1.5,
  Number.NaN,
  Infinity,
  2 ** 53,
  2 ** 60,
  '2',
  null,
  undefined,
  {},
  1n,
);
const special = fc.constantFrom(
  Number.NaN,
  Infinity,
  -Infinity,
  -0,
  1e30,
  -1e30,
  1.4e-45,
  -1.4e-45,
  1.1e-38,
  3.4e38,
  -1,
  1,
  0.5,
);
export const gridValue = fc.oneof(
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
        layout: maybeHostile(fc.constantFrom('nchw', 'nhwc', undefined)),
      },
      { requiredKeys: [] },
    ),
  },
  { weight: 1, arbitrary: fc.constantFrom<unknown>(undefined, null, 5, 'bilinear', [], true) },
);

type DataKind = 'array' | 'float64' | 'int32' | 'shared' | 'shorter' | 'longer' | 'missing';
const mutationArb = fc.oneof(
  fc.record({
    target: fc.constantFrom('input', 'grid'),
    kind: fc.constant('dim'),
    index: fc.nat(5),
    value: hostileDim,
  }),
  fc.record({
    target: fc.constantFrom('input', 'grid'),
    kind: fc.constant('data'),
    value: fc.constantFrom<DataKind>('array', 'float64', 'int32', 'shared', 'shorter', 'longer', 'missing'),
  }),
  fc.record({ target: fc.constantFrom('input', 'grid'), kind: fc.constant('tensor'), value: hostileValue }),
  fc.record({
    target: fc.constantFrom('input', 'grid'),
    kind: fc.constant('rank'),
    value: fc.constantFrom(0, 1, 3, 6),
  }),
  fc.record({ target: fc.constant('grid'), kind: fc.constantFrom('batch', 'last-dim') }),
);
type Mutation = { target: 'input' | 'grid'; kind: string; index?: number; value?: unknown };

/** A dimension: mostly 1..max, sometimes 0 (empty tensors). */
const sizeArb = (max: number) =>
  fc.oneof({ weight: 12, arbitrary: fc.integer({ min: 1, max }) }, { weight: 1, arbitrary: fc.constant(0) });
export const count = (shape: readonly number[]) => shape.reduce((a, b) => a * b, 1);

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

export const sampleCaseArb = fc
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

export const affineCaseArb = fc
  .record({
    dims: fc.constantFrom(2, 3),
    n: sizeArb(2),
    c: sizeArb(2),
    spatial: fc.array(sizeArb(5), { minLength: 3, maxLength: 3 }),
    options: fc.oneof(
      { weight: 8, arbitrary: fc.record({ alignCorners: maybeHostile(fc.boolean()) }, { requiredKeys: [] }) },
      { weight: 1, arbitrary: fc.constantFrom<unknown>(undefined, null, 5, []) },
    ),
    sizeMutation: fc.option(
      fc.oneof(fc.record({ index: fc.nat(5), value: hostileSizeDim }), fc.record({ whole: hostileValue })),
      { freq: 5 },
    ),
    thetaMutation: fc.option(
      fc.constantFrom<DataKind | 'shape'>('array', 'float64', 'shorter', 'longer', 'missing', 'shape'),
      { freq: 5 },
    ),
  })
  .chain((c) => {
    const rows = c.dims * (c.dims + 1);
    return fc.array(gridValue, { minLength: c.n * rows, maxLength: c.n * rows }).map((values) => {
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
