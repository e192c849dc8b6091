// Node-only setup of the benchmark: Dawn as navigator.gpu and onnxruntime-web loading (the examples'
// examples/node-webgpu.ts, on a real GPU with BENCH_ADAPTER=system), and a wait for V8 to finish
// compiling wasm in the background before anything is timed.
import { installNodeWebGpu as installDawn, loadOrtWeb } from '../examples/node-webgpu.js';

export { loadOrtWeb };

/** navigator.gpu from Dawn: SwiftShader when Debian's chromium has it, unless BENCH_ADAPTER=system. */
export function installNodeWebGpu(): Promise<GPU> {
  return installDawn({
    systemAdapter: process.env.BENCH_ADAPTER === 'system',
    // Dawn rounds timestamps down to 65,536 ns by default (a timing-attack guard): too coarse for kernels of microseconds
    dawnFlags: ['disable-dawn-features=timestamp_quantization'],
  });
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
