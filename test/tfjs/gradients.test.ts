// Gradients of webgpu-grid-sample/tfjs through TF.js's own machinery (tf.grads, tf.variableGrads, an
// optimizer) against the CPU reference's backward (gridSampleBackwardCpu with layout 'nhwc',
// affineGridBackwardCpu), on the webgpu backend (within the gradient tolerance) and the cpu backend.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  affineGridBackwardCpu,
  affineGridCpu,
  gridSampleBackwardCpu,
  gridSampleCpu,
  type Tensor,
} from '../../src/index.js';
import { affineGrid, gridSample } from '../../src/tfjs.js';
import { backwardOptionGrid } from '../helpers/backward-cases.js';
import { useErrorScopes } from '../helpers/gpu.js';
import { gradientScales } from '../helpers/gradient-scale.js';
import { randomTensor } from '../helpers/random.js';
import { fromTensor, registerWebGpuBackend, tf, toTensor } from '../helpers/tfjs.js';
import { type CompareOptions, expectClose, TOLERANCE, type Tolerance } from '../helpers/tolerance.js';

const device = await registerWebGpuBackend();
const seed = 20_260_312;

const expectGradient = async (
  actual: tf.Tensor,
  expected: Tensor,
  tolerance: Tolerance,
  label: string,
  options?: CompareOptions,
) => expectClose(await toTensor(actual), expected, tolerance, label, options);

for (const backend of ['webgpu', 'cpu'] as const) {
  describe.skipIf(backend === 'webgpu' && !device)(`gradients on the ${backend} backend`, () => {
    beforeAll(async () => {
      expect(await tf.setBackend(backend)).toBe(true);
    });
    if (backend === 'webgpu') useErrorScopes(() => device as GPUDevice);
    afterAll(() => tf.disposeVariables());

    it('covers every mode x padding x alignCorners in 2-D and 3-D', () => {
      expect([backwardOptionGrid(2).length, backwardOptionGrid(3).length]).toEqual([18, 12]);
    });

    for (const dims of [2, 3] as const) {
      it.each(backwardOptionGrid(dims).map((o, i) => [`${o.mode} ${o.paddingMode} ${o.alignCorners}`, o, i] as const))(
        `tf.grads of gridSample ${dims}-D %s: d/d input and d/d grid equal gridSampleBackwardCpu`,
        async (_, options, i) => {
          const input = randomTensor(dims === 2 ? [2, 5, 6, 3] : [2, 3, 4, 5, 2], seed + 10 * i + dims);
          const grid = randomTensor(dims === 2 ? [2, 4, 7, 2] : [2, 3, 2, 4, 3], seed + 10 * i + 5, -1.25, 1.25);
          const nhwc = { ...options, layout: 'nhwc' } as const;
          const dy = randomTensor([...gridSampleCpu(input, grid, nhwc).shape], seed + 10 * i + 7);
          const expected = gridSampleBackwardCpu(dy, input, grid, nhwc);
          // loss = sum(gridSample(input, grid) * dy): its gradient with respect to the output is dy
          const [gradInput, gradGrid] = tf.tidy(() =>
            tf.grads((x: tf.Tensor, g: tf.Tensor) => tf.sum(tf.mul(gridSample(x, g, options), fromTensor(dy))))([
              fromTensor(input),
              fromTensor(grid),
            ]),
          );
          const scales = gradientScales(dy, input, grid, nhwc, expected);
          await expectGradient(gradInput, expected.gradInput, TOLERANCE.backward, 'gradInput', scales.gradInput);
          await expectGradient(gradGrid, expected.gradGrid, TOLERANCE.backward, 'gradGrid', scales.gradGrid);
          tf.dispose([gradInput, gradGrid]);
        },
      );
    }

    it.each([
      ['2-D', [2, 5, 6, 3]],
      ['3-D', [1, 3, 4, 5, 2]],
    ] as const)('tf.grad of affineGrid %s with respect to theta equals affineGridBackwardCpu', async (_, size) => {
      const dims = size.length - 2;
      const theta = randomTensor([size[0], dims, dims + 1], seed + 400, -1, 1);
      const gridShape = [size[0], ...size.slice(1, -1), dims];
      const dGrid = randomTensor(gridShape, seed + 401);
      for (const alignCorners of [false, true]) {
        const gradTheta = tf.tidy(() =>
          tf.grad((t: tf.Tensor) => tf.sum(tf.mul(affineGrid(t, size, { alignCorners }), fromTensor(dGrid))))(
            fromTensor(theta),
          ),
        );
        const channelsFirst = [size[0], size[size.length - 1], ...size.slice(1, -1)];
        const expected = affineGridBackwardCpu(dGrid, channelsFirst, { alignCorners });
        await expectGradient(gradTheta, expected, TOLERANCE.affineBackward, `alignCorners ${alignCorners}`);
        gradTheta.dispose();
      }
    });

    // A spatial transformer: loss = mean((gridSample(image, affineGrid(theta)) - target)^2). Its theta
    // gradient, by the chain rule through the CPU reference: 2 (out - target) / count, then the two
    // backward passes.
    const image = randomTensor([1, 9, 8, 2], seed + 500);
    const target = randomTensor([1, 9, 8, 2], seed + 501);
    const theta0 = new Float32Array([0.95, -0.1, 0.05, 0.12, 1.05, -0.08]);
    const size = [1, 2, 9, 8]; // channels first, for the CPU reference
    function expectedGradTheta(theta: Float32Array): Tensor {
      const grid = affineGridCpu({ data: theta, shape: [1, 2, 3] }, size);
      const out = gridSampleCpu(image, grid, { layout: 'nhwc' });
      const dOut = out.data.map((v, k) => (2 * (v - target.data[k])) / out.data.length);
      const { gradGrid } = gridSampleBackwardCpu({ data: dOut, shape: out.shape }, image, grid, { layout: 'nhwc' });
      return affineGridBackwardCpu(gradGrid, size);
    }
    const loss = (theta: tf.Tensor) => () =>
      tf.losses.meanSquaredError(
        fromTensor(target),
        gridSample(fromTensor(image), affineGrid(theta, image.shape)),
      ) as tf.Scalar;

    it('tf.variableGrads of a spatial transformer equals the chain rule through the CPU reference', async () => {
      const theta = tf.variable(tf.tensor3d(theta0, [1, 2, 3]));
      const { value, grads } = tf.variableGrads(loss(theta), [theta]);
      await expectGradient(grads[theta.name], expectedGradTheta(theta0), TOLERANCE.affineBackward, 'theta');
      tf.dispose([value, grads[theta.name], theta]);
    });

    it('an SGD step of a TF.js optimizer moves theta by -learningRate x that gradient', async () => {
      const theta = tf.variable(tf.tensor3d(theta0, [1, 2, 3]));
      const learningRate = 0.5;
      const optimizer = tf.train.sgd(learningRate);
      optimizer.minimize(loss(theta), false, [theta]);
      const step = expectedGradTheta(theta0).data.map((g, k) => theta0[k] - learningRate * g);
      await expectGradient(theta, { data: step, shape: [1, 2, 3] }, TOLERANCE.affineBackward, 'theta after one step');
      expect(Math.max(...step.map((v, k) => Math.abs(v - theta0[k])))).toBeGreaterThan(1e-3); // it moved
      optimizer.dispose();
      theta.dispose();
    });
  });
}
