// Bitwise comparison for the wasm backend, which must reproduce gridSampleCpu exactly: every float32
// has the reference's bits (so +0 and -0 differ). NaN is compared as NaN: its payload bits are not
// specified by JavaScript or WebAssembly arithmetic.
import { expect } from 'vitest';
import type { Tensor } from '../../src/index.js';

/** Index of the first element whose bits differ (NaN matching any NaN), or -1. */
export function firstBitDifference(a: Float32Array, b: Float32Array): number {
  const x = new Uint32Array(a.buffer, a.byteOffset, a.length);
  const y = new Uint32Array(b.buffer, b.byteOffset, b.length);
  for (let i = 0; i < x.length; i++) {
    if (x[i] !== y[i] && !(Number.isNaN(a[i]) && Number.isNaN(b[i]))) return i;
  }
  return -1;
}

export function expectSameBits(actual: Tensor, expected: Tensor, label: string): void {
  expect(actual.shape, `${label}: shape`).toEqual(expected.shape);
  expect(actual.data.length, `${label}: length`).toBe(expected.data.length);
  const at = firstBitDifference(actual.data, expected.data);
  const detail =
    at < 0 ? '' : `element ${at}: ${show(actual.data, at)} where the reference has ${show(expected.data, at)}`;
  expect(detail, `${label}: first bitwise difference`).toBe('');
}

const show = (data: Float32Array, at: number) =>
  `${Object.is(data[at], -0) ? '-0' : data[at]} (0x${new Uint32Array(data.buffer, data.byteOffset, data.length)[at].toString(16)})`;
