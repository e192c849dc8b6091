// The README's quick start, run as written (CPU reference; the GPU runs the same call in test/gpu).
import { expect, it } from 'vitest';
import { gridSampleCpu } from '../../src/index.js';
import { readmeExample } from '../helpers/readme-example.js';

it('README quick start: ones [1,128,4,4] upsampled to [1,128,20,20]', () => {
  const { input, grid, options } = readmeExample();
  const out = gridSampleCpu(input, grid, options);
  expect(out.shape).toEqual([1, 128, 20, 20]);
  expect(out.data.every((v) => v === 1)).toBe(true);
});

it('README pitfall: a grid whose last dim is (y, x) transposes the image', () => {
  const input = { data: Float32Array.from({ length: 16 }, (_, i) => i), shape: [1, 1, 4, 4] };
  const d = [-1, -1 / 3, 1 / 3, 1];
  const xy = new Float32Array(32);
  const yx = new Float32Array(32);
  for (let i = 0; i < 4; i++) {
    for (let j = 0; j < 4; j++) {
      xy.set([d[j], d[i]], (i * 4 + j) * 2);
      yx.set([d[i], d[j]], (i * 4 + j) * 2);
    }
  }
  const opts = { mode: 'nearest', alignCorners: true } as const;
  expect([...gridSampleCpu(input, { data: xy, shape: [1, 4, 4, 2] }, opts).data]).toEqual([...input.data]);
  expect([...gridSampleCpu(input, { data: yx, shape: [1, 4, 4, 2] }, opts).data]).toEqual([
    0, 4, 8, 12, 1, 5, 9, 13, 2, 6, 10, 14, 3, 7, 11, 15,
  ]);
});
