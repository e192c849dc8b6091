// The CPU backward against central finite differences of the CPU forward, on random small cases whose
// grid points stay 0.1 pixel away from every kink (cell edges, clip and reflection borders, nearest
// ties), so each difference stays on one smooth piece. Also: gradInput is the adjoint of the forward.
import { describe, expect, it } from 'vitest';
import {
  affineGridBackwardCpu,
  affineGridCpu,
  type GridSampleOptions,
  gridSampleBackwardCpu,
  gridSampleCpu,
  type Mode,
  type PaddingMode,
  type Tensor,
} from '../../src/index.js';
import { peakIndex, pushedOut, zeroedSmallest } from '../helpers/negative-control.js';
import { randomTensor } from '../helpers/random.js';
import { type Comparison, compare, describeComparison, TOLERANCE } from '../helpers/tolerance.js';

const f = Math.fround;

function rng(seed: number) {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let r = Math.imul(state ^ (state >>> 15), 1 | state);
    r = (r + Math.imul(r ^ (r >>> 7), 61 | r)) ^ r;
    return ((r ^ (r >>> 14)) >>> 0) / 4294967296;
  };
}

/** d(pixel coordinate) / d(grid value) of the unnormalization. */
const scaleOf = (size: number, align: boolean) => (align ? (size - 1) / 2 : size / 2);

/** A grid value whose pixel coordinate lies in [-1.5 size, 2.5 size] with fraction in [0.1, 0.4] or [0.6, 0.9]. */
function awayFromKinks(next: () => number, size: number, align: boolean): number {
  if (align && size === 1) return f(next() * 2 - 1); // the coordinate is 0 whatever the grid says
  const k = Math.floor(-1.5 * size + next() * 4 * size);
  const frac = 0.1 + 0.3 * next() + (next() < 0.5 ? 0 : 0.5);
  const x = k + frac;
  return f(align ? (x * 2) / (size - 1) - 1 : (2 * x + 1) / size - 1);
}

/** sum(gradOutput * grid_sample(input, grid)) in float64. */
function loss(gradOutput: Tensor, input: Tensor, grid: Tensor, options: GridSampleOptions): number {
  const out = gridSampleCpu(input, grid, options).data;
  let sum = 0;
  for (let i = 0; i < out.length; i++) sum += gradOutput.data[i] * out[i];
  return sum;
}

interface Case {
  input: Tensor;
  grid: Tensor;
  gradOutput: Tensor;
  options: Required<Omit<GridSampleOptions, 'layout' | 'dtype'>>;
  sizes: number[]; // input spatial sizes in grid coordinate order (x, y[, z])
}

function randomCase(seed: number, dims: 2 | 3, mode: Mode, paddingMode: PaddingMode, alignCorners: boolean): Case {
  const next = rng(seed);
  const int = (lo: number, hi: number) => lo + Math.floor(next() * (hi - lo + 1));
  const spatial = Array.from({ length: dims }, () => int(1, 5)); // D?, H, W
  const out = Array.from({ length: dims }, () => int(1, 3));
  const input = randomTensor([int(1, 2), int(1, 3), ...spatial], seed + 1);
  const sizes = [...spatial].reverse();
  const gridShape = [input.shape[0], ...out, dims];
  const points = gridShape.slice(0, -1).reduce((a, b) => a * b, 1);
  const grid = { data: new Float32Array(points * dims), shape: gridShape };
  for (let p = 0; p < points; p++) {
    for (let a = 0; a < dims; a++) grid.data[p * dims + a] = awayFromKinks(next, sizes[a], alignCorners);
  }
  const gradOutput = randomTensor([input.shape[0], input.shape[1], ...out], seed + 2);
  return { input, grid, gradOutput, options: { mode, paddingMode, alignCorners }, sizes };
}

/**
 * Weights w such that sum(w[k] f(t[k])) is the derivative at 0 of the polynomial through the points
 * (t[k], f(t[k])): exact for a cubic, which is what bicubic (and, trivially, bilinear) is within a cell.
 */
function derivativeWeights(t: number[]): number[] {
  return t.map((tk, k) => {
    let sum = 0;
    for (let m = 0; m < t.length; m++) {
      if (m === k) continue;
      let product = 1 / (tk - t[m]);
      for (let l = 0; l < t.length; l++) if (l !== k && l !== m) product *= (0 - t[l]) / (tk - t[l]);
      sum += product;
    }
    return sum;
  });
}

function gridFiniteDifference({ input, grid, gradOutput, options, sizes }: Case): Float32Array {
  const dims = sizes.length;
  const result = new Float32Array(grid.data.length);
  for (let i = 0; i < grid.data.length; i++) {
    const size = sizes[i % dims];
    // up to 0.05 pixel each side: inside the 0.1-pixel margin around kinks, and large enough that the
    // float32 rounding of the coordinates (noise / h) stays small
    const h = 0.025 / Math.max(scaleOf(size, options.alignCorners), 0.5);
    const at = (step: number) => {
      const moved = { data: grid.data.slice(), shape: grid.shape };
      moved.data[i] = f(grid.data[i] + step);
      return { offset: moved.data[i] - grid.data[i], value: loss(gradOutput, input, moved, options) };
    };
    // four points, so the difference is exact for the cubic pieces (two would leave h^2 f''' / 6)
    const samples = [-2 * h, -h, h, 2 * h].map(at);
    const weights = derivativeWeights(samples.map((s) => s.offset));
    result[i] = samples.reduce((sum, s, k) => sum + weights[k] * s.value, 0);
  }
  return result;
}

function inputFiniteDifference({ input, grid, gradOutput, options }: Case): Float32Array {
  const result = new Float32Array(input.data.length);
  for (let i = 0; i < input.data.length; i++) {
    const plus = { data: input.data.slice(), shape: input.shape };
    const minus = { data: input.data.slice(), shape: input.shape };
    plus.data[i] = f(input.data[i] + 0.25);
    minus.data[i] = f(input.data[i] - 0.25);
    result[i] =
      (loss(gradOutput, plus, grid, options) - loss(gradOutput, minus, grid, options)) / (plus.data[i] - minus.data[i]);
  }
  return result;
}

const combos = ([2, 3] as const).flatMap((dims) =>
  (dims === 2 ? (['bilinear', 'nearest', 'bicubic'] as const) : (['bilinear', 'nearest'] as const)).flatMap((mode) =>
    (['zeros', 'border', 'reflection'] as const).flatMap((padding) =>
      [false, true].map(
        (align) => [`${dims}-D ${mode} ${padding} align=${align}`, dims, mode, padding, align] as const,
      ),
    ),
  ),
);

/** Worst scaled error of every comparison in this file, printed and held to the table at the end. */
const measured = { gradient: 0, transformer: 0 };

const toleranceOf = { gradient: TOLERANCE.finiteDifference, transformer: TOLERANCE.finiteDifferenceTransformer };

function expectMatches(key: keyof typeof measured, actual: ArrayLike<number>, fd: ArrayLike<number>, label: string) {
  const result: Comparison = compare(actual, fd, toleranceOf[key]);
  measured[key] = Math.max(measured[key], result.scaledError);
  expect(result.ok, `${label}: ${describeComparison(result)}`).toBe(true);
}

describe('CPU backward equals finite differences of the CPU forward', () => {
  it.each(combos)('%s', (_, dims, mode, padding, align) => {
    for (let seed = 1; seed <= 6; seed++) {
      const c = randomCase(seed * 7919 + dims * 31 + mode.length, dims, mode, padding, align);
      const { gradInput, gradGrid } = gridSampleBackwardCpu(c.gradOutput, c.input, c.grid, c.options);
      const fdGrid = gridFiniteDifference(c);
      const fdInput = inputFiniteDifference(c);
      const label = `seed ${seed} grid ${c.grid.shape} ${[...c.grid.data]}`;
      expectMatches('gradient', gradGrid.data, fdGrid, `gradGrid ${label}`);
      expectMatches('gradient', gradInput.data, fdInput, `gradInput ${label}`);
      if (mode === 'nearest') expect(gradGrid.data.every((v) => v === 0)).toBe(true);
    }
  });

  it('affine_grid backward equals finite differences through a whole spatial transformer', () => {
    for (const [size, align] of [
      [[1, 2, 6, 7], false],
      [[2, 1, 5, 4], true],
      [[1, 2, 3, 4, 5], false],
    ] as const) {
      const dims = size.length - 2;
      const theta = randomTensor([size[0], dims, dims + 1], 11, -0.2, 0.2);
      for (let i = 0; i < theta.data.length; i++) if (i % (dims + 2) === 0) theta.data[i] += 1; // near identity
      const input = randomTensor([...size], 12);
      const options = { alignCorners: align, paddingMode: 'border' as const };
      const gradOutput = randomTensor(
        gridSampleCpu(input, affineGridCpu(theta, size, options), options).shape as number[],
        13,
      );
      const lossOf = (t: Tensor) => loss(gradOutput, input, affineGridCpu(t, size, options), options);
      const { gradGrid } = gridSampleBackwardCpu(gradOutput, input, affineGridCpu(theta, size, options), options);
      const gradTheta = affineGridBackwardCpu(gradGrid, size, options);
      const fd = theta.data.map((_, i) => {
        const plus = { data: theta.data.slice(), shape: theta.shape };
        const minus = { data: theta.data.slice(), shape: theta.shape };
        plus.data[i] += 1e-4;
        minus.data[i] -= 1e-4;
        return (lossOf(plus) - lossOf(minus)) / (plus.data[i] - minus.data[i]);
      });
      // near-identity grids sit close to pixel centres (cell edges), hence the small step; float32
      // rounding of every output then dominates the difference
      expectMatches('transformer', gradTheta.data, fd, `size ${size}`);
    }
  });
});

describe('gradInput is the adjoint of the forward', () => {
  it.each(combos)('<gradOutput, forward(input)> = <gradInput, input>, %s', (_, dims, mode, padding, align) => {
    const next = rng(dims * 1000 + mode.length * 10 + padding.length + Number(align));
    const spatial = Array.from({ length: dims }, () => 1 + Math.floor(next() * 6));
    const input = randomTensor([2, 3, ...spatial], 21);
    // grid values anywhere, including huge and infinite ones: the forward is linear in the input regardless
    const grid = randomTensor([2, ...spatial.map(() => 4), dims], 22, -2.5, 2.5);
    grid.data[0] = Infinity;
    grid.data[dims + 1] = -1e30;
    const options = { mode, paddingMode: padding, alignCorners: align };
    const gradOutput = randomTensor(gridSampleCpu(input, grid, options).shape as number[], 23);
    const { gradInput } = gridSampleBackwardCpu(gradOutput, input, grid, options);
    let dot = 0;
    let size = 0; // sum of |terms|: the scale of float32 rounding in either sum
    for (let i = 0; i < input.data.length; i++) {
      dot += gradInput.data[i] * input.data[i];
      size += Math.abs(gradInput.data[i] * input.data[i]);
    }
    const result = compare([dot], [loss(gradOutput, input, grid, options)], TOLERANCE.backward, { scale: [size] });
    expect(result.ok, describeComparison(result)).toBe(true);
  });
});

describe('negative control: the finite-difference check', () => {
  it('rejects an analytic gradient off by 10x its tolerance, or with a small gradient zeroed', () => {
    const c = randomCase(7919, 2, 'bicubic', 'reflection', false);
    const { gradGrid } = gridSampleBackwardCpu(c.gradOutput, c.input, c.grid, c.options);
    const fd = { data: gridFiniteDifference(c), shape: c.grid.shape };
    const tolerance = TOLERANCE.finiteDifference;
    expect(compare(gradGrid.data, fd.data, tolerance).ok).toBe(true);
    const off = pushedOut(gradGrid, fd, peakIndex(fd.data), tolerance);
    expect(compare(off.data, fd.data, tolerance).ok).toBe(false);
    const small = zeroedSmallest(gradGrid, fd, 1e-2);
    expect(small, 'a gradient above 1e-2').toBeDefined();
    expect(compare(small?.tensor.data ?? [], fd.data, tolerance).ok).toBe(false);
  });
});

describe('the finite-difference tolerances', () => {
  it('stay within 10x of the worst errors measured above', () => {
    for (const key of ['gradient', 'transformer'] as const) {
      console.log(
        `finite differences (${key}): worst ${measured[key].toExponential(2)} x max(1, peak), ` +
          `tolerance ${toleranceOf[key].abs}`,
      );
      expect(measured[key], key).toBeGreaterThan(0); // the comparisons above ran
      expect(toleranceOf[key].abs, key).toBeLessThanOrEqual(10 * measured[key]);
    }
  });
});
