// The backward of affine_grid on a gradGrid larger than one binding: it runs in pieces of whole chunks
// of 256 grid points, each binding a slice of gradGrid and its own partial sums, a batch item split
// between pieces adding up in gradTheta. The result equals affineGridBackwardCpu, through the Tensor
// API and encodeAffineGridBackward alike, and is the same on every run.
import { afterAll, describe, expect, it } from 'vitest';
import { affineBackwardGeometry } from '../../src/backward-options.js';
import { planAffineGridBackward } from '../../src/gpu/ops/affine-grid-backward.js';
import { affineGridBackwardCpu, GridSampler, type Tensor } from '../../src/index.js';
import { createTestDevice, readBuffer, storageBuffer, useErrorScopes, useTestSampler } from '../helpers/gpu.js';
import { randomTensor } from '../helpers/random.js';
import { describeComparison, expectClose, TOLERANCE } from '../helpers/tolerance.js';

const defaultDevice = await createTestDevice('default');
const device = await createTestDevice();

const planOf = (gridShape: number[], size: number[], bytes: number) =>
  planAffineGridBackward(affineBackwardGeometry(gridShape, size), { bytes, name: 'maxChunkBytes' });

describe('the pieces of affine_grid backward', () => {
  it.each([
    { gridShape: [3, 37, 41, 2], size: [3, 1, 37, 41], bytes: 4096 },
    { gridShape: [2, 5, 9, 11, 3], size: [2, 1, 5, 9, 11], bytes: 4096 },
    { gridShape: [300, 1, 5, 2], size: [300, 1, 1, 5], bytes: 8192 },
  ])('cover $gridShape in order with slices of whole chunks that fit $bytes bytes', ({ gridShape, size, bytes }) => {
    const { pieces, chunks } = planOf(gridShape, size, bytes);
    const elements = gridShape.reduce((a, b) => a * b, 1);
    expect(pieces.length).toBeGreaterThan(1);
    let task = 0;
    let element = 0;
    for (const piece of pieces) {
      expect(piece.task).toBe(task);
      expect(piece.gradGrid).toHaveLength(1);
      expect(piece.gradGrid[0].to).toBe(element);
      expect(piece.gradGrid[0].length * 4).toBeLessThanOrEqual(bytes);
      task += piece.tasks;
      element += piece.gradGrid[0].length;
    }
    expect(task).toBe(gridShape[0] * chunks);
    expect(element).toBe(elements);
  });

  it('refuses, naming the limit, what cannot be split to fit it', () => {
    // a chunk of 256 2-D points is 2048 bytes
    expect(() => planOf([1, 40, 40, 2], [1, 1, 40, 40], 2044)).toThrow(
      /^affine_grid backward: gradGrid \(12800 bytes\) runs in pieces of whole chunks of up to 256 grid points, each 2048 bytes with 48 bytes of partial sums, more than maxChunkBytes = 2044 bytes; raise maxChunkBytes/,
    );
    // gradTheta is bound whole: 24 bytes per 2-D batch item
    expect(() => planOf([100, 1, 1, 2], [100, 1, 1, 1], 2048)).toThrow(
      /^affine_grid backward: gradTheta is 2400 bytes, more than maxChunkBytes = 2048 bytes/,
    );
  });
});

describe.skipIf(!device)('affine_grid backward in pieces with maxChunkBytes', async () => {
  const gpu = device as GPUDevice;
  const samplers: GridSampler[] = [];
  afterAll(() => {
    for (const sampler of samplers) sampler.destroy();
    gpu.destroy();
  });
  useErrorScopes(() => gpu);

  it.each([
    // pieces inside one batch item (2-D, 3-D), and pieces of many batch items; sizes not multiples of 256
    { gridShape: [3, 37, 41, 2], size: [3, 1, 37, 41], maxChunkBytes: 4096, alignCorners: false },
    { gridShape: [2, 5, 9, 11, 3], size: [2, 1, 5, 9, 11], maxChunkBytes: 4096, alignCorners: true },
    { gridShape: [300, 1, 5, 2], size: [300, 1, 1, 5], maxChunkBytes: 8192, alignCorners: false },
  ])('$gridShape: affineGridBackward and encodeAffineGridBackward equal the CPU', async (c) => {
    expect(planOf(c.gridShape, c.size, c.maxChunkBytes).pieces.length).toBeGreaterThan(1);
    const sampler = await GridSampler.create({ device: gpu, maxChunkBytes: c.maxChunkBytes });
    samplers.push(sampler);
    const gradGrid = randomTensor(c.gridShape, 71);
    const options = { alignCorners: c.alignCorners };
    const expected = affineGridBackwardCpu(gradGrid, c.size, options);
    const split = await sampler.affineGridBackward(gradGrid, c.size, options);
    expect(split.shape).toEqual(expected.shape);
    expectClose(split, expected, TOLERANCE.affineBackward);
    expect((await sampler.affineGridBackward(gradGrid, c.size, options)).data).toEqual(split.data);
    // encoded: the caller's gradGrid copied into the slice scratch piece by piece (needs COPY_SRC)
    const { COPY_DST, STORAGE } = GPUBufferUsage;
    const gradGridBuffer = storageBuffer(gpu, gradGrid.data);
    const gradTheta = storageBuffer(gpu, new Float32Array(expected.data.length).fill(7));
    const encoder = gpu.createCommandEncoder();
    sampler.encodeAffineGridBackward(encoder, { gradGrid: gradGridBuffer, size: c.size, gradTheta }, options);
    gpu.queue.submit([encoder.finish()]);
    expect(await readBuffer(gpu, gradTheta, expected.data.length)).toEqual(split.data);
    const noCopy = gpu.createBuffer({ size: gradGridBuffer.size, usage: STORAGE | COPY_DST });
    expect(() =>
      sampler.encodeAffineGridBackward(gpu.createCommandEncoder(), { gradGrid: noCopy, size: c.size, gradTheta }),
    ).toThrow(/encodeAffineGridBackward: the gradGrid buffer needs GPUBufferUsage.COPY_SRC/);
    for (const buffer of [gradGridBuffer, gradTheta, noCopy]) buffer.destroy();
  });
});

describe.skipIf(!defaultDevice)(
  'affine_grid backward on a device with default limits (128 MiB per binding)',
  async () => {
    const gpu = defaultDevice as GPUDevice;
    const sampler = await useTestSampler(gpu);

    it('of a [2, 2048, 4200, 2] gradGrid (131 MiB) equals affineGridBackwardCpu', async () => {
      // values in [0, 1): sums of one sign, so a chunk or a piece left out is far outside the tolerance
      const gradGrid: Tensor = randomTensor([2, 2048, 4200, 2], 72, 0, 1);
      expect(gradGrid.data.byteLength).toBeGreaterThan(gpu.limits.maxStorageBufferBindingSize);
      const size = [2, 3, 2048, 4200];
      const expected = affineGridBackwardCpu(gradGrid, size);
      const out = await sampler.affineGridBackward(gradGrid, size);
      console.log(
        `131 MiB affine_grid backward: ${describeComparison(expectClose(out, expected, TOLERANCE.affineBackward))}`,
      );
    });
  },
);
