// Settings shared by the property tests and fuzzers (fast-check): a fixed number of runs that must all
// complete, a per-run timeout that fails the property, and a time budget that fails it too when it
// runs out before the last run (so a slow machine never silently runs fewer cases). The seed is random
// per run unless FC_SEED is set; fast-check prints it, with the path to replay, when a property fails.
import fc from 'fast-check';

/** The seed of this process's properties: FC_SEED, or a fresh one. */
export const fuzzSeed = Number(process.env.FC_SEED ?? Date.now() % 2 ** 31);

export interface FuzzBudget {
  /** Runs that must complete; FUZZ_RUNS overrides it (more, to search longer; fewer, to debug). */
  numRuns: number;
  /** A single run taking longer fails the property (async predicates only). */
  perRunMs: number;
  /** All runs together taking longer fails the property. */
  budgetMs: number;
}

/** fast-check parameters for `budget`: numRuns exactly, failing on a slow run or an exhausted budget. */
export function fuzzParameters<T>(budget: FuzzBudget): fc.Parameters<T> {
  return {
    seed: fuzzSeed,
    numRuns: Number(process.env.FUZZ_RUNS ?? budget.numRuns),
    // the plugins decorate any property; fast-check types them for unknown values
    plugins: [
      fc.timeout(budget.perRunMs),
      fc.interruptAfterTimeLimit(budget.budgetMs, { failOnInterrupt: true }),
    ] as unknown as fc.Plugin<T>[],
  };
}

/**
 * Runs `check` and, when it throws, adds the seed that reproduces it to the error message: for tests
 * that draw their own random cases (not through fast-check), so the seed is printed on failure and
 * stays out of the test's name.
 */
export async function withSeed(seed: number, replay: string, check: () => unknown | Promise<unknown>): Promise<void> {
  try {
    await check();
  } catch (error) {
    if (error instanceof Error) error.message = `${error.message}\n(seed ${seed}; replay with ${replay}=${seed})`;
    throw error;
  }
}
