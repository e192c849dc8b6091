// Checks of the WebGPU-side arguments (devices, encoders, buffers, sampler options), run before any
// GPU work so a wrong argument is a TypeError or RangeError naming it, not a WebGPU validation error.
import type { Dtype } from '../types.js';
import { BufferUsage } from './flags.js';

/**
 * Options of {@link GridSampler.create}.
 *
 * @example
 * const sampler = await GridSampler.create({ device, maxChunkBytes: 64 * 2 ** 20 });
 */
export interface GridSamplerOptions {
  /** Run on this device (left alive by `destroy()`); by default the sampler creates its own. */
  device?: GPUDevice;
  /**
   * Largest buffer binding the sampler uses, in bytes: larger tensors are processed in pieces.
   * Default (and upper bound): the device's `maxStorageBufferBindingSize` and `maxBufferSize`.
   */
  maxChunkBytes?: number;
}

export function describeValue(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'Array';
  if (typeof value === 'object') return value.constructor?.name ?? 'object';
  if (typeof value === 'string') return JSON.stringify(value);
  return typeof value === 'number' ? String(value) : typeof value;
}

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null;
const hasMethods = (value: unknown, ...names: string[]) =>
  isObject(value) && names.every((name) => typeof value[name] === 'function');

export function checkSamplerOptions(options: unknown): asserts options is GridSamplerOptions {
  if (!isObject(options)) {
    throw new TypeError(
      `GridSampler.create: options must be an object { device?, maxChunkBytes? }, got ${describeValue(options)}`,
    );
  }
  const { device, maxChunkBytes } = options;
  const isDevice = hasMethods(device, 'createBuffer', 'pushErrorScope') && isObject((device as GPUDevice).queue);
  if (device !== undefined && !isDevice) {
    throw new TypeError(
      `GridSampler.create: device must be a GPUDevice (from adapter.requestDevice()), got ${describeValue(device)}`,
    );
  }
  if (
    maxChunkBytes !== undefined &&
    !(typeof maxChunkBytes === 'number' && Number.isSafeInteger(maxChunkBytes) && maxChunkBytes >= 16)
  ) {
    throw new RangeError(
      `GridSampler.create: maxChunkBytes must be an integer number of bytes >= 16, got ${describeValue(maxChunkBytes)}`,
    );
  }
}

export function checkEncodeArgs(op: string, encoder: unknown, args: unknown, fields: string): void {
  if (!hasMethods(encoder, 'beginComputePass', 'copyBufferToBuffer')) {
    throw new TypeError(
      `${op}: encoder must be a GPUCommandEncoder (device.createCommandEncoder()), got ${describeValue(encoder)}`,
    );
  }
  if (!isObject(args)) throw new TypeError(`${op}: args must be an object ${fields}, got ${describeValue(args)}`);
}

/**
 * Checks a caller's buffer and returns how many bytes of it the kernel binds: 4 per float32 value, or
 * 2 per float16 value rounded up to whole 4-byte words (storage is bound in words).
 */
export function checkBuffer(name: string, buffer: unknown, elements: number, dtype: Dtype = 'float32'): number {
  if (!isObject(buffer) || typeof buffer.size !== 'number' || typeof buffer.usage !== 'number') {
    throw new TypeError(`${name} must be a GPUBuffer, got ${describeValue(buffer)}`);
  }
  const bytes = dtype === 'float16' ? Math.ceil(elements / 2) * 4 : elements * 4;
  if (buffer.size < bytes) {
    const rounded = dtype === 'float16' && elements % 2 === 1 ? ', rounded up to whole 4-byte words' : '';
    throw new RangeError(
      `${name} buffer has ${buffer.size} bytes but its shape needs ${elements} ${dtype} values (${bytes} bytes${rounded})`,
    );
  }
  if (!(buffer.usage & BufferUsage.STORAGE)) {
    throw new TypeError(`${name} buffer needs GPUBufferUsage.STORAGE to be bound to a compute shader`);
  }
  return bytes;
}

/**
 * Checks, before anything is recorded, that a caller's buffer that an encode* call reads (COPY_SRC) or
 * writes (COPY_DST) in pieces allows the copies.
 */
export function checkSliceUsage(
  op: string,
  name: string,
  buffer: GPUBuffer,
  sliced: boolean,
  flag: 'COPY_SRC' | 'COPY_DST',
): void {
  if (sliced && !(buffer.usage & BufferUsage[flag])) {
    throw new TypeError(
      `${op}: the ${name} buffer needs GPUBufferUsage.${flag}: the call is larger than one storage binding, so it runs in pieces copied ${flag === 'COPY_SRC' ? 'out of' : 'into'} it`,
    );
  }
}
