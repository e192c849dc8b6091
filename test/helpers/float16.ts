// float16 buffers for the dtype 'float16' tests: host-side conversion with @petamoriken/float16 (round
// to nearest even, as IEEE and PyTorch's .half()), uploads with a sentinel tail, readback of raw halves.
import { Float16Array } from '@petamoriken/float16';

/** Bits of a half that no test value has (a negative number near -0.06), marking bytes left alone. */
export const SENTINEL_HALF = 0xabcd;

/** `values` rounded to float16, as the float32 values they stand for (exact). */
export function roundToFloat16(values: Float32Array): Float32Array {
  return Float32Array.from(new Float16Array(values));
}

/** The float16 bits of `values`. */
export function float16Bits(values: Float32Array): Uint16Array {
  const halves = new Float16Array(values);
  return new Uint16Array(halves.buffer, halves.byteOffset, halves.length);
}

/** float16 bits to the float32 values they stand for. */
export function decodeFloat16(bits: Uint16Array): Float32Array {
  return Float32Array.from(new Float16Array(bits.buffer, bits.byteOffset, bits.length));
}

/** Whole 4-byte words for `halves` float16 values, plus `extraWords` more. */
export const wordBytes = (halves: number, extraWords = 0) => (Math.ceil(halves / 2) + extraWords) * 4;

/**
 * A storage buffer holding `values` as float16, followed by sentinel halves up to `extraWords` words
 * past the last whole word.
 */
export function float16Buffer(device: GPUDevice, values: Float32Array, extraWords = 2): GPUBuffer {
  const size = wordBytes(values.length, extraWords);
  const halves = new Uint16Array(size / 2).fill(SENTINEL_HALF);
  halves.set(float16Bits(values));
  const buffer = device.createBuffer({
    label: 'float16 test buffer',
    size,
    usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_DST | GPUBufferUsage.COPY_SRC,
  });
  device.queue.writeBuffer(buffer, 0, halves);
  return buffer;
}

/** Every half of a buffer with COPY_SRC usage. */
export async function readHalves(device: GPUDevice, buffer: GPUBuffer): Promise<Uint16Array> {
  const staging = device.createBuffer({ size: buffer.size, usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST });
  const encoder = device.createCommandEncoder();
  encoder.copyBufferToBuffer(buffer, 0, staging, 0, buffer.size);
  device.queue.submit([encoder.finish()]);
  await staging.mapAsync(GPUMapMode.READ);
  const halves = new Uint16Array(staging.getMappedRange().slice(0));
  staging.destroy();
  return halves;
}

/** The spacing of float16 values at magnitude |x| (2^-24 below the normal range). */
export function float16Ulp(x: number): number {
  const magnitude = Math.abs(x);
  if (!(magnitude >= 2 ** -14)) return 2 ** -24;
  return 2 ** (Math.floor(Math.log2(magnitude)) - 10);
}

/**
 * Indices where `actual` and `expected` differ by more than one float16 ulp (of the larger magnitude),
 * or where only one is NaN, or infinities differ.
 */
export function beyondOneUlp(actual: Float32Array, expected: Float32Array): number[] {
  const bad: number[] = [];
  for (let i = 0; i < expected.length; i++) {
    const a = actual[i];
    const e = expected[i];
    if (Object.is(a, e) || a === e || (Number.isNaN(a) && Number.isNaN(e))) continue;
    const ulp = float16Ulp(Math.max(Math.abs(a), Math.abs(e)));
    if (!(Math.abs(a - e) <= ulp)) bad.push(i);
  }
  return bad;
}
