// The registration example converges on the GPU (SwiftShader in CI): gradient descent through
// grid_sample and affine_grid and their backward passes recovers a known affine transform.
import { describe, expect, it } from 'vitest';
import { AffineRegistration, affineTheta, syntheticImage } from '../../examples/register-core.js';
import { createTestDevice, useTestSampler } from '../helpers/gpu.js';

const device = await createTestDevice();

describe.skipIf(!device)('examples/register-core: affine registration by gradient descent on the GPU', async () => {
  const gpu = device as GPUDevice;
  const sampler = await useTestSampler(gpu);

  const image = syntheticImage(64);
  const trueTheta = affineTheta(12, [1.1, 0.92], [0.12, -0.08]);

  async function register() {
    const target = await sampler.gridSample(
      image,
      await sampler.affineGrid({ data: trueTheta, shape: [1, 2, 3] }, image.shape),
    );
    const registration = AffineRegistration.create({ sampler, image, target });
    const first = await registration.run(10);
    const last = await registration.run(140);
    registration.destroy();
    return { first, last };
  }

  it('recovers the true theta within 1e-2 in 150 steps, the loss falling', async () => {
    const { first, last } = await register();
    for (let i = 0; i < 6; i++) expect(Math.abs(last.theta[i] - trueTheta[i]), `theta[${i}]`).toBeLessThan(1e-2);
    expect(last.steps).toBe(150);
    expect(last.losses.at(-1)).toBeLessThan(first.losses[0] / 1000);
    // and it started far off: identity vs the true theta
    expect(Math.max(...[1, 0, 0, 0, 1, 0].map((v, i) => Math.abs(v - trueTheta[i])))).toBeGreaterThan(0.2);
  });

  it('is deterministic: no atomics in the loop (gradInput is not computed), so reruns match to the bit', async () => {
    const [a, b] = [await register(), await register()];
    expect(b.last.theta).toEqual(a.last.theta);
    expect(b.last.losses).toEqual(a.last.losses);
  });

  it('refuses to run past maxSteps', async () => {
    const registration = AffineRegistration.create({ sampler, image, target: image, maxSteps: 5 });
    await expect(registration.run(6)).rejects.toThrow(/steps must be an integer from 1 to 5 \(maxSteps\), got 6/);
    registration.destroy();
  });
});
