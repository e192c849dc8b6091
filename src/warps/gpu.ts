// The warps' grids on the GPU: shaders/warps/warp-grid.wgsl recorded into the caller's encoder. Written
// against the public GPUDevice API with its own small per-device cache (layout, pipelines, uniforms).
import warpGridWgsl from '../../shaders/warps/warp-grid.wgsl?raw';
import { GPUExecutionError } from '../errors.js';
import { planWarp, type WarpPlan } from './plan.js';
import type { EncodeWarpGridArgs, WarpName } from './types.js';

// WebGPU flag values fixed by the spec (plain Node has no GPUBufferUsage globals)
const STORAGE = 0x80;
const UNIFORM = 0x40;
const COMPUTE = 0x4;

/** The WARP override of the kernel. */
const WARP_CODES: Record<WarpName, number> = { lens: 0, swirl: 1, ripple: 2, perspective: 3, affine: 4 };
const KERNEL_FILE = 'shaders/warps/warp-grid.wgsl';
const WORKGROUP = 8; // @workgroup_size(8, 8)
const PARAMS_BYTES = 96;
// Uniforms are immutable and keyed by content, so a frame drawn again reuses its buffer. An evicted one
// is dropped, never destroyed: an encoder not yet submitted may still use it, and WebGPU keeps it alive
// for the GPU until then; the garbage collector frees it afterwards.
const UNIFORMS_KEPT = 64;

interface DeviceWarps {
  bindGroupLayout: GPUBindGroupLayout;
  pipelineLayout: GPUPipelineLayout;
  module?: GPUShaderModule;
  pipelines: Map<string, GPUComputePipeline>;
  uniforms: Map<string, GPUBuffer>;
  /** A compile error caught by our error scope, thrown by every later call on this device. */
  failure?: GPUExecutionError;
}

const perDevice = new WeakMap<GPUDevice, DeviceWarps>();

function warpsOf(device: GPUDevice): DeviceWarps {
  let state = perDevice.get(device);
  if (!state) {
    const bindGroupLayout = device.createBindGroupLayout({
      label: 'warp-grid bind group layout',
      entries: [
        { binding: 0, visibility: COMPUTE, buffer: { type: 'storage' } },
        { binding: 1, visibility: COMPUTE, buffer: { type: 'uniform' } },
      ],
    });
    state = {
      bindGroupLayout,
      pipelineLayout: device.createPipelineLayout({ label: 'warp-grid layout', bindGroupLayouts: [bindGroupLayout] }),
      pipelines: new Map(),
      uniforms: new Map(),
    };
    perDevice.set(device, state);
  }
  return state;
}

/**
 * The pipeline of one variant, compiled on first use inside a validation error scope: the compiler's
 * own message becomes a GPUExecutionError that later calls throw (this call's encoder fails at submit).
 */
function pipelineOf(device: GPUDevice, state: DeviceWarps, warp: WarpName, alignCorners: boolean) {
  const key = `${warp}|${alignCorners}`;
  let pipeline = state.pipelines.get(key);
  if (pipeline) return pipeline;
  device.pushErrorScope('validation');
  state.module ??= device.createShaderModule({ label: KERNEL_FILE, code: warpGridWgsl });
  const module = state.module;
  pipeline = device.createComputePipeline({
    label: `warp-grid ${key}`,
    layout: state.pipelineLayout,
    compute: {
      module,
      entryPoint: 'warp_grid',
      constants: { WARP: WARP_CODES[warp], ALIGN_CORNERS: Number(alignCorners) },
    },
  });
  state.pipelines.set(key, pipeline);
  device.popErrorScope().then(async (error) => {
    if (!error) return;
    const info = await module.getCompilationInfo().catch(() => undefined);
    const compiler = (info?.messages ?? [])
      .map((m) => `${KERNEL_FILE}:${m.lineNum}:${m.linePos}: ${m.type}: ${m.message}`)
      .join('\n');
    state.failure = new GPUExecutionError(
      `encodeWarpGrid: compiling the warp-grid pipeline (${key}) failed: ${compiler || error.message.trim()}`,
    );
    state.pipelines.delete(key);
  });
  return pipeline;
}

/** shaders/warps/warp-grid.wgsl Params: width 0, height 4, aspect 8, center 16, a 32, h0 48, h1 64, h2 80. */
function packParams(plan: WarpPlan): Uint32Array {
  const words = new Uint32Array(PARAMS_BYTES / 4);
  words.set([plan.width, plan.height]);
  const f = new Float32Array(words.buffer);
  f.set([...plan.aspect, ...plan.center], 2);
  f.set(plan.scalars, 8);
  const m = plan.matrix;
  f.set(m.subarray(0, 3), 12);
  f.set(m.subarray(3, 6), 16);
  if (m.length === 9) f.set(m.subarray(6, 9), 20);
  return words;
}

function uniformOf(device: GPUDevice, state: DeviceWarps, plan: WarpPlan): GPUBuffer {
  const words = packParams(plan);
  const key = words.join(',');
  let buffer = state.uniforms.get(key);
  if (buffer) {
    state.uniforms.delete(key); // most recently used goes last
  } else {
    buffer = device.createBuffer({
      label: `warp-grid params ${plan.warp} ${plan.width}x${plan.height}`,
      size: PARAMS_BYTES,
      usage: UNIFORM,
      mappedAtCreation: true,
    });
    new Uint32Array(buffer.getMappedRange()).set(words);
    buffer.unmap();
    if (state.uniforms.size >= UNIFORMS_KEPT) state.uniforms.delete(state.uniforms.keys().next().value as string);
  }
  state.uniforms.set(key, buffer);
  return buffer;
}

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
  if (!(buffer.usage & STORAGE)) throw new TypeError(`${op}: output buffer needs GPUBufferUsage.STORAGE`);
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
  checkTargets(op, device, encoder, args.output, width * height * 8);
  const groups = [Math.ceil(width / WORKGROUP), Math.ceil(height / WORKGROUP)];
  const most = device.limits.maxComputeWorkgroupsPerDimension;
  if (groups[0] > most || groups[1] > most) {
    throw new RangeError(
      `${op}: ${width} x ${height} needs ${groups.join(' x ')} workgroups of 8 x 8, ` +
        `more than maxComputeWorkgroupsPerDimension = ${most} on one side`,
    );
  }
  const state = warpsOf(device);
  if (state.failure) throw state.failure;
  const pipeline = pipelineOf(device, state, warp, plan.alignCorners);
  const bindGroup = device.createBindGroup({
    label: `warp-grid ${warp} bind group`,
    layout: state.bindGroupLayout,
    entries: [
      { binding: 0, resource: { buffer: args.output, size: width * height * 8 } },
      { binding: 1, resource: { buffer: uniformOf(device, state, plan) } },
    ],
  });
  const pass = encoder.beginComputePass({ label: `${warp} grid` });
  pass.setPipeline(pipeline);
  pass.setBindGroup(0, bindGroup);
  pass.dispatchWorkgroups(groups[0], groups[1]);
  pass.end();
}
