// The warps' WGSL grid kernel (on Dawn) against their CPU grids, grid value by grid value: a grid
// encoded on the GPU and one built on the CPU warp an image the same way.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { GPUExecutionError } from '../../src/index.js';
import { encodeWarpGrid, initialCorners, type WarpName, type WarpOptions, warpGrid } from '../../src/warps.js';
import { createTestDevice, readBuffer, useErrorScopes } from '../helpers/gpu.js';

const device = await createTestDevice('default');

// Normalized grid units; a pixel of a 512-wide output is 2 / 512 = 3.9e-3 of them. Worst differences
// measured on SwiftShader (the cases below, 67 x 45, both alignCorners): lens 1.2e-6, swirl 1.4e-6,
// sparse ripple 1.8e-7, affine 3.0e-7 (float32 rounding in two operation orders, and the kernel's
// polynomial sin and cos).
const GRID_TOLERANCE = 2e-6;
// Perspective divides by w, which is small near the horizon: float32 rounding of w grows by 1 / w
// (measured 6.2e-6 with the tilted quad, 2.4e-7 with the starting quad)
const PERSPECTIVE_TOLERANCE = 1e-5;
// The densest ripple: sin's argument reaches 2 pi * 2.5 / 0.02 = 785 rad, which float32 holds to
// ~6e-5 rad, times the amplitude 0.2 (conditioning of float32 itself, not of the kernel; measured 3.0e-5)
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

// a quad that puts the top-right corner of a 67 x 45 output behind the horizon
const TILTED = [-0.3, -1.2, 0.9, -0.2, 1.4, 1.1, -1.5, 0.3];

const CASES: [WarpName, Record<string, unknown>][] = [
  ['lens', { k1: 0.45, k2: -0.15, zoom: 0.8, cx: 0.2, cy: -0.3 }],
  ['lens', { k1: -0.5, k2: 0.2, zoom: 2.5 }],
  ['swirl', { strength: 12, radius: 2, cx: -0.4, cy: 0.1 }],
  ['swirl', { strength: -7.3, radius: 0.5 }],
  ['ripple', { amplitude: 0.2, wavelength: 0.02, phase: 300, cx: 1, cy: -1 }],
  ['ripple', { amplitude: 0.05, wavelength: 0.4 }],
  ['perspective', { corners: TILTED }],
  ['perspective', { corners: initialCorners }],
  ['affine', { angle: 37, scale: 0.7, shear: 0.3, tx: 0.2, ty: -0.4 }],
  ['affine', {}],
];

const toleranceOf = (warp: WarpName, params: Record<string, unknown>) =>
  warp === 'perspective'
    ? PERSPECTIVE_TOLERANCE
    : warp === 'ripple' && (params.wavelength as number) < 0.05
      ? DENSE_RIPPLE_TOLERANCE
      : GRID_TOLERANCE;

describe.skipIf(!device)('warp grids on WebGPU against their CPU grids', () => {
  const gpu = device as GPUDevice;
  const { STORAGE, COPY_SRC } = GPUBufferUsage;
  const created: GPUBuffer[] = [];
  const gridBuffer = (width: number, height: number, usage = STORAGE | COPY_SRC) => {
    const buffer = gpu.createBuffer({ size: width * height * 8, usage });
    created.push(buffer);
    return buffer;
  };
  afterAll(() => {
    for (const b of created) b.destroy();
    gpu.destroy();
  });
  useErrorScopes(() => gpu);

  async function gpuGrid<W extends WarpName>(warp: W, options: WarpOptions[W]): Promise<Float32Array> {
    const output = gridBuffer(options.width, options.height);
    const encoder = gpu.createCommandEncoder();
    encodeWarpGrid(gpu, encoder, warp, { ...options, output });
    gpu.queue.submit([encoder.finish()]);
    return readBuffer(gpu, output, options.width * options.height * 2);
  }

  it.each(CASES.flatMap(([warp, params]) => [false, true].map((a) => [warp, JSON.stringify(params), a] as const)))(
    '%s %s alignCorners=%s',
    async (warp, params, alignCorners) => {
      const p = JSON.parse(params);
      // odd sizes: partial workgroups on both axes
      const options = { width: 67, height: 45, alignCorners, ...p } as WarpOptions[WarpName];
      const expected = warpGrid(warp, options).data;
      const actual = await gpuGrid(warp, options);
      expect(gridDifference(actual, expected)).toBeLessThanOrEqual(toleranceOf(warp, p));
      if (params.includes('-1.2')) {
        // points behind the horizon: NaN on both sides, at the same points (gridDifference checks where)
        expect(expected.some(Number.isNaN)).toBe(true);
      }
    },
  );

  it('keeps 100 differently shaped grids recorded into one encoder valid until the submit', async () => {
    const encoder = gpu.createCommandEncoder();
    const outputs = Array.from({ length: 100 }, (_, i) => {
      const options: WarpOptions['ripple'] = {
        width: 5 + (i % 7),
        height: 3 + (i % 5),
        amplitude: 0.1,
        wavelength: 0.3,
        phase: 3.6 * i,
      };
      const output = gridBuffer(options.width, options.height);
      encodeWarpGrid(gpu, encoder, 'ripple', { ...options, output });
      return { options, output };
    });
    gpu.queue.submit([encoder.finish()]);
    for (const { options, output } of outputs) {
      const actual = await readBuffer(gpu, output, options.width * options.height * 2);
      expect(gridDifference(actual, warpGrid('ripple', options).data)).toBeLessThanOrEqual(GRID_TOLERANCE);
    }
  });

  it('checks its arguments before any GPU work', () => {
    const encoder = gpu.createCommandEncoder();
    const options = { width: 8, height: 4, strength: 1, radius: 1 };
    const call =
      (output: unknown, extra: object = {}) =>
      () =>
        encodeWarpGrid(gpu, encoder, 'swirl', { ...options, ...extra, output: output as GPUBuffer });
    expect(call(gridBuffer(8, 3))).toThrow(
      /encodeWarpGrid\('swirl'\): output buffer has 192 bytes, the grid needs 256/,
    );
    expect(call(gridBuffer(8, 4, COPY_SRC))).toThrow(/output buffer needs GPUBufferUsage.STORAGE/);
    expect(call({})).toThrow(TypeError);
    expect(call(gridBuffer(8, 4), { radius: -1 })).toThrow(/encodeWarpGrid\('swirl'\): radius must be > 0/);
    const binding = gpu.limits.maxStorageBufferBindingSize;
    const huge = { width: 2 ** 24, height: Math.ceil(binding / 8 / 2 ** 24) + 1, strength: 1, radius: 1 };
    expect(() => encodeWarpGrid(gpu, encoder, 'swirl', { ...huge, output: gridBuffer(1, 1) })).toThrow(
      /output buffer has 8 bytes/,
    );
    const fake = { size: huge.width * huge.height * 8, usage: STORAGE } as GPUBuffer;
    expect(() => encodeWarpGrid(gpu, encoder, 'swirl', { ...huge, output: fake })).toThrow(
      /more than one binding holds \(maxStorageBufferBindingSize/,
    );
    expect(() =>
      encodeWarpGrid(gpu, {} as GPUCommandEncoder, 'swirl', { ...options, output: gridBuffer(8, 4) }),
    ).toThrow(/encoder must be a GPUCommandEncoder/);
    encoder.finish(); // nothing was recorded: no error in the scope
  });

  // Grids whose width or height alone needs more than 65,535 workgroups of 8 x 8 (refused before the
  // kernel ran on the shared runtime: its dispatch is flat and folds into a second dimension)
  it.each([
    ['wide', 65_535 * 8 + 3, 1],
    ['tall', 1, 65_535 * 8 + 3],
  ])('writes every point of a %s grid (%i x %i)', async (_, width, height) => {
    const options = { width, height, strength: 5, radius: 0.7, cx: 0.3 };
    const actual = await gpuGrid('swirl', options);
    expect(gridDifference(actual, warpGrid('swirl', options).data)).toBeLessThanOrEqual(GRID_TOLERANCE);
  });

  it('writes every point of a grid that needs more than maxComputeWorkgroupsPerDimension workgroups', async () => {
    const max = gpu.limits.maxComputeWorkgroupsPerDimension;
    // the runtime's flat kernels run 128 invocations per workgroup (WORKGROUP_SIZE)
    const width = 4099;
    const height = Math.ceil((max * 128 + 1000) / width);
    const options = { width, height, angle: 17, scale: 0.8, tx: 0.1 };
    const actual = await gpuGrid('affine', options);
    expect(gridDifference(actual, warpGrid('affine', options).data)).toBeLessThanOrEqual(GRID_TOLERANCE);
  });

  it("reports a WGSL compile error with the compiler's message at the kernel's own line", async () => {
    // the kernel as the library ships it, with one line broken on the way to the compiler
    const source = readFileSync(resolve(import.meta.dirname, '../../shaders/warps/warp-grid.wgsl'), 'utf8');
    const lines = source.split('\n');
    const broken = lines.findIndex((line) => line.includes('let y = index / params.width;'));
    expect(broken).toBeGreaterThan(0);
    const breaking = new Proxy(gpu, {
      get(target, key) {
        if (key === 'createShaderModule') {
          return (d: GPUShaderModuleDescriptor) =>
            target.createShaderModule({ ...d, code: d.code.replace('index / params.width', 'index / / params.width') });
        }
        const value = Reflect.get(target, key, target);
        return typeof value === 'function' ? value.bind(target) : value;
      },
    });
    const args = { width: 8, height: 8, strength: 1, radius: 1, output: gridBuffer(8, 8) };
    gpu.pushErrorScope('validation');
    const encoder = gpu.createCommandEncoder();
    encodeWarpGrid(breaking, encoder, 'swirl', args); // this encoder fails when it is finished
    encoder.finish();
    expect(await gpu.popErrorScope()).not.toBeNull();
    // later calls throw the compiler's message, pointing at the broken line of the kernel file
    const error = await vi.waitFor(() => {
      try {
        encodeWarpGrid(breaking, gpu.createCommandEncoder(), 'swirl', args);
      } catch (thrown) {
        return thrown as Error;
      }
      throw new Error('no compile error reported yet');
    });
    expect(error).toBeInstanceOf(GPUExecutionError);
    expect(error.message).toMatch(new RegExp(`shaders/warps/warp-grid\\.wgsl:${broken + 1}:\\d+: error: `));
  });
});
