// The demo's brush kernels (demo/shaders/brush.wgsl, on Dawn) against their TypeScript twins in
// demo/src/brush.ts, value by value: the WebGPU and CPU backends of the demo push pixels alike.
import { afterAll, describe, expect, it } from 'vitest';
import { applyBrushStep, type BrushStep, brushGrid } from '../../demo/src/brush.js';
import { packBrushParams } from '../../demo/src/gpu-params.js';
import { DemoPipelines } from '../../demo/src/gpu-pipelines.js';
import { defaultState } from '../../demo/src/state.js';
import { warpFrame } from '../../demo/src/warp-math.js';
import { createTestDevice, readBuffer, storageBuffer, useErrorScopes } from '../helpers/gpu.js';

const device = await createTestDevice('default');

// Normalized grid units, as test/warps/gpu-grids.test.ts (the brush sums float32 steps on both sides)
const GRID_TOLERANCE = 2e-6;

const maxDifference = (a: Float32Array, b: Float32Array) => Math.max(...a.map((v, i) => Math.abs(v - b[i])));

describe.skipIf(!device)('demo brush kernels on WebGPU against their CPU twins', () => {
  const gpu = device as GPUDevice;
  const pipelines = new DemoPipelines(gpu, 'rgba8unorm');
  const [width, height] = [67, 45]; // odd sizes: partial workgroups on both axes
  const { STORAGE, UNIFORM, COPY_DST, COPY_SRC } = GPUBufferUsage;
  const displacement = storageBuffer(gpu, new Float32Array(width * height * 2));
  const grid = gpu.createBuffer({ size: width * height * 8, usage: STORAGE | COPY_SRC });
  const brushParams = gpu.createBuffer({ size: 48, usage: UNIFORM | COPY_DST });
  const bindGroup = gpu.createBindGroup({
    layout: pipelines.brushLayout,
    entries: [displacement, brushParams, grid].map((buffer, binding) => ({ binding, resource: { buffer } })),
  });
  afterAll(() => {
    for (const b of [displacement, grid, brushParams]) b.destroy();
    gpu.destroy();
  });
  useErrorScopes(() => gpu);

  function dispatch(pipeline: GPUComputePipeline): void {
    const encoder = gpu.createCommandEncoder();
    const pass = encoder.beginComputePass();
    pass.setPipeline(pipeline);
    pass.setBindGroup(0, bindGroup);
    pass.dispatchWorkgroups(Math.ceil(width / 8), Math.ceil(height / 8));
    pass.end();
    gpu.queue.submit([encoder.finish()]);
  }

  it('strokes accumulate the same displacement field, and make the same grid, on both sides', async () => {
    const state = defaultState();
    state.warp = 'brush';
    const frame = warpFrame(state, width, height);
    const field = new Float32Array(width * height * 2);
    const steps: BrushStep[] = Array.from({ length: 6 }, (_, i) => ({
      to: [-0.5 + 0.15 * i, 0.2 - 0.05 * i],
      delta: [0.15, -0.05],
      radius: 0.4,
      strength: 0.9,
    }));
    for (const step of steps) {
      applyBrushStep(field, frame, step);
      gpu.queue.writeBuffer(brushParams, 0, packBrushParams(frame, step));
      dispatch(pipelines.brushStroke(false));
    }
    expect(field.some((v) => Math.abs(v) > 0.1)).toBe(true);
    expect(maxDifference(await readBuffer(gpu, displacement, field.length), field)).toBeLessThanOrEqual(GRID_TOLERANCE);
    for (const alignCorners of [false, true]) {
      dispatch(pipelines.brushGrid(alignCorners));
      const expected = brushGrid({ ...frame, alignCorners }, field).data;
      expect(maxDifference(await readBuffer(gpu, grid, expected.length), expected)).toBeLessThanOrEqual(GRID_TOLERANCE);
    }
  });
});
