import { describe, expect, it } from 'vitest';
import { affineGridCpu, gridSample, gridSampleCpu, type Tensor } from '../../src/index.js';

const t = (shape: number[], data = new Float32Array(shape.reduce((a, b) => a * b, 1))): Tensor => ({ data, shape });
const input4 = t([1, 2, 3, 3]);
const grid4 = t([1, 2, 2, 2]);

describe('bad input gets a specific error', () => {
  it.each([
    [
      'wrong input rank',
      () => gridSampleCpu(t([2, 3, 3]), grid4),
      RangeError,
      /input must be 4-D \[N, C, H, W\] or 5-D.*got 3-D \[2, 3, 3\]/,
    ],
    [
      'grid rank differs',
      () => gridSampleCpu(input4, t([1, 2, 2, 2, 2])),
      RangeError,
      /grid must be 4-D \[N, H_out, W_out, 2\].*got 5-D/,
    ],
    [
      'grid last dim',
      () => gridSampleCpu(input4, t([1, 2, 2, 3])),
      RangeError,
      /last dimension of grid must be 2 \(x, y\).*\[1, 2, 2, 3\]/,
    ],
    [
      '3-D grid last dim',
      () => gridSampleCpu(t([1, 1, 2, 2, 2]), t([1, 1, 1, 1, 2])),
      RangeError,
      /last dimension of grid must be 3 \(x, y, z\)/,
    ],
    [
      'batch mismatch',
      () => gridSampleCpu(t([2, 1, 3, 3]), grid4),
      RangeError,
      /grid batch size 1 must equal input batch size 2/,
    ],
    [
      'data length',
      () => gridSampleCpu(t([1, 2, 3, 3], new Float32Array(17)), grid4),
      RangeError,
      /input.data has 17 elements but input.shape \[1, 2, 3, 3\] needs 18/,
    ],
    [
      'unknown mode',
      () => gridSampleCpu(input4, grid4, { mode: 'linear' as never }),
      TypeError,
      /mode must be one of 'bilinear', 'nearest', 'bicubic', got "linear"/,
    ],
    [
      'unknown padding',
      () => gridSampleCpu(input4, grid4, { paddingMode: 'wrap' as never }),
      TypeError,
      /paddingMode must be one of 'zeros', 'border', 'reflection', got "wrap"/,
    ],
    ['non-string mode', () => gridSampleCpu(input4, grid4, { mode: 1 as never }), TypeError, /mode must be one of/],
    [
      'alignCorners not boolean',
      () => gridSampleCpu(input4, grid4, { alignCorners: 'yes' as never }),
      TypeError,
      /alignCorners must be a boolean/,
    ],
    [
      'bicubic with 5-D input',
      () => gridSampleCpu(t([1, 1, 2, 2, 2]), t([1, 1, 1, 1, 3]), { mode: 'bicubic' }),
      RangeError,
      /'bicubic' supports only 4-D input/,
    ],
    [
      'Float64Array data',
      () => gridSampleCpu({ data: new Float64Array(18) as never, shape: [1, 2, 3, 3] }, grid4),
      TypeError,
      /input.data must be a Float32Array, got Float64Array/,
    ],
    [
      'plain array data',
      () => gridSampleCpu(input4, { data: [0, 0] as never, shape: [1, 1, 1, 2] }),
      TypeError,
      /grid.data must be a Float32Array, got Array/,
    ],
    [
      'negative dim',
      () => gridSampleCpu(t([1, 2, 3, 3]), { data: new Float32Array(0), shape: [1, -2, 2, 2] }),
      RangeError,
      /grid.shape\[1\] must be a non-negative integer, got -2/,
    ],
    [
      'fractional dim',
      () => gridSampleCpu({ data: new Float32Array(0), shape: [1, 1.5, 3, 3] }, grid4),
      RangeError,
      /input.shape\[1\] must be a non-negative integer, got 1.5/,
    ],
    [
      'empty spatial input',
      () => gridSampleCpu(t([1, 2, 0, 3]), grid4),
      RangeError,
      /input spatial dimensions must be non-empty/,
    ],
    ['missing tensor', () => gridSampleCpu(undefined as never, grid4), TypeError, /input must be a Tensor/],
    [
      'theta shape 2-D',
      () => affineGridCpu(t([1, 3, 3]), [1, 1, 4, 4]),
      RangeError,
      /theta must be \[N, 2, 3\] for 2-D size \[1, 1, 4, 4\], got \[1, 3, 3\]/,
    ],
    ['theta shape 3-D', () => affineGridCpu(t([1, 2, 3]), [1, 1, 2, 4, 4]), RangeError, /theta must be \[N, 3, 4\]/],
    [
      'theta batch',
      () => affineGridCpu(t([2, 2, 3]), [1, 1, 4, 4]),
      RangeError,
      /theta batch size 2 must equal size\[0\] = 1/,
    ],
    [
      'size length',
      () => affineGridCpu(t([1, 2, 3]), [4, 4]),
      RangeError,
      /size must be \[N, C, H, W\] or \[N, C, D, H, W\]/,
    ],
  ] as const)('%s', (_, call, type, message) => {
    expect(call).toThrow(type);
    expect(call).toThrow(message);
  });

  it('rejects an unknown backend', async () => {
    await expect(gridSample(input4, grid4, { backend: 'gpu' as never })).rejects.toThrow(
      /backend must be one of 'auto', 'webgpu', 'wasm', 'cpu', got "gpu"/,
    );
  });
});

describe('outputs too large for one Float32Array', () => {
  it('grid_sample and affine_grid throw a RangeError naming the output instead of the engine error', () => {
    // 2^20 channels of 1 x 1 sampled at 2^13 points: 2^33 outputs, past V8's 2^32 and any real memory
    const input = t([1, 2 ** 20, 1, 1]);
    const grid = t([1, 2 ** 13, 1, 2]);
    expect(() => gridSampleCpu(input, grid)).toThrow(RangeError);
    expect(() => gridSampleCpu(input, grid)).toThrow(
      /^grid_sample: the output \[1, 1048576, 8192, 1\] has 8589934592 float32 values, more than this JavaScript engine could allocate/,
    );
    expect(() => affineGridCpu(t([1, 2, 3]), [1, 1, 2 ** 17, 2 ** 16])).toThrow(
      /^affine_grid: the output \[1, 131072, 65536, 2\] has 17179869184 float32 values/,
    );
  });
});
