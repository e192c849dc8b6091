// A spatial transformer trained with TensorFlow.js on its webgpu backend, in Node with Dawn:
//
//   npm run example:tfjs   # = npx vite-node examples/tfjs-spatial-transformer.ts
//
// Targets are made by warping blob pictures with one known affine transform; Adam then trains a small
// localization network, through gridSample and affineGrid of webgpu-grid-sample/tfjs and their
// gradients, until it predicts that transform for every picture. Without a GPU, Dawn runs on
// SwiftShader (Debian's chromium package).
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-core/dist/register_all_gradients'; // TF.js's own ops' gradients (@tensorflow/tfjs does this)
import { affineGrid, gridSample } from '../src/tfjs.js';
import { installNodeWebGpu } from './node-webgpu.js';
import { affineTheta } from './register-core.js';
import { blobImages, SpatialTransformer } from './tfjs-spatial-transformer-core.js';

await installNodeWebGpu(); // navigator.gpu from Dawn: tfjs-backend-webgpu registers 'webgpu' on import
await import('@tensorflow/tfjs-backend-webgpu');
if (!(await tf.setBackend('webgpu'))) throw new Error('TF.js could not start its webgpu backend');

const images = blobImages(4, 32);
const trueTheta = affineTheta(10, [1.08, 0.94], [0.1, -0.06]);
const targets = tf.tidy(
  () =>
    gridSample(
      images,
      affineGrid(
        tf.tensor3d(
          [...Array(4)].flatMap(() => [...trueTheta]),
          [4, 2, 3],
        ),
        images.shape,
      ),
    ) as tf.Tensor4D,
);

const transformer = new SpatialTransformer({ images, targets });
const format = (t: ArrayLike<number>) => Array.from(t, (v) => v.toFixed(4).padStart(8)).join(' ');
const started = performance.now();
for (let round = 1; round <= 6; round++) {
  const losses = await transformer.train(50);
  const theta = await transformer.predict(images).data();
  console.log(
    `step ${String(round * 50).padStart(3)}  loss ${losses.at(-1)?.toExponential(3)}  theta[0] ${format(theta.subarray(0, 6))}`,
  );
}
const predicted = await transformer.predict(images).data();
const error = Math.max(...predicted.map((v, i) => Math.abs(v - trueTheta[i % 6])));
console.log(`\ntrue theta         ${format(trueTheta)}`);
for (let n = 0; n < 4; n++) console.log(`predicted, image ${n} ${format(predicted.subarray(6 * n, 6 * n + 6))}`);
console.log(
  `max |error| ${error.toExponential(2)} after 300 steps in ${((performance.now() - started) / 1000).toFixed(2)} s`,
);
transformer.dispose();
tf.dispose([images, targets]);
