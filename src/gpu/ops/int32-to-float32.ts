// int32 storage to float32 on the GPU (shaders/int32-to-float32.wgsl), for tensors whose buffer holds
// int32 words: TF.js's webgpu backend keeps them under float32 tensors cast from int32 or bool.
import int32ToFloat32Wgsl from '../../../shaders/int32-to-float32.wgsl?raw';
import { type BufferBinding, defineKernel, type GpuContext, wgslPart } from '../runtime.js';

export const INT32_TO_FLOAT32 = defineKernel({
  name: 'int32-to-float32',
  parts: [wgslPart('shaders/int32-to-float32.wgsl', int32ToFloat32Wgsl)],
  entryPoint: 'int32_to_float32',
  bindings: { source: 'read-only-storage', output: 'storage', params: 'uniform' },
  uniform: { count: 'u32', row_pitch: 'u32' },
});

/**
 * Records the conversion of `count` int32 values into float32 values. Both bindings must fit one
 * storage binding (a RangeError otherwise, before anything is recorded).
 */
export function encodeInt32ToFloat32(
  ctx: GpuContext,
  encoder: GPUCommandEncoder,
  source: GPUBuffer,
  output: GPUBuffer,
  count: number,
): void {
  const bytes = count * 4;
  if (bytes > ctx.limit.bytes) {
    throw new RangeError(
      `int32 to float32: ${count} values are ${bytes} bytes, more than ${ctx.limit.name} = ${ctx.limit.bytes} bytes of one binding`,
    );
  }
  const bindings: Record<'source' | 'output', BufferBinding> = { source: [source, bytes], output: [output, bytes] };
  ctx.dispatch(
    encoder,
    { kernel: INT32_TO_FLOAT32, constants: {} },
    { uniforms: { count }, bindings, invocations: count },
  );
}
