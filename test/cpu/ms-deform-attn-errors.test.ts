// Bad input to msDeformAttnCpu gets a specific error naming the argument, what was expected and what came.
import { describe, expect, it } from 'vitest';
import { msDeformAttnCpu, type Tensor } from '../../src/index.js';

const t = (shape: number[], data = new Float32Array(shape.reduce((a, b) => a * b, 1))): Tensor => ({ data, shape });
const levels: [number, number][] = [
  [2, 3],
  [1, 2],
]; // S = 8
const value = t([1, 8, 2, 4]);
const locations = t([1, 3, 2, 2, 4, 2]);
const weights = t([1, 3, 2, 2, 4]);

describe('msDeformAttnCpu: bad input gets a specific error', () => {
  it('accepts the valid call the cases below break', () => {
    expect(msDeformAttnCpu(value, levels, locations, weights).shape).toEqual([1, 3, 8]);
  });

  it.each([
    [
      'value rank',
      () => msDeformAttnCpu(t([8, 2, 4]), levels, locations, weights),
      RangeError,
      /value must be 4-D \[bs, S, heads, d\], got 3-D \[8, 2, 4\]/,
    ],
    [
      'samplingLocations rank',
      () => msDeformAttnCpu(value, levels, t([1, 3, 2, 2, 8]), weights),
      RangeError,
      /samplingLocations must be 6-D \[bs, Nq, heads, L, P, 2\], got 5-D/,
    ],
    [
      'attentionWeights rank',
      () => msDeformAttnCpu(value, levels, locations, t([1, 3, 2, 8])),
      RangeError,
      /attentionWeights must be 5-D \[bs, Nq, heads, L, P\], got 4-D/,
    ],
    [
      'S differs from the sum of level sizes',
      () => msDeformAttnCpu(t([1, 9, 2, 4]), levels, locations, weights),
      RangeError,
      /value has S = 9 positions .* spatialShapes \[\[2, 3\], \[1, 2\]\] add up to 8/,
    ],
    [
      'locations last dimension',
      () => msDeformAttnCpu(value, levels, t([1, 3, 2, 2, 4, 3]), weights),
      RangeError,
      /last dimension of samplingLocations must be 2 \(x, y\)/,
    ],
    [
      'batch size mismatch',
      () => msDeformAttnCpu(t([2, 8, 2, 4]), levels, locations, weights),
      RangeError,
      /samplingLocations batch size \(dim 0\) is 1 but must be 2/,
    ],
    [
      'heads mismatch',
      () => msDeformAttnCpu(t([1, 8, 3, 4]), levels, locations, weights),
      RangeError,
      /samplingLocations heads \(dim 2\) is 2 but must be 3/,
    ],
    [
      'levels mismatch',
      () => msDeformAttnCpu(t([1, 6, 2, 4]), [[2, 3]], locations, weights),
      RangeError,
      /samplingLocations levels \(dim 3\) is 2 but must be 1/,
    ],
    [
      'points mismatch',
      () => msDeformAttnCpu(value, levels, locations, t([1, 3, 2, 2, 3])),
      RangeError,
      /attentionWeights \[1, 3, 2, 2, 3\] must be \[bs, Nq, heads, L, P\] = \[1, 3, 2, 2, 4\].*dimension 4 differs/,
    ],
    [
      'queries mismatch',
      () => msDeformAttnCpu(value, levels, locations, t([1, 2, 2, 2, 4])),
      RangeError,
      /dimension 1 differs/,
    ],
    [
      'zero level height',
      () =>
        msDeformAttnCpu(
          t([1, 2, 2, 4]),
          [
            [0, 3],
            [1, 2],
          ],
          locations,
          weights,
        ),
      RangeError,
      /spatialShapes\[0\] is \[0, 3\]: every level needs a positive height and width/,
    ],
    [
      'negative level width',
      () =>
        msDeformAttnCpu(
          value,
          [
            [2, 3],
            [1, -2],
          ],
          locations,
          weights,
        ),
      RangeError,
      /spatialShapes\[1\] is \[1, -2\]: every level needs a positive/,
    ],
    [
      'non-integer level size',
      () =>
        msDeformAttnCpu(
          value,
          [
            [2, 3],
            [1, 2.5],
          ],
          locations,
          weights,
        ),
      TypeError,
      /spatialShapes\[1\] must hold integers, got \[1, 2.5\]/,
    ],
    [
      'level not a pair',
      () => msDeformAttnCpu(value, [[2, 3], [2] as never], locations, weights),
      TypeError,
      /spatialShapes\[1\] must be an \[H, W\] pair, got \[2\]/,
    ],
    [
      'no levels',
      () => msDeformAttnCpu(value, [], locations, weights),
      TypeError,
      /spatialShapes must be a non-empty array of \[H, W\] pairs/,
    ],
    [
      'spatialShapes not an array',
      () => msDeformAttnCpu(value, 'x' as never, locations, weights),
      TypeError,
      /spatialShapes must be a non-empty array/,
    ],
    [
      'value data length',
      () => msDeformAttnCpu(t([1, 8, 2, 4], new Float32Array(63)), levels, locations, weights),
      RangeError,
      /value.data has 63 elements but value.shape \[1, 8, 2, 4\] needs 64/,
    ],
    [
      'locations data length',
      () => msDeformAttnCpu(value, levels, t([1, 3, 2, 2, 4, 2], new Float32Array(5)), weights),
      RangeError,
      /samplingLocations.data has 5 elements/,
    ],
    [
      'weights data length',
      () => msDeformAttnCpu(value, levels, locations, t([1, 3, 2, 2, 4], new Float32Array(50))),
      RangeError,
      /attentionWeights.data has 50 elements but attentionWeights.shape \[1, 3, 2, 2, 4\] needs 48/,
    ],
    [
      'Float64Array data',
      () => msDeformAttnCpu({ data: new Float64Array(64) as never, shape: [1, 8, 2, 4] }, levels, locations, weights),
      TypeError,
      /value.data must be a Float32Array, got Float64Array/,
    ],
    [
      'fractional dim',
      () => msDeformAttnCpu(value, levels, { data: new Float32Array(0), shape: [1, 1.5, 2, 2, 4, 2] }, weights),
      RangeError,
      /samplingLocations.shape\[1\] must be a non-negative integer, got 1.5/,
    ],
    [
      'missing tensor',
      () => msDeformAttnCpu(value, levels, locations, undefined as never),
      TypeError,
      /attentionWeights must be a Tensor/,
    ],
  ] as const)('%s', (_, call, type, message) => {
    expect(call).toThrow(type);
    expect(call).toThrow(message);
  });

  it('prefixes every shape error with the op name', () => {
    expect(() => msDeformAttnCpu(t([1, 9, 2, 4]), levels, locations, weights)).toThrow(/^ms_deform_attn: /);
  });
});
