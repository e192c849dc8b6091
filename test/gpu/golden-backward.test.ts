import { describe, it } from 'vitest';
import { affineGridCpu } from '../../src/index.js';
import {
  affineBackwardCases,
  backwardCases,
  backwardTorchVersion,
  goldenGradientScales,
  transformerCases,
} from '../helpers/golden-backward.js';
import { createTestDevice, readBuffer, storageBuffer, useTestSampler } from '../helpers/gpu.js';
import { gradInputScale } from '../helpers/gradient-scale.js';
import { expectClose, TOLERANCE } from '../helpers/tolerance.js';

const device = await createTestDevice();

describe.skipIf(!device)(
  `GridSampler backward on WebGPU against PyTorch ${backwardTorchVersion} autograd goldens`,
  async () => {
    const gpu = device as GPUDevice;
    const sampler = await useTestSampler(gpu);

    it.each(backwardCases.map((c) => [c.name, c] as const))('gridSampleBackward %s', async (_, c) => {
      const { gradInput, gradGrid } = await sampler.gridSampleBackward(c.gradOutput, c.input, c.grid, c.options);
      const scales = goldenGradientScales(c);
      expectClose(gradInput, c.expectedGradInput, TOLERANCE.backward, `${c.name} gradInput`, scales.gradInput);
      expectClose(gradGrid, c.expectedGradGrid, TOLERANCE.backward, `${c.name} gradGrid`, scales.gradGrid);
    });

    it.each(affineBackwardCases.map((c) => [c.name, c] as const))('affineGridBackward %s', async (_, c) => {
      const gradTheta = await sampler.affineGridBackward(c.gradGrid, c.size, c.options);
      expectClose(gradTheta, c.expectedGradTheta, TOLERANCE.affineBackward, c.name);
    });

    // The whole spatial transformer on the caller's buffers in one command encoder: affine_grid,
    // (the forward is not needed for the gradients), grid_sample backward, affine_grid backward.
    it.each(transformerCases.map((c) => [c.name, c] as const))('encoded %s', async (_, c) => {
      const size = c.gradOutput.shape; // the output size given to affine_grid
      const dims = size.length - 2;
      const gridShape = [size[0], ...size.slice(2), dims];
      const gridCount = gridShape.reduce((a, b) => a * b, 1);
      const usage = GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC | GPUBufferUsage.COPY_DST;
      const theta = storageBuffer(gpu, c.theta.data);
      const input = storageBuffer(gpu, c.input.data);
      const gradOutput = storageBuffer(gpu, c.gradOutput.data);
      const grid = gpu.createBuffer({ size: gridCount * 4, usage });
      const gradGrid = gpu.createBuffer({ size: gridCount * 4, usage });
      const gradInput = gpu.createBuffer({ size: c.input.data.byteLength, usage });
      const gradTheta = gpu.createBuffer({ size: c.theta.data.byteLength, usage });
      const align = { alignCorners: c.options.alignCorners };
      const encoder = gpu.createCommandEncoder();
      sampler.encodeAffineGrid(encoder, { theta, size, output: grid }, align);
      sampler.encodeGridSampleBackward(
        encoder,
        { gradOutput, input, inputShape: c.input.shape, grid, gridShape, gradInput, gradGrid },
        c.options,
      );
      sampler.encodeAffineGridBackward(encoder, { gradGrid, size, gradTheta }, align);
      gpu.queue.submit([encoder.finish()]);
      const thetaData = await readBuffer(gpu, gradTheta, c.theta.data.length);
      const inputData = await readBuffer(gpu, gradInput, c.input.data.length);
      const thetaOut = { data: thetaData, shape: c.theta.shape };
      expectClose(thetaOut, c.expectedGradTheta, TOLERANCE.affineBackward, `${c.name} gradTheta`);
      const inputOut = { data: inputData, shape: c.input.shape };
      const grid0 = affineGridCpu(c.theta, size, align);
      const scale = gradInputScale(c.gradOutput, c.input, grid0, c.options, c.expectedGradInput);
      expectClose(inputOut, c.expectedGradInput, TOLERANCE.backward, `${c.name} gradInput`, { scale });
      for (const b of [theta, input, gradOutput, grid, gradGrid, gradInput, gradTheta]) b.destroy();
    });
  },
);
