// A small spatial transformer in TensorFlow.js, the reusable core of examples/tfjs-spatial-transformer.ts:
// a localization network (average pooling, then one dense layer) predicts an affine theta for each image;
// affineGrid and gridSample of webgpu-grid-sample/tfjs warp the image by it; a TF.js optimizer trains the
// network so that the warped images match their targets. With targets made by one known transform, the
// network learns to predict that transform. On TF.js's webgpu backend every op stays on the GPU; the
// losses are read once, at the end of a run.
import * as tf from '@tensorflow/tfjs-core';
import { affineGrid, gridSample } from '../src/tfjs.js';

export interface TransformerSetup {
  /** Images to warp, channels last: [N, H, W, C]. */
  images: tf.Tensor4D;
  /** What each warped image should look like, the same shape. */
  targets: tf.Tensor4D;
  /** Adam's learning rate; default 0.01. */
  learningRate?: number;
  /** The localization network's average pooling window (and stride); default 4. */
  pool?: number;
}

/** The identity transform: the network's initial prediction (zero weights, this bias), as in the STN paper. */
const IDENTITY = [1, 0, 0, 0, 1, 0];

export class SpatialTransformer {
  private readonly weights: tf.Variable;
  private readonly bias: tf.Variable;
  private readonly optimizer: tf.Optimizer;

  constructor(private readonly setup: TransformerSetup) {
    const { images, pool = 4 } = setup;
    const [, h, w, c] = images.shape;
    const features = Math.floor(h / pool) * Math.floor(w / pool) * c;
    this.weights = tf.variable(tf.zeros([features, 6]), true, 'localization/weights');
    this.bias = tf.variable(tf.tensor1d(IDENTITY), true, 'localization/bias');
    this.optimizer = tf.train.adam(setup.learningRate ?? 0.01);
  }

  /** The theta [N, 2, 3] the localization network predicts for each image. */
  predict(images: tf.Tensor4D): tf.Tensor3D {
    const pool = this.setup.pool ?? 4;
    return tf.tidy(() => {
      const pooled = tf.avgPool(images, pool, pool, 'valid');
      const features = tf.reshape(pooled, [images.shape[0], -1]);
      return tf.reshape(tf.add(tf.matMul(features, this.weights), this.bias), [images.shape[0], 2, 3]);
    });
  }

  /** The images warped by their predicted transforms: grid_sample(image, affine_grid(theta)). */
  transform(images: tf.Tensor4D): tf.Tensor4D {
    return tf.tidy(() => gridSample(images, affineGrid(this.predict(images), images.shape)) as tf.Tensor4D);
  }

  /** `steps` optimizer steps on the mean squared error; resolves with the loss before each step. */
  async train(steps: number): Promise<Float32Array> {
    const { images, targets } = this.setup;
    const losses: tf.Scalar[] = [];
    for (let step = 0; step < steps; step++) {
      const loss = this.optimizer.minimize(() => tf.losses.meanSquaredError(targets, this.transform(images)), true, [
        this.weights,
        this.bias,
      ]);
      if (loss) losses.push(loss);
    }
    const stacked = tf.stack(losses);
    const values = (await stacked.data()) as Float32Array; // the one read of the run
    tf.dispose([stacked, ...losses]);
    return values;
  }

  dispose(): void {
    this.optimizer.dispose();
    tf.dispose([this.weights, this.bias]);
  }
}

/**
 * `count` pictures of soft coloured blobs, channels last [count, size, size, 3], each with its blobs in
 * other places (seeded, so every run sees the same pictures).
 */
export function blobImages(count: number, size: number): tf.Tensor4D {
  let state = 12345;
  const random = () => {
    state = (Math.imul(state, 1103515245) + 12345) >>> 0;
    return state / 2 ** 32;
  };
  const data = new Float32Array(count * size * size * 3);
  for (let n = 0; n < count; n++) {
    const blobs = Array.from({ length: 4 }, () => ({
      x: random() * 1.2 - 0.6,
      y: random() * 1.2 - 0.6,
      r: 0.12 + random() * 0.15,
      rgb: [random(), random(), random()],
    }));
    for (let i = 0; i < size; i++) {
      for (let j = 0; j < size; j++) {
        const x = ((j + 0.5) / size) * 2 - 1;
        const y = ((i + 0.5) / size) * 2 - 1;
        for (const { x: bx, y: by, r, rgb } of blobs) {
          const weight = Math.exp(-((x - bx) ** 2 + (y - by) ** 2) / (2 * r * r));
          for (let c = 0; c < 3; c++) data[((n * size + i) * size + j) * 3 + c] += rgb[c] * weight;
        }
      }
    }
  }
  return tf.tensor4d(data, [count, size, size, 3]);
}
