// Multi-scale deformable attention on the CPU: the shape checks, then one of two kernels with the
// same float32 operations, so the same bits: WebAssembly SIMD where the engine has it
// (ms-deform-attn-wasm.ts, assembly/ms-deform-attn.ts), else the readable TypeScript kernel
// (ms-deform-attn-reference.ts).
import { type MsDeformAttnGeometry, msDeformAttnGeometry } from '../ms-deform-attn-shapes.js';
import { allocateOutput, checkTensor } from '../options.js';
import type { Tensor } from '../types.js';
import { attendReference } from './ms-deform-attn-reference.js';
import { attendWasm } from './ms-deform-attn-wasm.js';

/** The kernels of msDeformAttnCpu: 'auto' is wasm where it can run, else TypeScript. */
export type MsDeformAttnKernel = 'auto' | 'wasm-simd' | 'typescript';

/**
 * Multi-scale deformable attention (MSDeformAttn) of Deformable-DETR, RT-DETR, DINO and Mask2Former on
 * the CPU: the pure-PyTorch reference `multi_scale_deformable_attn_pytorch`, on the calling thread
 * (WebAssembly SIMD where the engine has it, else plain TypeScript: the same result).
 *
 * For each batch item, query and head, the sum over levels l and points p of
 * `attentionWeights[b, q, h, l, p]` times the value of level l, head h, sampled bilinearly at
 * `samplingLocations[b, q, h, l, p]` as `grid_sample(mode='bilinear', padding_mode='zeros',
 * align_corners=False)` samples at grid `2 * loc - 1` (pixel coordinate `loc * W_l - 0.5`); taps
 * outside the level contribute 0. Bit for bit PyTorch's float32 result; a NaN location samples
 * nothing (0), ±Infinity samples outside (0).
 *
 * @param value `[bs, S, heads, d]`, S = sum of H_l * W_l: the levels concatenated, each row-major H_l x W_l,
 *   channels last per head (d contiguous floats).
 * @param spatialShapes `[[H_0, W_0], [H_1, W_1], ...]`, one pair of positive integers per level (L levels).
 * @param samplingLocations `[bs, Nq, heads, L, P, 2]`: (x, y), normalized to [0, 1] over each level's map.
 * @param attentionWeights `[bs, Nq, heads, L, P]`, used as given (already softmaxed by the caller).
 * @returns `[bs, Nq, heads * d]`.
 *
 * @example
 * const levels = [[80, 80], [40, 40], [20, 20]] as const; // S = 8400
 * const out = msDeformAttnCpu(
 *   { data: value, shape: [1, 8400, 8, 32] },
 *   levels,
 *   { data: locations, shape: [1, 300, 8, 3, 4, 2] },
 *   { data: weights, shape: [1, 300, 8, 3, 4] },
 * ); // out.shape: [1, 300, 256]
 */
export function msDeformAttnCpu(
  value: Tensor,
  spatialShapes: readonly (readonly [number, number])[],
  samplingLocations: Tensor,
  attentionWeights: Tensor,
): Tensor {
  return msDeformAttnOn('auto', value, spatialShapes, samplingLocations, attentionWeights);
}

/**
 * msDeformAttnCpu on a chosen kernel (tests and benchmarks compare the two); 'wasm-simd' throws
 * where it cannot run.
 */
export function msDeformAttnOn(
  kernel: MsDeformAttnKernel,
  value: Tensor,
  spatialShapes: readonly (readonly [number, number])[],
  samplingLocations: Tensor,
  attentionWeights: Tensor,
): Tensor {
  checkTensor('value', value);
  checkTensor('samplingLocations', samplingLocations);
  checkTensor('attentionWeights', attentionWeights);
  const geo = msDeformAttnGeometry(value.shape, spatialShapes, samplingLocations.shape, attentionWeights.shape);
  const data = allocateOutput('ms_deform_attn', geo.outputShape);
  if (data.length > 0) attend(kernel, value.data, samplingLocations.data, attentionWeights.data, data, geo);
  return { data, shape: geo.outputShape };
}

function attend(
  kernel: MsDeformAttnKernel,
  value: Float32Array,
  locations: Float32Array,
  weights: Float32Array,
  out: Float32Array,
  geo: MsDeformAttnGeometry,
): void {
  if (kernel !== 'typescript' && attendWasm(value, locations, weights, out, geo)) return;
  if (kernel === 'wasm-simd') throw new Error('ms_deform_attn: the WebAssembly SIMD kernel cannot run here');
  attendReference(value, locations, weights, out, geo);
}
