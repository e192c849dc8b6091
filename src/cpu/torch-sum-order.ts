// The order in which PyTorch's CPU `sum(-1)` adds the float32 terms of a contiguous last dimension
// (`cascade_sum` in aten/src/ATen/native/cpu/SumKernel.cpp, vectors of 8 floats: the AVX2, NEON and
// default builds), written out as a plan of pairwise additions. A reference that adds its terms by
// this plan rounds exactly where PyTorch does, so its sums equal PyTorch's bit for bit.

/**
 * Pairwise additions over `n` term rows: for each pair `(into, from)` of `steps`, row `into` += row
 * `from`; the total is then in row `result` (-1 when there are no terms: the sum is 0). Each row is
 * read as a `from` at most once, so the plan runs in place.
 */
export interface SumPlan {
  steps: Int32Array;
  result: number;
}

const LANES = 8; // Vectorized<float>::size() outside AVX-512 builds
const ILP = 4; // row_sum's ilp_factor
const LEVELS = 4; // multi_row_sum's num_levels

/** An accumulator: the row holding its partial sum, or null while it is still PyTorch's initial 0. */
type Acc = number | null;

class PlanBuilder {
  readonly steps: number[] = [];

  /** acc += term, where 0 + x is x itself (exact, so no step). */
  add(acc: Acc, term: Acc): Acc {
    if (term === null) return acc;
    if (acc === null) return term;
    this.steps.push(acc, term);
    return acc;
  }
}

/** c10's CeilLog2 as SumKernel.cpp uses it: 1 up to 2, else the bit width of x - 1. */
const ceilLog2 = (x: number): number => (x <= 2 ? 1 : 32 - Math.clz32(x - 1));

/** multi_row_sum: `nrows` interleaved sums over `size` rows, in chunks of 16+ rows cascaded over 4 levels. */
function multiRowSum(plan: PlanBuilder, at: (row: number, k: number) => Acc, size: number, nrows: number): Acc[] {
  const levelPower = Math.max(4, Math.floor(ceilLog2(size) / LEVELS));
  const levelStep = 1 << levelPower;
  const levelMask = levelStep - 1;
  const acc: Acc[][] = Array.from({ length: LEVELS }, () => new Array<Acc>(nrows).fill(null));
  let i = 0;
  while (i + levelStep <= size) {
    for (let j = 0; j < levelStep; j++, i++) {
      for (let k = 0; k < nrows; k++) acc[0][k] = plan.add(acc[0][k], at(i, k));
    }
    for (let j = 1; j < LEVELS; j++) {
      for (let k = 0; k < nrows; k++) {
        acc[j][k] = plan.add(acc[j][k], acc[j - 1][k]);
        acc[j - 1][k] = null;
      }
      if ((i & (levelMask << (j * levelPower))) !== 0) break;
    }
  }
  for (; i < size; i++) {
    for (let k = 0; k < nrows; k++) acc[0][k] = plan.add(acc[0][k], at(i, k));
  }
  for (let j = 1; j < LEVELS; j++) {
    for (let k = 0; k < nrows; k++) acc[0][k] = plan.add(acc[0][k], acc[j][k]);
  }
  return acc[0];
}

/** row_sum: the terms read as rows of 4 (summed by multiRowSum), the leftovers, then the 4 partials. */
function rowSum(plan: PlanBuilder, terms: readonly number[]): Acc {
  const sizeIlp = Math.floor(terms.length / ILP);
  const partial = multiRowSum(plan, (row, k) => terms[row * ILP + k], sizeIlp, ILP);
  for (let i = sizeIlp * ILP; i < terms.length; i++) partial[0] = plan.add(partial[0], terms[i]);
  for (let k = 1; k < ILP; k++) partial[0] = plan.add(partial[0], partial[k]);
  return partial[0];
}

/**
 * The plan of `sum(-1)` over `n` contiguous float32 terms. From 8 terms on PyTorch sums vectors of 8
 * (lane k adds terms k, k + 8, ... by row_sum), then adds the leftover terms and the 8 lanes one by
 * one; below 8 it runs row_sum on the scalars.
 */
export function torchSumPlan(n: number): SumPlan {
  const plan = new PlanBuilder();
  const all = Array.from({ length: n }, (_, i) => i);
  let total: Acc;
  if (n >= LANES) {
    const vectors = Math.floor(n / LANES);
    const lanes = Array.from({ length: LANES }, (_, k) =>
      rowSum(
        plan,
        Array.from({ length: vectors }, (_, j) => j * LANES + k),
      ),
    );
    total = null;
    for (let i = vectors * LANES; i < n; i++) total = plan.add(total, i);
    for (const lane of lanes) total = plan.add(total, lane);
  } else {
    total = rowSum(plan, all);
  }
  return { steps: Int32Array.from(plan.steps), result: total ?? -1 };
}

/**
 * A SumPlan arranged for computing the terms one by one: each step that adds a fresh term into a row
 * still holding only terms (the first steps of most plans) becomes "compute this term and add it into
 * that row", so it needs no row of its own and no pass afterwards. Terms are computed in `order`; term
 * `order[k]` is added into row `into[k]` (its own row when `into[k] === order[k]`), rows starting at 0;
 * then the remaining `steps` run as in SumPlan, and the total is in row `result`.
 */
export interface SumSchedule {
  order: Int32Array;
  into: Int32Array;
  steps: Int32Array;
  result: number;
}

export function torchSumSchedule(n: number): SumSchedule {
  const plan = torchSumPlan(n);
  const order: number[] = [];
  const into: number[] = [];
  const steps: number[] = [];
  const emitted = new Uint8Array(n);
  const summed = new Uint8Array(n); // a row that has taken a step from another row: no more fusing
  const emit = (term: number, row: number) => {
    order.push(term);
    into.push(row);
    emitted[term] = 1;
  };
  for (let k = 0; k < plan.steps.length; k += 2) {
    const row = plan.steps[k];
    const from = plan.steps[k + 1];
    // `from` is a bare term when nothing was added into it yet (rows are read once, so never after)
    const bareTerm = !summed[from] && !emitted[from];
    if (bareTerm && !summed[row]) {
      if (!emitted[row]) emit(row, row);
      emit(from, row);
    } else {
      steps.push(row, from);
      summed[row] = 1;
    }
  }
  for (let term = 0; term < n; term++) if (!emitted[term]) emit(term, term);
  return {
    order: Int32Array.from(order),
    into: Int32Array.from(into),
    steps: Int32Array.from(steps),
    result: plan.result,
  };
}
