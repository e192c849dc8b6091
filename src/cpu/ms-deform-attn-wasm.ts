// The SIMD kernel of msDeformAttnCpu (assembly/ms-deform-attn.ts) on the calling thread. Its module
// (1.4 KB) compiles synchronously on first use, which browsers allow on the main thread below 4 KiB;
// where it cannot compile (no WebAssembly SIMD) or its memory cannot hold the value tensor,
// attendWasm returns false and the caller runs the TypeScript kernel, which gives the same result.
import type { MsDeformAttnGeometry } from '../ms-deform-attn-shapes.js';
import { msDeformAttnKernel } from '../wasm/generated/ms-deform-attn-kernel.js';
import { torchSumSchedule } from './torch-sum-order.js';

type Attend = (
  value: number,
  locations: number,
  weights: number,
  out: number,
  zeros: number,
  table: number,
  terms: number,
  steps: number,
  stepCount: number,
  termRows: number,
  result: number,
  first: number,
  rows: number,
  heads: number,
  d: number,
  queriesTimesHeads: number,
  positions: number,
) => void;

interface Instance {
  memory: WebAssembly.Memory;
  attend: Attend;
}

const PAGE = 65536;
/** Rows (batch, query, head) per pass: their locations, weights and outputs take about 1 MiB. */
const CHUNK_FLOATS = 1 << 18;
/** Memory kept between calls; a call that needs more gets an instance of its own, dropped after it. */
const KEEP_BYTES = 64 << 20;

let module: WebAssembly.Module | null | undefined; // undefined: not compiled yet; null: cannot be
let kept: Instance | undefined;

function compiled(): WebAssembly.Module | null {
  if (module === undefined) {
    try {
      module = new WebAssembly.Module(Uint8Array.from(atob(msDeformAttnKernel), (c) => c.charCodeAt(0)));
    } catch {
      module = null; // no WebAssembly, or no SIMD
    }
  }
  return module;
}

/** An instance whose memory holds `bytes`, or undefined where the engine cannot grow it that far. */
function instanceFor(bytes: number): Instance | undefined {
  const wasm = compiled();
  if (!wasm || bytes > 2 ** 32) return undefined;
  try {
    const reuse = bytes <= KEEP_BYTES ? kept : undefined;
    const memory = reuse?.memory ?? new WebAssembly.Memory({ initial: 1 });
    const pages = Math.ceil(bytes / PAGE) - memory.buffer.byteLength / PAGE;
    if (pages > 0) memory.grow(pages);
    if (reuse) return reuse;
    const instance = new WebAssembly.Instance(wasm, { env: { memory } });
    const made = { memory, attend: instance.exports.attend as Attend };
    if (bytes <= KEEP_BYTES) kept = made;
    return made;
  } catch {
    return undefined; // the memory cannot grow that far
  }
}

const align = (bytes: number) => Math.ceil(bytes / 16) * 16;

/**
 * Writes the attention of `geo`'s shapes into `out` (zeros, `[bs, Nq, heads * d]`) with the wasm
 * kernel; false (and `out` untouched) where it cannot run here.
 */
export function attendWasm(
  value: Float32Array,
  locations: Float32Array,
  weights: Float32Array,
  out: Float32Array,
  geo: MsDeformAttnGeometry,
): boolean {
  const { d, heads, points } = geo;
  const n = geo.levels * points;
  const rows = geo.bs * geo.nq * heads;
  if (n === 0) return true; // no terms: every output is PyTorch's empty sum, 0
  const schedule = torchSumSchedule(n);
  const chunk = Math.max(1, Math.min(rows, Math.floor(CHUNK_FLOATS / (3 * n + d))));
  // the layout (bytes): zeros, table, steps, term rows, value, then one chunk's locations, weights, out
  const zeros = 0;
  const table = align(d * 4);
  const steps = table + align(n * 24);
  const termRows = steps + align(schedule.steps.length * 4);
  const valueAt = termRows + align(n * d * 4);
  const locationsAt = valueAt + align(value.length * 4);
  const weightsAt = locationsAt + align(chunk * n * 8);
  const outAt = weightsAt + align(chunk * n * 4);
  const end = outAt + align(chunk * d * 4);
  const instance = instanceFor(end);
  if (!instance) return false;
  const buffer = instance.memory.buffer;
  new Float32Array(buffer, zeros, d).fill(0);
  const entries = new Int32Array(buffer, table, n * 6);
  for (let k = 0; k < n; k++) {
    const term = schedule.order[k];
    const [height, width] = geo.levelShapes[Math.floor(term / points)];
    entries.set(
      [
        term,
        schedule.into[k] * d * 4,
        schedule.into[k] === term ? 1 : 0,
        width,
        height,
        geo.levelStarts[Math.floor(term / points)],
      ],
      k * 6,
    );
  }
  new Int32Array(buffer, steps, schedule.steps.length).set(schedule.steps.map((row) => row * d * 4));
  new Float32Array(buffer, valueAt, value.length).set(value);
  const chunkLocations = new Float32Array(buffer, locationsAt, chunk * n * 2);
  const chunkWeights = new Float32Array(buffer, weightsAt, chunk * n);
  const chunkOut = new Float32Array(buffer, outAt, chunk * d);
  for (let first = 0; first < rows; first += chunk) {
    const count = Math.min(chunk, rows - first);
    chunkLocations.set(locations.subarray(first * n * 2, (first + count) * n * 2));
    chunkWeights.set(weights.subarray(first * n, (first + count) * n));
    instance.attend(
      valueAt,
      locationsAt,
      weightsAt,
      outAt,
      zeros,
      table,
      n,
      steps,
      schedule.steps.length / 2,
      termRows,
      schedule.result,
      first,
      count,
      heads,
      d,
      geo.nq * heads,
      geo.s,
    );
    out.set(chunkOut.subarray(0, count * d), first * d);
  }
  return true;
}
