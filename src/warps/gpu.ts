// The warps' grids on the GPU: the kernel record of shaders/warps/warp-grid.wgsl, recorded into the
// caller's encoder through the device's shared context (src/gpu/runtime.ts), which compiles it inside
// error scopes, keeps its uniforms valid until the GPU has run them, and folds wide dispatches.
import warpGridWgsl from '../../shaders/warps/warp-grid.wgsl?raw';
import { BufferUsage, contextFor, defineKernel, wgslPart } from '../gpu/runtime.js';
import { planWarp, type WarpPlan } from './plan.js';
import type { EncodeWarpGridArgs, WarpName } from './types.js';

// pure calls: a bundle that uses only the CPU grids of this entry leaves the kernel and the runtime out
/** @internal The kernel record (not public API; checked by test/gpu/kernels.test.ts). */
export const WARP_GRID = /* @__PURE__ */ defineKernel({
  name: 'warp-grid',
  parts: [/* @__PURE__ */ wgslPart('shaders/warps/warp-grid.wgsl', warpGridWgsl)],
  entryPoint: 'warp_grid',
  bindings: { grid: 'storage', params: 'uniform' },
  uniform: {
    width: 'u32',
    height: 'u32',
    aspect: 'vec2<f32>',
    center: 'vec2<f32>',
    row_pitch: 'u32',
    a: 'vec4<f32>',
    h0: 'vec4<f32>',
    h1: 'vec4<f32>',
    h2: 'vec4<f32>',
  },
});

/** The WARP override of the kernel. */
const WARP_CODES: Record<WarpName, number> = { lens: 0, swirl: 1, ripple: 2, perspective: 3, affine: 4 };

/** Row `row` of the plan's matrix (3 values, 0 past its end) as a vec4. */
const matrixRow = ({ matrix }: WarpPlan, row: number) => {
  const values = matrix.length > 3 * row ? [...matrix.subarray(3 * row, 3 * row + 3)] : [0, 0, 0];
  return [...values, 0];
};

function checkTargets(op: string, device: GPUDevice, encoder: GPUCommandEncoder, output: unknown, bytes: number): void {
  if (typeof device?.createBindGroup !== 'function' || typeof device.pushErrorScope !== 'function') {
    throw new TypeError(`${op}: device must be a GPUDevice (from adapter.requestDevice())`);
  }
  if (typeof encoder?.beginComputePass !== 'function') {
    throw new TypeError(`${op}: encoder must be a GPUCommandEncoder (device.createCommandEncoder())`);
  }
  const buffer = output as GPUBuffer | undefined;
  if (typeof buffer?.size !== 'number' || typeof buffer.usage !== 'number') {
    throw new TypeError(`${op}: output must be a GPUBuffer`);
  }
  if (buffer.size < bytes)
    throw new RangeError(`${op}: output buffer has ${buffer.size} bytes, the grid needs ${bytes}`);
  if (!(buffer.usage & BufferUsage.STORAGE)) throw new TypeError(`${op}: output buffer needs GPUBufferUsage.STORAGE`);
  if (bytes > device.limits.maxStorageBufferBindingSize) {
    throw new RangeError(
      `${op}: the grid needs ${bytes} bytes, more than one binding holds ` +
        `(maxStorageBufferBindingSize = ${device.limits.maxStorageBufferBindingSize} bytes)`,
    );
  }
}

/**
 * Records the grid `[1, height, width, 2]` of a warp into `encoder`, written to `args.output` on the
 * GPU, ready for `encodeGridSample` or `encodeWarpImage` in the same encoder: nothing is uploaded but
 * 96 bytes of parameters. A WebGPU error surfaces where you submit, in your error scopes.
 *
 * @example
 * const encoder = device.createCommandEncoder();
 * encodeWarpGrid(device, encoder, 'swirl', { width: 512, height: 341, strength: 4, radius: 0.9, output: grid });
 * sampler.encodeGridSample(encoder, { input, inputShape: [1, 3, 341, 512], grid, gridShape: [1, 341, 512, 2], output });
 * device.queue.submit([encoder.finish()]);
 */
export function encodeWarpGrid<W extends WarpName>(
  device: GPUDevice,
  encoder: GPUCommandEncoder,
  warp: W,
  args: EncodeWarpGridArgs<W>,
): void {
  const op = `encodeWarpGrid('${String(warp)}')`;
  const plan = planWarp(op, warp, args);
  const { width, height } = plan;
  const bytes = width * height * 8;
  checkTargets(op, device, encoder, args.output, bytes);
  contextFor(device).dispatch(
    encoder,
    { kernel: WARP_GRID, constants: { WARP: WARP_CODES[warp], ALIGN_CORNERS: Number(plan.alignCorners) } },
    {
      uniforms: {
        width,
        height,
        aspect: plan.aspect,
        center: plan.center,
        a: plan.scalars,
        h0: matrixRow(plan, 0),
        h1: matrixRow(plan, 1),
        h2: matrixRow(plan, 2),
      },
      bindings: { grid: [args.output, bytes] },
      invocations: width * height,
    },
  );
}
