// GPU residency and memory of webgpu-grid-sample/tfjs: on the webgpu backend a chain of 20 calls (and
// training steps) reads nothing back, yet gives the CPU reference's result; tf.memory() returns to where
// it started after dispose and tidy, on both backends, gradients included; our own buffer pool on TF.js's
// device stays flat.
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { contextFor } from '../../src/gpu/context.js';
import { affineGridCpu, gridSampleCpu, type Tensor } from '../../src/index.js';
import { affineGrid, gridSample } from '../../src/tfjs.js';
import { useErrorScopes } from '../helpers/gpu.js';
import { randomTensor } from '../helpers/random.js';
import { fromTensor, registerWebGpuBackend, tf, toTensor } from '../helpers/tfjs.js';
import { expectClose, peakScale, TOLERANCE } from '../helpers/tolerance.js';

const device = await registerWebGpuBackend();

const image = randomTensor([2, 12, 10, 3], 61);
// a gentle rotation and zoom, so 20 samplings in a row keep most of the picture
const theta = new Float32Array([0.98, -0.08, 0.02, 0.08, 0.98, -0.01]);
const size = [2, 12, 10, 3];
const thetas = () => tf.tensor3d([...theta, ...theta], [2, 2, 3]);
const CHAIN = 20;

/** The chain on the CPU reference: affine_grid once, then grid_sample 20 times. */
function cpuChain(): Tensor {
  const grid = affineGridCpu({ data: new Float32Array([...theta, ...theta]), shape: [2, 2, 3] }, [2, 3, 12, 10]);
  let x: Tensor = image;
  for (let i = 0; i < CHAIN; i++) x = gridSampleCpu(x, grid, { layout: 'nhwc', paddingMode: 'border' });
  return x;
}

describe.skipIf(!device)('webgpu backend: GPU-resident', () => {
  const gpu = device as GPUDevice;
  beforeAll(async () => {
    expect(await tf.setBackend('webgpu')).toBe(true);
  });
  useErrorScopes(() => gpu);
  afterEach(() => vi.restoreAllMocks());

  /** Spies on every way TF.js or WebGPU can bring data back to the CPU. */
  function spyOnReadbacks() {
    const backend = tf.backend() as unknown as Record<string, (...args: unknown[]) => unknown>;
    return [
      vi.spyOn(GPUBuffer.prototype, 'mapAsync'),
      vi.spyOn(backend, 'readSync'),
      vi.spyOn(backend, 'read'),
      vi.spyOn(backend, 'getBufferData'),
    ];
  }

  it(`a chain of ${CHAIN} gridSample calls reads nothing back, and equals the CPU reference's chain`, async () => {
    const input = fromTensor(image);
    const thetaTensor = thetas();
    await Promise.all([input.data(), thetaTensor.data()]); // uploads and reads before the spies start
    const spies = spyOnReadbacks();
    const out = tf.tidy(() => {
      const grid = affineGrid(thetaTensor, size);
      let x = input;
      for (let i = 0; i < CHAIN; i++) x = gridSample(x, grid, { paddingMode: 'border' });
      return x;
    });
    for (const spy of spies) expect(spy).not.toHaveBeenCalled();
    const expected = cpuChain();
    // each call adds at most the forward tolerance to the error it was given (bilinear border weights are
    // a convex combination, which does not grow an error): 20 calls, 20 times TOLERANCE.forward
    const scale = CHAIN * peakScale(expected.data);
    expectClose(await toTensor(out), expected, TOLERANCE.forward, 'chain', { scale });
    expect(spies[0]).toHaveBeenCalled(); // the spies see the one read that was asked for
    tf.dispose([out, input, thetaTensor]);
  });

  it('training steps of an optimizer through both ops read nothing back', async () => {
    const target = fromTensor(randomTensor([2, 12, 10, 3], 62));
    const input = fromTensor(image);
    const variable = tf.variable(thetas());
    const optimizer = tf.train.adam(0.01);
    const loss = () => tf.losses.meanSquaredError(target, gridSample(input, affineGrid(variable, size))) as tf.Scalar;
    optimizer.minimize(loss, false, [variable]); // the first step creates Adam's moments
    await variable.data();
    const spies = spyOnReadbacks();
    for (let step = 0; step < 5; step++) optimizer.minimize(loss, false, [variable]);
    for (const spy of spies) expect(spy).not.toHaveBeenCalled();
    const after = await variable.data();
    expect(Math.max(...after.map((v, k) => Math.abs(v - theta[k % 6])))).toBeGreaterThan(1e-3);
    optimizer.dispose();
    tf.dispose([target, input, variable]);
  });

  it('keeps its own buffer pool on the device flat over repeated calls', async () => {
    const input = fromTensor(image);
    const thetaTensor = thetas();
    const round = async () => {
      const grads = tf.tidy(() =>
        tf.grads((x: tf.Tensor, t: tf.Tensor) => tf.sum(gridSample(x, affineGrid(t, size))))([input, thetaTensor]),
      );
      await grads[1].data();
      tf.dispose(grads);
    };
    await round();
    const pool = contextFor(gpu).pool.liveBuffers;
    for (let i = 0; i < 10; i++) await round();
    expect(contextFor(gpu).pool.liveBuffers).toBe(pool);
    tf.dispose([input, thetaTensor]);
  });
});

for (const backend of ['webgpu', 'cpu'] as const) {
  describe.skipIf(backend === 'webgpu' && !device)(`tf.memory() on the ${backend} backend`, () => {
    beforeAll(async () => {
      expect(await tf.setBackend(backend)).toBe(true);
    });
    afterAll(() => tf.disposeVariables());

    const usage = () => {
      const memory = tf.memory() as tf.MemoryInfo & { numBytesInGPU?: number };
      return { tensors: memory.numTensors, bytes: memory.numBytes, gpuBytes: memory.numBytesInGPU ?? 0 };
    };

    it('returns to its start after dispose and after tidy, gradients included', async () => {
      const input = fromTensor(image);
      const thetaTensor = thetas();
      // a first call moves the inputs onto the GPU (webgpu: numBytesInGPU counts them from then on)
      tf.tidy(() => gridSample(input, affineGrid(thetaTensor, size)));
      const start = usage();
      // dispose: the results, and nothing else, were allocated
      const grid = affineGrid(thetaTensor, size);
      const out = gridSample(input, grid, { mode: 'bicubic' });
      expect(usage().tensors).toBe(start.tensors + 2);
      await out.data();
      tf.dispose([grid, out]);
      expect(usage()).toEqual(start);
      // tidy: intermediate tensors and gradients' internals are released, the kept gradient is not
      const gradTheta = tf.tidy(() =>
        tf.grad((t: tf.Tensor) => tf.mean(gridSample(input, affineGrid(t, size), { mode: 'nearest' })))(thetaTensor),
      );
      expect(usage().tensors).toBe(start.tensors + 1);
      await gradTheta.data();
      gradTheta.dispose();
      const total = tf.tidy(() => {
        const [a, b] = tf.grads((x: tf.Tensor, g: tf.Tensor) => tf.sum(gridSample(x, g)))([
          input,
          affineGrid(thetaTensor, size),
        ]);
        return tf.add(tf.sum(a), tf.sum(b));
      });
      // read, so TF.js submits its pending work: it frees the buffers of tensors that work uses then
      await total.data();
      total.dispose();
      expect(usage()).toEqual(start);
      tf.dispose([input, thetaTensor]);
    });
  });
}
