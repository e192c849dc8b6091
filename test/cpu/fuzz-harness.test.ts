// The machinery the fuzzers and property tests rely on fails when it should: a hanging call, a slow
// run and an exhausted time budget each fail the property (never pass silently), the seed that
// replays a failure is printed, and any non-empty CI other than 'false' or '0' counts as CI.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Tensor } from '../../src/index.js';
import { isCiValue } from '../helpers/ci.js';
import { fuzzParameters, fuzzSeed, withSeed } from '../helpers/fuzz.js';
import { expectSame, outcome } from '../helpers/hostile.js';
import { TOLERANCE } from '../helpers/tolerance.js';

const never = () => new Promise<never>(() => {});

/** The failure of `run`: fast-check's message (seed, path, counterexample) and the error that caused it. */
async function failureOf(run: Promise<unknown>): Promise<string> {
  try {
    await run;
  } catch (error) {
    return `${(error as Error).message}\ncaused by: ${String((error as Error).cause)}`;
  }
  throw new Error('the property passed');
}
const one: Tensor = { data: new Float32Array([1]), shape: [1] };

describe('fuzzing that reports hangs', () => {
  it('a call that never answers comes back as HUNG, and comparing it fails the property', async () => {
    const hung = await outcome(never, 50);
    expect(hung.ok).toBe(false);
    expect(String((hung as { error: unknown }).error)).toMatch(/HUNG: no answer within 50 ms/);
    const property = fc.asyncProperty(fc.integer(), async () => {
      const reference = await outcome(() => one);
      expectSame(await outcome(never, 50), reference, 'a hanging call', TOLERANCE.forward);
    });
    const failure = await failureOf(
      fc.assert(property, fuzzParameters({ numRuns: 3, perRunMs: 5_000, budgetMs: 10_000 })),
    );
    expect(failure).toMatch(/caused by: Error: a hanging call: threw Error: HUNG: no answer within 50 ms/);
  });

  it('a hanging reference (the CPU side) fails too: HUNG is not a documented error', async () => {
    const property = fc.asyncProperty(fc.integer(), async () => {
      expectSame(await outcome(never, 50), await outcome(never, 50), 'both hang', TOLERANCE.forward);
    });
    const failure = await failureOf(
      fc.assert(property, fuzzParameters({ numRuns: 3, perRunMs: 5_000, budgetMs: 10_000 })),
    );
    expect(failure).toMatch(/caused by: .*undocumented Error: HUNG/);
  });

  it('a run slower than perRunMs fails the property, with the seed that replays it', async () => {
    const property = fc.asyncProperty(fc.integer(), async () => {
      await never();
    });
    const failure = await failureOf(
      fc.assert(property, fuzzParameters({ numRuns: 3, perRunMs: 50, budgetMs: 10_000 })),
    );
    expect(failure).toMatch(/timeout/i);
    expect(failure).toContain(`seed: ${fuzzSeed}`);
  });

  it('running out of the time budget before numRuns fails the property instead of passing', async () => {
    let runs = 0;
    const property = fc.asyncProperty(fc.integer(), async () => {
      runs++;
      await new Promise((resolve) => setTimeout(resolve, 20));
    });
    const failure = await failureOf(
      fc.assert(property, fuzzParameters({ numRuns: 1000, perRunMs: 5_000, budgetMs: 200 })),
    );
    expect(failure).toMatch(/interrupt/i);
    expect(runs).toBeLessThan(1000);
  });

  it('runs exactly numRuns when there is time', async () => {
    let runs = 0;
    await fc.assert(
      fc.asyncProperty(fc.integer(), async () => {
        runs++;
      }),
      fuzzParameters({ numRuns: 40, perRunMs: 5_000, budgetMs: 10_000 }),
    );
    expect(runs).toBe(Number(process.env.FUZZ_RUNS ?? 40));
  });

  it('withSeed adds the seed and how to replay it to a failure, and passes success through', async () => {
    await expect(
      withSeed(1234, 'FLOAT16_SEED', () => {
        throw new Error('beyond one ulp');
      }),
    ).rejects.toThrow('beyond one ulp\n(seed 1234; replay with FLOAT16_SEED=1234)');
    await expect(withSeed(1, 'X', async () => 5)).resolves.toBeUndefined();
  });
});

describe('CI detection', () => {
  it.each([
    ['true', true],
    ['1', true],
    ['yes', true],
    ['woodpecker', true],
    ['false', false],
    ['0', false],
    ['', false],
    [undefined, false],
  ] as const)('CI=%s counts as CI: %s', (value, expected) => {
    expect(isCiValue(value)).toBe(expected);
  });
});
