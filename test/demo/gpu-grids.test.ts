// The demo's WGSL grid and brush kernels (on Dawn) against their TypeScript twins in cpu-grids.ts,
// grid value by grid value: the WebGPU and CPU backends of the demo warp by the same grid.
import { afterAll, describe, expect, it } from 'vitest';
import { applyBrushStep, type BrushStep, cpuGrid } from '../../demo/src/cpu-grids.js';
import { packBrushParams, packWarpGridParams } from '../../demo/src/gpu-params.js';
import { DemoPipelines } from '../../demo/src/gpu-pipelines.js';
import { defaultState } from '../../demo/src/state.js';
import { type WarpFrame, warpFrame } from '../../demo/src/warp-math.js';
import type { WarpName } from '../../demo/src/warp-specs.js';
import { createTestDevice, readBuffer, storageBuffer, useErrorScopes } from '../helpers/gpu.js';

const device = await createTestDevice('default');

// Normalized grid units; a pixel of a 512-wide output is 2 / 512 = 3.9e-3 of them.
const GRID_TOLERANCE = 2e-6;
// Perspective divides by w, which is small near the horizon: float32 rounding of w grows by 1 / w
const PERSPECTIVE_TOLERANCE = 1e-5;
// The densest ripple: sin's argument reaches 2 pi * 2.5 / 0.02 = 785 rad, which float32 holds to
// ~6e-5 rad, times the amplitude 0.2 (conditioning of float32 itself, not of the kernel)
const DENSE_RIPPLE_TOLERANCE = 5e-5;

/**
 * Largest |a - b| / max(1, |b| / 4): absolute where a point can land on the image or its first
 * reflections, relative beyond (near a perspective horizon w ~ 0 magnifies float32 rounding, far
 * off the image). NaN where exactly one side is NaN; both NaN count as equal.
 */
function gridDifference(a: Float32Array, b: Float32Array): number {
  let worst = 0;
  for (let i = 0; i < a.length; i++) {
    if (Number.isNaN(a[i]) || Number.isNaN(b[i])) {
      if (Number.isNaN(a[i]) !== Number.isNaN(b[i])) return Number.NaN;
      continue;
    }
    worst = Math.max(worst, Math.abs(a[i] - b[i]) / Math.max(1, Math.abs(b[i]) / 4));
  }
  return worst;
}

const CASES: [WarpName, Record<string, number>][] = [
  ['lens', { k1: 0.45, k2: -0.15, zoom: 0.8, cx: 0.2, cy: -0.3 }],
  ['lens', { k1: -0.5, k2: 0.2, zoom: 2.5, cx: 0, cy: 0 }],
  ['swirl', { strength: 12, radius: 2, cx: -0.4, cy: 0.1 }],
  ['swirl', { strength: -7.3, radius: 0.5, cx: 0, cy: 0 }],
  ['ripple', { amplitude: 0.2, wavelength: 0.02, phase: 300, cx: 1, cy: -1 }],
  ['ripple', { amplitude: 0.05, wavelength: 0.4, phase: 0, cx: 0, cy: 0 }],
  ['perspective', {}],
];
const CORNERS = [-0.3, -1.2, 0.9, -0.2, 1.4, 1.1, -1.5, 0.3];

describe.skipIf(!device)('demo grid kernels on WebGPU against their CPU twins', () => {
  const gpu = device as GPUDevice;
  const pipelines = new DemoPipelines(gpu, 'rgba8unorm');
  const [width, height] = [67, 45]; // odd sizes: partial workgroups on both axes
  const { STORAGE, UNIFORM, COPY_DST, COPY_SRC } = GPUBufferUsage;
  const displacement = storageBuffer(gpu, new Float32Array(width * height * 2));
  const grid = gpu.createBuffer({ size: width * height * 8, usage: STORAGE | COPY_SRC });
  const gridParams = gpu.createBuffer({ size: 96, usage: UNIFORM | COPY_DST });
  const brushParams = gpu.createBuffer({ size: 48, usage: UNIFORM | COPY_DST });
  afterAll(() => {
    for (const b of [displacement, grid, gridParams, brushParams]) b.destroy();
    gpu.destroy();
  });
  useErrorScopes(() => gpu);

  function frameFor(warp: WarpName, params: Record<string, number>, alignCorners: boolean): WarpFrame {
    const state = defaultState();
    Object.assign(state, { warp, alignCorners, corners: CORNERS });
    Object.assign(state.params[warp], params);
    return warpFrame(state, width, height);
  }

  async function gpuGrid(frame: WarpFrame): Promise<Float32Array> {
    gpu.queue.writeBuffer(gridParams, 0, packWarpGridParams(frame));
    const encoder = gpu.createCommandEncoder();
    const pass = encoder.beginComputePass();
    pass.setPipeline(pipelines.warpGrid(frame.warp, frame.alignCorners));
    pass.setBindGroup(
      0,
      gpu.createBindGroup({
        layout: pipelines.warpGridLayout,
        entries: [displacement, grid, gridParams].map((buffer, binding) => ({ binding, resource: { buffer } })),
      }),
    );
    pass.dispatchWorkgroups(Math.ceil(width / 8), Math.ceil(height / 8));
    pass.end();
    gpu.queue.submit([encoder.finish()]);
    return readBuffer(gpu, grid, width * height * 2);
  }

  it.each(CASES.flatMap(([warp, params]) => [false, true].map((a) => [warp, JSON.stringify(params), a] as const)))(
    '%s %s alignCorners=%s',
    async (warp, params, alignCorners) => {
      const p = JSON.parse(params);
      const frame = frameFor(warp, p, alignCorners);
      const expected = cpuGrid(frame).data;
      const actual = await gpuGrid(frame);
      const tolerance =
        warp === 'perspective'
          ? PERSPECTIVE_TOLERANCE
          : warp === 'ripple' && p.wavelength < 0.05
            ? DENSE_RIPPLE_TOLERANCE
            : GRID_TOLERANCE;
      expect(gridDifference(actual, expected)).toBeLessThanOrEqual(tolerance);
      if (warp === 'perspective') {
        // these corners put a corner of the output behind the horizon: NaN on both sides, at the same points
        expect(expected.some(Number.isNaN)).toBe(true);
      }
    },
  );

  it('brush strokes accumulate the same displacement field on both sides', async () => {
    const frame = frameFor('brush', {}, false);
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
      const encoder = gpu.createCommandEncoder();
      const pass = encoder.beginComputePass();
      pass.setPipeline(pipelines.brushStroke(false));
      pass.setBindGroup(
        0,
        gpu.createBindGroup({
          layout: pipelines.brushLayout,
          entries: [displacement, brushParams].map((buffer, binding) => ({ binding, resource: { buffer } })),
        }),
      );
      pass.dispatchWorkgroups(Math.ceil(width / 8), Math.ceil(height / 8));
      pass.end();
      gpu.queue.submit([encoder.finish()]);
    }
    expect(field.some((v) => Math.abs(v) > 0.1)).toBe(true);
    expect(gridDifference(await readBuffer(gpu, displacement, field.length), field)).toBeLessThanOrEqual(
      GRID_TOLERANCE,
    );
    // and the grid the brush warp samples with
    expect(gridDifference(await gpuGrid(frame), cpuGrid(frame, field).data)).toBeLessThanOrEqual(GRID_TOLERANCE);
  });
});
