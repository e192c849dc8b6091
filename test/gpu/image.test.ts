// Image warping on the GPU (RGBA8 in, RGBA8 out) against the CPU reference on the float image.
import { afterAll, describe, expect, it } from 'vitest';
import {
  gridSampleCpu,
  type ImageDataLike,
  imageFromTensor,
  readImage,
  tensorFromImage,
  textureFromImage,
  warpImage,
} from '../../src/index.js';
import { createTestDevice, useErrorScopes } from '../helpers/gpu.js';
import { randomTensor } from '../helpers/random.js';

const device = await createTestDevice();

function randomImage(width: number, height: number, seed: number): ImageDataLike {
  const values = randomTensor([width * height * 4], seed, 0, 256).data;
  return { data: Uint8ClampedArray.from(values, Math.floor), width, height };
}

describe('image helpers on the CPU', () => {
  it('round-trips RGBA bytes through a [1, 4, H, W] tensor', () => {
    const image = randomImage(7, 5, 1);
    const tensor = tensorFromImage(image);
    expect(tensor.shape).toEqual([1, 4, 5, 7]);
    expect(tensor.data[7 * 5 + 3]).toBeCloseTo(image.data[3 * 4 + 1] / 255, 7); // G of pixel 3
    expect(imageFromTensor(tensor).data).toEqual(image.data);
  });
});

describe.skipIf(!device)('warpImage on WebGPU', () => {
  const gpu = device as GPUDevice;
  afterAll(() => gpu.destroy());
  useErrorScopes(() => gpu);

  const image = randomImage(37, 29, 2);
  const grid = randomTensor([1, 23, 31, 2], 3, -1.2, 1.2);

  for (const mode of ['bilinear', 'nearest', 'bicubic'] as const) {
    for (const paddingMode of ['zeros', 'border', 'reflection'] as const) {
      for (const alignCorners of [false, true]) {
        const options = { mode, paddingMode, alignCorners };
        it(`${mode} ${paddingMode} alignCorners=${alignCorners} equals the CPU reference within 1/255`, async () => {
          const out = await readImage(gpu, warpImage(gpu, image, grid, options));
          const expected = imageFromTensor(gridSampleCpu(tensorFromImage(image), grid, options));
          expect([out.width, out.height]).toEqual([31, 23]);
          let worst = 0;
          for (let i = 0; i < expected.data.length; i++)
            worst = Math.max(worst, Math.abs(out.data[i] - expected.data[i]));
          expect(worst).toBeLessThanOrEqual(mode === 'nearest' ? 0 : 1);
        });
      }
    }
  }

  it('samples an existing texture into a caller texture', async () => {
    const source = textureFromImage(gpu, image);
    const target = gpu.createTexture({
      size: [31, 23],
      format: 'rgba8unorm',
      usage: GPUTextureUsage.STORAGE_BINDING | GPUTextureUsage.COPY_SRC,
    });
    expect(warpImage(gpu, source, grid, { target, mode: 'nearest' })).toBe(target);
    const expected = imageFromTensor(gridSampleCpu(tensorFromImage(image), grid, { mode: 'nearest' }));
    expect((await readImage(gpu, target)).data).toEqual(expected.data);
    source.destroy();
    target.destroy();
  });

  it('rejects pixels of the wrong length', () => {
    expect(() => textureFromImage(gpu, { data: new Uint8ClampedArray(10), width: 2, height: 2 })).toThrow(
      /data has 10 bytes, 2 x 2 RGBA needs 16/,
    );
  });
});
