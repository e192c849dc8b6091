// Shape checks of multi-scale deformable attention, shared by the CPU reference and the GPU op: every
// check runs before any work, and each message names the argument, what was expected and what came.
import { checkShape, MAX_SPATIAL_SIZE } from './options.js';

/** Sizes of one multi-scale deformable attention call, derived from checked shapes. */
export interface MsDeformAttnGeometry {
  /** batch size */
  bs: number;
  /** value positions over all levels: sum of H_l * W_l */
  s: number;
  heads: number;
  /** channels per head */
  d: number;
  /** queries */
  nq: number;
  /** levels (L) */
  levels: number;
  /** sampling points per level (P) */
  points: number;
  /** [H_l, W_l] of each level, checked */
  levelShapes: readonly (readonly [number, number])[];
  /** first value position of each level: the running sum of H_l * W_l */
  levelStarts: readonly number[];
  /** [bs, Nq, heads * d] */
  outputShape: number[];
}

const OP = 'ms_deform_attn';
const fmt = (shape: readonly unknown[]): string =>
  `[${shape.map((x) => (Array.isArray(x) ? fmt(x) : String(x))).join(', ')}]`;

function checkRank(name: string, shape: readonly number[], rank: number, form: string): void {
  if (shape.length !== rank) {
    throw new RangeError(`${OP}: ${name} must be ${rank}-D ${form}, got ${shape.length}-D ${fmt(shape)}`);
  }
}

/** Checks `spatialShapes`: a non-empty list of [H, W] pairs of positive integers. */
export function checkSpatialShapes(
  spatialShapes: unknown,
): asserts spatialShapes is readonly (readonly [number, number])[] {
  if (!Array.isArray(spatialShapes) || spatialShapes.length === 0) {
    throw new TypeError(
      `${OP}: spatialShapes must be a non-empty array of [H, W] pairs, one per level, got ${Array.isArray(spatialShapes) ? '[]' : typeof spatialShapes}`,
    );
  }
  for (const [l, pair] of spatialShapes.entries()) {
    if (!Array.isArray(pair) || pair.length !== 2) {
      throw new TypeError(
        `${OP}: spatialShapes[${l}] must be an [H, W] pair, got ${Array.isArray(pair) ? fmt(pair) : String(pair)}`,
      );
    }
    for (const size of pair) {
      if (typeof size !== 'number' || !Number.isSafeInteger(size)) {
        throw new TypeError(`${OP}: spatialShapes[${l}] must hold integers, got ${fmt(pair)}`);
      }
      if (size <= 0) {
        throw new RangeError(
          `${OP}: spatialShapes[${l}] is ${fmt(pair)}: every level needs a positive height and width (an empty level has nothing to sample)`,
        );
      }
      if (size > MAX_SPATIAL_SIZE) {
        throw new RangeError(
          `${OP}: spatialShapes[${l}] is ${fmt(pair)}, above ${MAX_SPATIAL_SIZE}: float32 coordinates cannot address it`,
        );
      }
    }
  }
}

/**
 * Validates the shapes of value `[bs, S, heads, d]`, samplingLocations `[bs, Nq, heads, L, P, 2]` and
 * attentionWeights `[bs, Nq, heads, L, P]` against `spatialShapes` (L pairs [H_l, W_l], S = sum of
 * H_l * W_l) and derives the sizes and the output shape `[bs, Nq, heads * d]`.
 */
export function msDeformAttnGeometry(
  valueShape: readonly number[],
  spatialShapes: unknown,
  locationsShape: readonly number[],
  weightsShape: readonly number[],
): MsDeformAttnGeometry {
  checkShape('value shape', valueShape);
  checkShape('samplingLocations shape', locationsShape);
  checkShape('attentionWeights shape', weightsShape);
  checkRank('value', valueShape, 4, '[bs, S, heads, d]');
  checkRank('samplingLocations', locationsShape, 6, '[bs, Nq, heads, L, P, 2]');
  checkRank('attentionWeights', weightsShape, 5, '[bs, Nq, heads, L, P]');
  checkSpatialShapes(spatialShapes);
  const [bs, s, heads, d] = valueShape;
  const [, nq, , levels, points] = locationsShape;
  const levelStarts: number[] = [];
  let total = 0;
  for (const [h, w] of spatialShapes) {
    levelStarts.push(total);
    total += h * w;
  }
  if (s !== total) {
    throw new RangeError(
      `${OP}: value has S = ${s} positions (value ${fmt(valueShape)}) but spatialShapes ${fmt(spatialShapes)} ` +
        `add up to ${total} (the sum of H * W over levels); pass the level shapes the value was flattened from`,
    );
  }
  if (locationsShape[5] !== 2) {
    throw new RangeError(`${OP}: the last dimension of samplingLocations must be 2 (x, y), got ${fmt(locationsShape)}`);
  }
  const expectLocations: [string, number, number][] = [
    ['batch size (dim 0)', locationsShape[0], bs],
    ['heads (dim 2)', locationsShape[2], heads],
    ['levels (dim 3)', locationsShape[3], spatialShapes.length],
  ];
  for (const [what, got, want] of expectLocations) {
    if (got !== want) {
      throw new RangeError(
        `${OP}: samplingLocations ${what} is ${got} but must be ${want} ` +
          `(value ${fmt(valueShape)}, spatialShapes has ${spatialShapes.length} levels, samplingLocations ${fmt(locationsShape)})`,
      );
    }
  }
  for (let i = 0; i < 5; i++) {
    if (weightsShape[i] !== locationsShape[i]) {
      throw new RangeError(
        `${OP}: attentionWeights ${fmt(weightsShape)} must be [bs, Nq, heads, L, P] = ${fmt(locationsShape.slice(0, 5))}, ` +
          `the first five dimensions of samplingLocations ${fmt(locationsShape)}; dimension ${i} differs`,
      );
    }
  }
  return {
    bs,
    s,
    heads,
    d,
    nq,
    levels,
    points,
    levelShapes: spatialShapes,
    levelStarts,
    outputShape: [bs, nq, heads * d],
  };
}
