// The README's quick start, run as written (CPU reference; the GPU runs the same call in test/gpu).
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { expect, it } from 'vitest';
import { gridSampleCpu } from '../../src/index.js';
import { readmeExample } from '../helpers/readme-example.js';

const root = resolve(import.meta.dirname, '../..');

/** Code without comments, white space and braces: the same statements compare equal however laid out. */
const tokens = (code: string) => code.replace(/\/\/.*$/gm, '').replace(/[\s{}]/g, '');

it('README quick start is the code this file runs', () => {
  const readme = readFileSync(resolve(root, 'README.md'), 'utf8');
  const section = readme.slice(readme.indexOf('## Quick start, side by side with PyTorch'));
  const quickStart = section.match(/```ts\n([\s\S]*?)```/)?.[1] ?? '';
  const helper = readFileSync(resolve(root, 'test/helpers/readme-example.ts'), 'utf8');
  const body = helper.slice(helper.indexOf('{', helper.indexOf('readmeExample()')) + 1, helper.indexOf('  return'));
  expect(tokens(body).length).toBeGreaterThan(100);
  expect(tokens(quickStart)).toContain(tokens(body));
  expect(tokens(quickStart)).toContain(tokens("{ mode: 'nearest', alignCorners: true }"));
  expect(section).toMatch(/import torch, torch\.nn\.functional as F/); // side by side with PyTorch
});

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
