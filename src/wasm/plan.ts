// Where one grid_sample call lives in the kernels' memory, how its work is split over threads, and
// the Params block that describes it to the kernels (field order: assembly/params.ts). Every region
// starts on a 64-byte line.
import type { ResolvedOptions, SampleGeometry } from '../options.js';

const MODES = { bilinear: 0, nearest: 1, bicubic: 2 } as const;
const PADDINGS = { zeros: 0, border: 1, reflection: 2 } as const;
const PACKINGS = { none: 0, 'channels-first': 1 } as const;

/** Bytes of the Params block (20 fields of 4 bytes, rounded up to a line). */
const PARAMS_BYTES = 128;
/** Below this the kernels' memory is never placed: a margin for what the compiler might reserve. */
const FIRST_FREE = 1024;
// Points per block and the scratch bytes before a thread's tile: BLOCK and TILE_OFFSET of
// assembly/tile.ts (test/wasm/plan.test.ts checks scratchBytesOf against the kernels' scratchBytes).
const BLOCK = 64;
/** Channels-first input copied in and packed at a time on one thread: about a megabyte. */
const STAGE_BYTES = 1 << 20;
const SCRATCH_LANES = 24 * 4 * BLOCK + 3 * 128;

/** How the input reaches the kernels' layout: channels last, C floats per pixel. */
export type Packing = keyof typeof PACKINGS;

export interface MemoryPlan {
  params: number;
  /** The i32 from which the threads of a kernel run claim their chunks of work. */
  counter: number;
  /** Per-thread scratch areas, `scratchBytes` apart. */
  scratch: number;
  scratchBytes: number;
  /** One zero pixel: what taps outside the input read. */
  zero: number;
  input: number;
  /**
   * 'points': the whole input is packed first (by all threads), then each thread samples a range of
   * output points. 'batches': each thread takes whole batch items, packing one at a time into its
   * own `packedBytes` at `packed` and sampling it while it is in cache.
   */
  split: 'points' | 'batches';
  /** The packed input ('points'), or `input` itself when it already has the kernels' layout. */
  source: number;
  /**
   * One thread, one channels-first batch item: input pixels copied into `input` (channels first, planes
   * `stagePixels` apart) and packed into `source` at a time, while they are in cache; 0: the whole
   * input is copied into `input` first.
   */
  stagePixels: number;
  /** Per-thread packed batch items ('batches'), `packedBytes` apart. */
  packed: number;
  packedBytes: number;
  grid: number;
  output: number;
  /** Total bytes the memory must hold. */
  bytes: number;
  packing: Packing;
  /** Floats per pixel in the kernels' input: C. */
  pixelStride: number;
  /** Input pixels (N x spatial) and output points (N x output spatial). */
  pixels: number;
  points: number;
}

const line = (bytes: number) => Math.ceil(bytes / 64) * 64;

/** Scratch bytes of one thread for `pixelStride` floats per pixel. */
export function scratchBytesOf(pixelStride: number): number {
  return SCRATCH_LANES + BLOCK * 4 * pixelStride + 16;
}

export function planMemory(geo: SampleGeometry, threads: number): MemoryPlan {
  const { n, c } = geo;
  const pixelStride = c;
  const itemPixels = geo.inD * geo.inH * geo.inW;
  const pixels = n * itemPixels;
  const points = n * geo.outD * geo.outH * geo.outW;
  // channels last is the kernels' layout already
  const packing: Packing = geo.layout === 'nchw' ? 'channels-first' : 'none';
  // whole batch items per thread when there are enough of them to share evenly
  const split = packing !== 'none' && (threads === 1 ? n > 1 : n >= 2 * threads) ? 'batches' : 'points';
  const scratchBytes = line(scratchBytesOf(pixelStride));
  const packedBytes = split === 'batches' ? line(4 * itemPixels * pixelStride + 16) : 0;
  let at = FIRST_FREE;
  const take = (bytes: number) => {
    const start = at;
    at += line(bytes);
    return start;
  };
  const params = take(PARAMS_BYTES);
  const counter = take(4);
  const scratch = take(scratchBytes * threads);
  // the kernels read four channels at a time: up to 3 floats past a pixel, so 16 bytes of slack
  const zero = take(4 * Math.ceil(c / 4) * 4);
  const stagePixels =
    packing === 'channels-first' && split === 'points' && threads === 1
      ? Math.min(pixels, Math.max(4, 4 * Math.floor(STAGE_BYTES / (16 * Math.max(1, c)))))
      : 0;
  const input = take(4 * (stagePixels || pixels) * c + 16);
  const source = packing === 'none' ? input : split === 'points' ? take(4 * pixels * pixelStride + 16) : 0;
  const packed = take(packedBytes * threads);
  const grid = take(4 * points * geo.spatialDims + 48); // a last partial group reads up to 3 points on
  const output = take(4 * points * c);
  return {
    params,
    counter,
    scratch,
    scratchBytes,
    zero,
    input,
    split,
    source,
    stagePixels,
    packed,
    packedBytes,
    grid,
    output,
    bytes: at,
    packing,
    pixelStride,
    pixels,
    points,
  };
}

/** Writes the Params block of a call (and zeroes its zero pixel) into the memory. */
export function writeParams(
  buffer: ArrayBufferLike,
  plan: MemoryPlan,
  geo: SampleGeometry,
  opts: ResolvedOptions,
): void {
  new Float32Array(buffer, plan.zero, Math.ceil(plan.pixelStride / 4) * 4).fill(0);
  new Int32Array(buffer, plan.params, 20).set([
    geo.spatialDims,
    MODES[opts.mode],
    PADDINGS[opts.paddingMode],
    opts.alignCorners ? 1 : 0,
    geo.layout === 'nhwc' ? 1 : 0,
    geo.n,
    geo.c,
    geo.inD,
    geo.inH,
    geo.inW,
    geo.outD,
    geo.outH,
    geo.outW,
    plan.input,
    PACKINGS[plan.packing],
    plan.source,
    plan.pixelStride,
    plan.zero,
    plan.grid,
    plan.output,
  ]);
}

/**
 * [start, end) ranges that split `total` units over `parts` threads, cut at multiples of `align`
 * (output points: 4, the kernels' SIMD width).
 */
export function splitRange(total: number, parts: number, align = 1): [number, number][] {
  const cut = (i: number) => (i === parts ? total : Math.min(total, Math.ceil((total * i) / parts / align) * align));
  const ranges: [number, number][] = [];
  for (let i = 0; i < parts; i++) if (cut(i + 1) > cut(i)) ranges.push([cut(i), cut(i + 1)]);
  return ranges;
}
