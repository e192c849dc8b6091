// Node-only setup: a Dawn WebGPU instance exposed as navigator.gpu (for onnxruntime-web), the
// SharedArrayBuffer workaround for Dawn's writeBuffer, onnxruntime-web loading, and a wait for V8 to
// finish compiling wasm in the background before anything is timed.
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Ort } from './contenders/onnxruntime.js';

const SWIFTSHADER_ICD = '/usr/lib/chromium/vk_swiftshader_icd.json';

// Dawn tears its instance down when the GPU object is garbage collected: keep it for the whole run.
let keepAlive: GPU | undefined;

/**
 * navigator.gpu from the `webgpu` package (Dawn). Without VK_ICD_FILENAMES it picks SwiftShader when
 * Debian's chromium is installed, unless BENCH_ADAPTER=system (a machine with a real GPU).
 */
export async function installNodeWebGpu(): Promise<GPU> {
  const useSystem = process.env.BENCH_ADAPTER === 'system';
  if (!useSystem && !process.env.VK_ICD_FILENAMES && existsSync(SWIFTSHADER_ICD))
    process.env.VK_ICD_FILENAMES = SWIFTSHADER_ICD;
  const { create, globals } = await import('webgpu');
  Object.assign(globalThis, globals);
  // Dawn rounds timestamps down to 65,536 ns by default (timing-attack mitigation): too coarse for kernels of microseconds
  keepAlive = create(['disable-dawn-features=timestamp_quantization']);
  Object.defineProperty(globalThis, 'navigator', { value: { gpu: keepAlive }, configurable: true, writable: true });
  copySharedWriteBuffer();
  return keepAlive;
}

/**
 * onnxruntime-web hands queue.writeBuffer views into its wasm memory, a SharedArrayBuffer, which
 * Dawn rejects (browsers accept them). Copy such views into a plain buffer first; benchmark only.
 */
function copySharedWriteBuffer(): void {
  const proto = GPUQueue.prototype;
  const writeBuffer = proto.writeBuffer;
  proto.writeBuffer = function (
    this: GPUQueue,
    buffer: GPUBuffer,
    bufferOffset: number,
    data: BufferSource | SharedArrayBuffer,
    dataOffset?: number,
    size?: number,
  ) {
    const backing = ArrayBuffer.isView(data) ? data.buffer : data;
    if (!(backing instanceof SharedArrayBuffer))
      return writeBuffer.call(this, buffer, bufferOffset, data as BufferSource, dataOffset, size);
    const view = ArrayBuffer.isView(data) ? data : new Uint8Array(data);
    const unit = 'BYTES_PER_ELEMENT' in view ? (view as unknown as { BYTES_PER_ELEMENT: number }).BYTES_PER_ELEMENT : 1;
    const start = (dataOffset ?? 0) * unit;
    const length = size !== undefined ? size * unit : view.byteLength - start;
    const copy = new Uint8Array(length);
    copy.set(new Uint8Array(view.buffer, view.byteOffset + start, length));
    return writeBuffer.call(this, buffer, bufferOffset, copy);
  } as typeof proto.writeBuffer;
}

/** onnxruntime-web's native WebGPU EP build (ort.webgpu.mjs) or its JS-kernel build (ort.mjs). */
export async function loadOrtWeb(build: 'ort.webgpu.mjs' | 'ort.mjs'): Promise<Ort> {
  const dist = dirname(createRequire(import.meta.url).resolve('onnxruntime-web'));
  const ort = (await import(pathToFileURL(join(dist, build)).href)) as Ort;
  ort.env.wasm.numThreads = 1;
  ort.env.logLevel = 'error';
  return ort;
}

/**
 * Waits until this process uses less than `idleCores` of CPU over a `windowMs` window (V8 keeps
 * compiling onnxruntime-web's wasm in the background for a while after the first session).
 */
export async function settle(
  log: (line: string) => void,
  idleCores = 0.15,
  windowMs = 1000,
  maxMs = 120_000,
): Promise<void> {
  const start = performance.now();
  for (;;) {
    const before = process.cpuUsage();
    await new Promise((resolve) => setTimeout(resolve, windowMs));
    const used = process.cpuUsage(before);
    const cores = (used.user + used.system) / 1000 / windowMs;
    if (cores < idleCores) {
      log(`settled after ${((performance.now() - start) / 1000).toFixed(1)} s (process CPU ${cores.toFixed(2)} cores)`);
      return;
    }
    if (performance.now() - start > maxMs) {
      log(`still ${cores.toFixed(2)} cores busy after ${maxMs / 1000} s; timing anyway`);
      return;
    }
  }
}
