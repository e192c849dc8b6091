// The order of PyTorch's CPU sum(-1) (src/cpu/torch-sum-order.ts): its plan, run on float32 rows,
// gives PyTorch's sums bit for bit (goldens for n = 1..64 and through every level of the cascade), and
// the schedule the attention kernel uses gives the plan's sums.
import { describe, expect, it } from 'vitest';
import { type SumPlan, torchSumPlan, torchSumSchedule } from '../../src/cpu/torch-sum-order.js';
import { sumCases } from '../helpers/golden-msda.js';
import { randomTensor } from '../helpers/random.js';

/** Runs a plan over `n` one-float rows; the Float32Array rounds every addition to float32. */
function sumByPlan(plan: SumPlan, terms: Float32Array): number {
  const rows = terms.slice();
  for (let k = 0; k < plan.steps.length; k += 2) rows[plan.steps[k]] += rows[plan.steps[k + 1]];
  return plan.result < 0 ? 0 : rows[plan.result] + 0;
}

/** Runs a schedule: terms added into their rows in its order, then its remaining steps. */
function sumBySchedule(n: number, terms: Float32Array): number {
  const { order, into, steps, result } = torchSumSchedule(n);
  expect([...order].sort((a, b) => a - b)).toEqual(Array.from({ length: n }, (_, i) => i));
  const rows = new Float32Array(n);
  for (let k = 0; k < n; k++) rows[into[k]] += terms[order[k]];
  for (let k = 0; k < steps.length; k += 2) rows[steps[k]] += rows[steps[k + 1]];
  return result < 0 ? 0 : rows[result] + 0;
}

describe('PyTorch sum(-1) order', () => {
  it.each(sumCases.map((c) => [c.n, c] as const))('n = %i equals PyTorch bit for bit', (n, c) => {
    const plan = torchSumPlan(n);
    for (let row = 0; row < 3; row++) {
      const terms = c.terms.data.subarray(row * n, (row + 1) * n);
      expect(sumByPlan(plan, terms)).toBe(c.expected.data[row]);
    }
  });

  it('a sequential sum differs from PyTorch on these goldens (the order matters)', () => {
    let differs = 0;
    for (const c of sumCases) {
      for (let row = 0; row < 3; row++) {
        let acc = 0;
        for (const v of c.terms.data.subarray(row * c.n, (row + 1) * c.n)) acc = Math.fround(acc + v);
        if (acc !== c.expected.data[row]) differs++;
      }
    }
    expect(differs).toBeGreaterThan(10);
  });

  it('every row is read once and the plan has n - 1 steps', () => {
    for (let n = 1; n <= 600; n++) {
      const { steps } = torchSumPlan(n);
      expect(steps.length).toBe(2 * (n - 1));
      const froms = new Set(steps.filter((_, k) => k % 2 === 1));
      expect(froms.size).toBe(n - 1);
    }
    expect(torchSumPlan(0)).toEqual({ steps: new Int32Array(0), result: -1 });
  });

  it('the schedule adds in the plan order: equal sums for n = 0..600', () => {
    for (let n = 0; n <= 600; n++) {
      const terms = randomTensor([n], 7000 + n, -1, 1).data;
      expect(sumBySchedule(n, terms), `n = ${n}`).toBe(sumByPlan(torchSumPlan(n), terms));
    }
  });

  it('the schedule fuses the common cases: no steps left for 12 terms, 7 of 15 for 16', () => {
    expect(torchSumSchedule(12).steps.length / 2).toBe(0);
    expect(torchSumSchedule(16).steps.length / 2).toBe(7);
  });
});
