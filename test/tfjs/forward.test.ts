// gridSample and affineGrid of webgpu-grid-sample/tfjs against the CPU reference (gridSampleCpu with
// layout 'nhwc', affineGridCpu), every mode, padding and alignCorners, 2-D and 3-D, on TF.js's webgpu
// backend (the GPU kernels on TF.js's device, within the forward tolerance) and its cpu backend (the CPU
// reference itself: exact); and their argument errors.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { affineGridCpu, gridSampleCpu, type Tensor } from '../../src/index.js';
import { affineGrid, gridSample } from '../../src/tfjs.js';
import { backwardOptionGrid } from '../helpers/backward-cases.js';
import { useErrorScopes } from '../helpers/gpu.js';
import { randomTensor } from '../helpers/random.js';
import { fromTensor, registerWebGpuBackend, tf, toTensor } from '../helpers/tfjs.js';
import { affineGridScale, expectClose, forwardTolerance, TOLERANCE, type Tolerance } from '../helpers/tolerance.js';

const device = await registerWebGpuBackend();
const seed = 20_260_212;

/** A channels-last input and a grid reaching past the edges, for one rank. */
function sampleCase(dims: 2 | 3, caseSeed: number) {
  const input = randomTensor(dims === 2 ? [2, 5, 7, 3] : [2, 3, 4, 5, 2], caseSeed);
  const grid = randomTensor(dims === 2 ? [2, 4, 6, 2] : [2, 2, 3, 4, 3], caseSeed + 1, -1.2, 1.2);
  return { input, grid };
}

for (const backend of ['webgpu', 'cpu'] as const) {
  describe.skipIf(backend === 'webgpu' && !device)(`webgpu-grid-sample/tfjs on the ${backend} backend`, () => {
    beforeAll(async () => {
      expect(await tf.setBackend(backend)).toBe(true);
    });
    if (backend === 'webgpu') useErrorScopes(() => device as GPUDevice);
    afterAll(() => tf.disposeVariables());

    it('covers every mode x padding x alignCorners in 2-D and 3-D', () => {
      expect([backwardOptionGrid(2).length, backwardOptionGrid(3).length]).toEqual([18, 12]);
    });

    /** Exact on the cpu backend (it runs the reference); within `tolerance` on the GPU. */
    const expectSame = (actual: Tensor, expected: Tensor, tolerance: Tolerance, label: string, scale?: Float32Array) =>
      backend === 'cpu'
        ? expect(actual, label).toEqual(expected)
        : expectClose(actual, expected, tolerance, label, { scale });

    for (const dims of [2, 3] as const) {
      it.each(backwardOptionGrid(dims).map((o, i) => [`${o.mode} ${o.paddingMode} ${o.alignCorners}`, o, i] as const))(
        `gridSample ${dims}-D %s equals gridSampleCpu with layout 'nhwc'`,
        async (_, options, i) => {
          const { input, grid } = sampleCase(dims, seed + 10 * i + dims);
          const out = tf.tidy(() => gridSample(fromTensor(input), fromTensor(grid), options));
          const expected = gridSampleCpu(input, grid, { ...options, layout: 'nhwc' });
          expectSame(
            await toTensor(out),
            expected,
            forwardTolerance(options.mode),
            `${dims}-D ${JSON.stringify(options)}`,
          );
          out.dispose();
        },
      );
    }

    // int32 input is cast; on webgpu the float32 tensor of tf.cast(int32) keeps the int32 words
    // (a lossless cast copies nothing), which the kernel converts
    it("takes channels-first tensors with layout 'nchw', and int32 input, cast or not", async () => {
      const input = randomTensor([1, 2, 5, 4], seed + 100);
      const grid = randomTensor([1, 3, 3, 2], seed + 101, -1.1, 1.1);
      const out = gridSample(fromTensor(input), fromTensor(grid), { layout: 'nchw', mode: 'bicubic' });
      expectSame(await toTensor(out), gridSampleCpu(input, grid, { mode: 'bicubic' }), TOLERANCE.forward, 'nchw');
      const ints = tf.tensor4d([1, 2, 3, 4, 5, 6], [1, 2, 3, 1], 'int32');
      const sampled = gridSample(ints, tf.tensor4d([0, 0, -1, -1], [1, 1, 2, 2]), { alignCorners: true });
      expect(sampled.dtype).toBe('float32');
      expect(Array.from(await sampled.data())).toEqual([3.5, 1]);
      const cast = gridSample(tf.cast(ints, 'float32'), tf.tensor4d([0, 0, -1, -1], [1, 1, 2, 2]), {
        alignCorners: true,
      });
      expect(Array.from(await cast.data())).toEqual([3.5, 1]);
      tf.dispose([out, ints, sampled, cast]);
    });

    it('gives an empty result for an empty grid', async () => {
      const out = gridSample(tf.ones([1, 3, 3, 2]), tf.zeros([1, 0, 4, 2]));
      expect(out.shape).toEqual([1, 0, 4, 2]);
      expect((await out.data()).length).toBe(0);
      out.dispose();
    });

    it.each([
      ['2-D', [2, 6, 5, 3], [2, 2, 3]],
      ['3-D', [1, 3, 4, 5, 2], [1, 3, 4]],
    ] as const)('affineGrid %s equals affineGridCpu (size channels last)', async (_, size, thetaShape) => {
      for (const alignCorners of [false, true]) {
        const theta = randomTensor([...thetaShape], seed + 200, -1.2, 1.2);
        const grid = affineGrid(fromTensor(theta), size, { alignCorners });
        const channelsFirst = [size[0], size[size.length - 1], ...size.slice(1, -1)];
        const expected = affineGridCpu(theta, channelsFirst, { alignCorners });
        const scale = affineGridScale(theta.data, channelsFirst);
        expectSame(await toTensor(grid), expected, TOLERANCE.affine, `alignCorners ${alignCorners}`, scale);
        grid.dispose();
      }
    });
  });
}

describe('webgpu-grid-sample/tfjs argument errors', () => {
  beforeAll(() => tf.setBackend('cpu'));
  const t = (shape: number[]) => tf.zeros(shape);

  it.each([
    [
      'a non-tensor input',
      () => gridSample({} as never, t([1, 2, 2, 2])),
      TypeError,
      /^gridSample: input must be a tf.Tensor/,
    ],
    [
      'a string tensor',
      () => gridSample(tf.tensor(['a'], [1, 1, 1, 1]), t([1, 1, 1, 2])),
      TypeError,
      /^gridSample: input must hold numbers.*got dtype 'string'/,
    ],
    [
      'a channels-last shape mismatch',
      () => gridSample(t([1, 4, 4, 3]), t([2, 2, 2, 2])),
      RangeError,
      /grid batch size 2 must equal input batch size 1/,
    ],
    [
      'a bad mode',
      () => gridSample(t([1, 4, 4, 3]), t([1, 2, 2, 2]), { mode: 'linear' as never }),
      TypeError,
      /mode must be one of 'bilinear', 'nearest', 'bicubic'/,
    ],
    [
      'options that are not an object',
      () => gridSample(t([1, 4, 4, 3]), t([1, 2, 2, 2]), null as never),
      TypeError,
      /^gridSample: options must be an object, got null/,
    ],
    [
      'a channels-first size for affineGrid',
      () => affineGrid(t([1, 2, 3]), [1, 3, 8]),
      RangeError,
      /^affine_grid: size must be \[N, H, W, C\] or \[N, D, H, W, C\]/,
    ],
    [
      'a theta of the wrong rank for the size',
      () => affineGrid(t([1, 2, 3]), [1, 4, 4, 4, 3]),
      RangeError,
      /^affine_grid: theta must be \[N, 3, 4\] with N = size\[0\] = 1 for size \[1, 4, 4, 4, 3\], got \[1, 2, 3\]/,
    ],
    [
      'a non-boolean alignCorners',
      () => affineGrid(t([1, 2, 3]), [1, 4, 4, 3], { alignCorners: 1 as never }),
      TypeError,
      /alignCorners must be a boolean/,
    ],
  ] as const)('%s', (_, call, type, message) => {
    tf.tidy(() => {
      expect(call).toThrow(type);
      expect(call).toThrow(message);
    });
  });
});
