// WasmSampler: grid_sample on the CPU in WebAssembly SIMD kernels (assembly/), on worker threads when
// the environment lets them share memory; bit for bit the result of gridSampleCpu.
import { gridSampleCpu } from '../cpu/grid-sample.js';
import {
  allocateOutput,
  checkTensor,
  elementCount,
  layoutOf,
  type ResolvedOptions,
  resolveOptions,
  type SampleGeometry,
  sampleGeometry,
} from '../options.js';
import type { GridSampleOptions, Tensor } from '../types.js';
import { kernelBytes } from './binary.js';
import { runCall } from './call.js';
import { type MemoryPlan, planMemory } from './plan.js';
import { localRunner, type Runner, workerRunner } from './runner.js';
import { createSharedMemory, hardwareThreads, sharedMemorySupported, simdSupported } from './support.js';

/**
 * Options of {@link WasmSampler.create}.
 *
 * @example
 * const sampler = await WasmSampler.create({ threads: 2 } satisfies WasmSamplerOptions);
 */
export interface WasmSamplerOptions {
  /**
   * Threads to sample on (default: the hardware threads, at most 4). 1 runs on the calling thread,
   * with no workers. More need memory shared between threads: always in Node, in a browser only on
   * a cross-origin isolated page; elsewhere the sampler runs on 1.
   */
  threads?: number;
}

/**
 * What a {@link WasmSampler} runs: `'wasm-simd'`, the WebAssembly kernels, or `'typescript'`,
 * `gridSampleCpu` itself, where the engine has no WebAssembly SIMD.
 *
 * @example
 * if (sampler.kernel === 'typescript') console.warn('no WebAssembly SIMD here: sampling in plain TypeScript');
 */
export type WasmKernel = 'wasm-simd' | 'typescript';

const WASM_BYTES_LIMIT = 2 ** 32; // wasm32 addresses 4 GiB
const PAGE = 65536;
const MAX_THREADS = 256;

function checkThreads(options: unknown): number | undefined {
  if (options === undefined) return undefined;
  if (options === null || typeof options !== 'object') {
    throw new TypeError(
      `WasmSampler.create: options must be an object { threads? }, got ${options === null ? 'null' : typeof options}`,
    );
  }
  const { threads } = options as WasmSamplerOptions;
  if (threads === undefined) return undefined;
  if (typeof threads !== 'number' || !Number.isInteger(threads) || threads < 1 || threads > MAX_THREADS) {
    throw new RangeError(
      `WasmSampler.create: threads must be an integer from 1 to ${MAX_THREADS}, got ${String(threads)}`,
    );
  }
  return threads;
}

/**
 * `F.grid_sample` on the CPU, in WebAssembly with 128-bit SIMD, on worker threads: the fast CPU
 * path, and bit for bit the result of {@link gridSampleCpu} (the same float32 operations in the same
 * order). Every mode, padding, `alignCorners`, 2-D and 3-D, both layouts. Where WebAssembly SIMD is
 * missing it runs `gridSampleCpu` itself and says so in {@link WasmSampler.kernel}.
 *
 * @example
 * const sampler = await WasmSampler.create({ threads: 2 });
 * const out = await sampler.gridSample(input, grid, { mode: 'bilinear', paddingMode: 'zeros' });
 * sampler.destroy();
 */
export class WasmSampler {
  /** Threads a call runs on: 1 (the calling thread) or that many worker threads. */
  readonly threads: number;
  /** `'wasm-simd'`, or `'typescript'` where WebAssembly SIMD is missing and gridSampleCpu runs. */
  readonly kernel: WasmKernel;
  readonly #runner: Runner | undefined;
  #queue: Promise<unknown> = Promise.resolve();
  #destroyed = false;

  private constructor(runner: Runner | undefined) {
    this.#runner = runner;
    this.threads = runner?.threads ?? 1;
    this.kernel = runner ? 'wasm-simd' : 'typescript';
  }

  /**
   * Compiles the kernels and starts the worker threads.
   *
   * @example
   * const sampler = await WasmSampler.create(); // min(hardware threads, 4)
   * const single = await WasmSampler.create({ threads: 1 }); // no workers
   */
  static async create(options?: WasmSamplerOptions): Promise<WasmSampler> {
    const requested = checkThreads(options) ?? Math.min(hardwareThreads(), 4);
    const shared = requested > 1 && sharedMemorySupported();
    const bytes = await kernelBytes(shared);
    if (!simdSupported(bytes)) return new WasmSampler(undefined);
    const module = await WebAssembly.compile(bytes);
    if (!shared) return new WasmSampler(await localRunner(module));
    try {
      return new WasmSampler(await workerRunner(module, createSharedMemory(), requested));
    } catch {
      // workers refused (a browser's CSP for blob: workers, say): one thread on this one
      return new WasmSampler(await localRunner(await WebAssembly.compile(await kernelBytes(false))));
    }
  }

  /**
   * `F.grid_sample(input, grid, ...)`: the same arguments, options, errors and (to the bit) results as
   * {@link gridSampleCpu}. Calls on one sampler run one after another.
   *
   * @example
   * const out = await sampler.gridSample(input, grid, { mode: 'bicubic', paddingMode: 'border', alignCorners: true });
   */
  async gridSample(input: Tensor, grid: Tensor, options?: GridSampleOptions): Promise<Tensor> {
    if (this.#destroyed) throw new Error('WasmSampler: used after destroy(); create a new sampler');
    checkTensor('input', input);
    checkTensor('grid', grid);
    const geo = sampleGeometry(input.shape, grid.shape, layoutOf(options));
    const opts = resolveOptions(options, geo.spatialDims);
    const runner = this.#runner;
    if (!runner) return gridSampleCpu(input, grid, options);
    const shape = geo.outputShape;
    if (elementCount(shape) === 0) return { data: allocateOutput('grid_sample', shape), shape };
    const plan = planMemory(geo, runner.threads);
    // the output is allocated while the workers sample (see runCall)
    const allocate = () => allocateOverwritten(shape);
    const call = this.#queue.then(() => this.#sample(runner, plan, geo, opts, input, grid, allocate));
    this.#queue = call.catch(() => {});
    const data = await call;
    return data ? { data, shape } : gridSampleCpu(input, grid, options);
  }

  /**
   * Ends the worker threads; calls in flight reject, later calls throw. The memory goes with the
   * sampler.
   *
   * @example
   * sampler.destroy();
   */
  destroy(): void {
    this.#destroyed = true;
    this.#runner?.destroy();
  }

  /** The output; undefined when the call does not fit the kernels' memory. */
  async #sample(
    runner: Runner,
    plan: MemoryPlan,
    geo: SampleGeometry,
    opts: ResolvedOptions,
    input: Tensor,
    grid: Tensor,
    allocate: () => Float32Array,
  ): Promise<Float32Array | undefined> {
    if (this.#destroyed) throw new Error('WasmSampler: destroyed before this call ran');
    if (!reserve(runner.memory, plan.bytes)) return undefined;
    return runCall(runner, plan, geo, opts, input, grid, allocate);
  }
}

/**
 * The output array, every element of which runCall overwrites: in Node a Buffer's memory, which is not
 * zeroed first (Buffer.allocUnsafeSlow; the zeroing took 4-8 % of W1 and W6 on one thread); elsewhere,
 * or where that fails, allocateOutput's (zeroed, and its error for an output too large).
 */
function allocateOverwritten(shape: readonly number[]): Float32Array {
  const count = elementCount(shape);
  const NodeBuffer = (globalThis as { Buffer?: { allocUnsafeSlow(size: number): Uint8Array } }).Buffer;
  if (NodeBuffer) {
    try {
      const bytes = NodeBuffer.allocUnsafeSlow(4 * count);
      return new Float32Array(bytes.buffer, bytes.byteOffset, count);
    } catch {
      // too large for a Buffer: allocateOutput says so
    }
  }
  return allocateOutput('grid_sample', shape);
}

/** Grows the memory to hold `bytes`; false when wasm32 cannot address that much or growing fails. */
function reserve(memory: WebAssembly.Memory, bytes: number): boolean {
  if (bytes > WASM_BYTES_LIMIT) return false;
  const missing = Math.ceil((bytes - memory.buffer.byteLength) / PAGE);
  if (missing <= 0) return true;
  try {
    memory.grow(missing);
    return true;
  } catch {
    return false;
  }
}
