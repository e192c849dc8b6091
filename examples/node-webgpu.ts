// WebGPU and onnxruntime-web in Node, for the examples (and the benchmark): Google's Dawn (the `webgpu`
// package) exposed as navigator.gpu, as onnxruntime-web expects, with a copy of the SharedArrayBuffer
// views onnxruntime-web hands to queue.writeBuffer, which Dawn rejects (browsers accept them).
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type * as Ort from 'onnxruntime-web';

const SWIFTSHADER_ICD = '/usr/lib/chromium/vk_swiftshader_icd.json';

// Dawn tears its instance down when the GPU object is garbage collected: keep it for the whole run.
let keepAlive: GPU | undefined;

/**
 * navigator.gpu from the `webgpu` package (Dawn). Unless `systemAdapter` or VK_ICD_FILENAMES says
 * otherwise, Vulkan runs on SwiftShader where Debian's chromium package provides it (no GPU needed).
 * `dawnFlags` go to Dawn's `create()` (e.g. 'disable-dawn-features=timestamp_quantization').
 */
export async function installNodeWebGpu({ systemAdapter = false, dawnFlags = [] as string[] } = {}): Promise<GPU> {
  if (!systemAdapter && !process.env.VK_ICD_FILENAMES && existsSync(SWIFTSHADER_ICD))
    process.env.VK_ICD_FILENAMES = SWIFTSHADER_ICD;
  const { create, globals } = await import('webgpu');
  Object.assign(globalThis, globals);
  keepAlive = create(dawnFlags);
  Object.defineProperty(globalThis, 'navigator', { value: { gpu: keepAlive }, configurable: true, writable: true });
  copySharedWriteBuffer();
  return keepAlive;
}

/** Copies SharedArrayBuffer-backed data into a plain buffer before Dawn's queue.writeBuffer sees it. */
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

/** onnxruntime-web's native WebGPU EP build (ort.webgpu.mjs) or its JS-kernel build (ort.mjs), one thread. */
export async function loadOrtWeb(build: 'ort.webgpu.mjs' | 'ort.mjs'): Promise<typeof Ort> {
  const dist = dirname(createRequire(import.meta.url).resolve('onnxruntime-web'));
  const ort = (await import(pathToFileURL(join(dist, build)).href)) as typeof Ort;
  ort.env.wasm.numThreads = 1;
  ort.env.logLevel = 'error';
  return ort;
}
