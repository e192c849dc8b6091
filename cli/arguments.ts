// Command-line arguments to a warp job. Warp parameters are the library's option names (those of the
// demo's links too), so a demo link, a command line and a library call describe the same picture.
import { parseArgs } from 'node:util';
import type { GridSampleOptions, Mode, PaddingMode } from '../src/index.js';
import { initialCorners, type WarpName, type WarpOptions, warpGrid, warpParameters } from '../src/warps.js';

/** Pillow's default limit (Image.MAX_IMAGE_PIXELS): about a 9459 x 9459 image, 1/4 GiB of RGBA8 / 3. */
export const DEFAULT_MAX_PIXELS = 89_478_485;

export const USAGE = `Usage: webgpu-grid-sample warp <input.png|jpg> [more inputs...] <output.png|jpg | output-folder>
  --warp affine|perspective|lens|swirl|ripple   (required)
  warp parameters, as in the demo's links:
    affine: --angle --scale --shear --tx --ty    lens: --k1 --k2 --zoom --cx --cy
    swirl: --strength --radius --cx --cy         ripple: --amplitude --wavelength --phase --cx --cy
    perspective: --corners x0,y0,x1,y1,x2,y2,x3,y3
  --mode bilinear|nearest|bicubic  --padding zeros|border|reflection  --align-corners
  --size N       output pixels along the longer side (default: the input's)
  --backend auto|webgpu|cpu   (default auto: WebGPU through Dawn when an adapter is there)
  --max-pixels N  refuse inputs that declare more pixels than N (default ${DEFAULT_MAX_PIXELS})
Several inputs need an output folder; each result is written as <name>.png there.`;

/** A command line the CLI cannot run, with what to fix. */
export class UsageError extends Error {
  override name = 'UsageError';
}

export type CliBackend = 'auto' | 'webgpu' | 'cpu';

/** A warp's options without the output size, which each input decides. */
export type WarpParams = Omit<WarpOptions[WarpName], 'width' | 'height'>;

export interface WarpJob {
  inputs: string[];
  output: string;
  warp: WarpName;
  params: WarpParams;
  sampling: Required<Pick<GridSampleOptions, 'mode' | 'paddingMode' | 'alignCorners'>>;
  /** Output size along the longer side; undefined keeps each input's size. */
  size: number | undefined;
  backend: CliBackend;
  /** Inputs whose header declares more pixels than this are refused before decoding. */
  maxPixels: number;
}

const WARPS = Object.keys(warpParameters) as WarpName[];
const WARP_PARAMS = [...new Set(WARPS.flatMap((w) => warpParameters[w].map((p) => p.name)))];
const MODES: readonly Mode[] = ['bilinear', 'nearest', 'bicubic'];
const PADDINGS: readonly PaddingMode[] = ['zeros', 'border', 'reflection'];

function choice<T extends string>(flag: string, value: string | undefined, allowed: readonly T[], fallback: T): T {
  if (value === undefined) return fallback;
  if (!(allowed as readonly string[]).includes(value)) {
    throw new UsageError(`--${flag} ${value}: expected one of ${allowed.join(', ')}`);
  }
  return value as T;
}

function integer(flag: string, value: string | undefined, min: number, max: number): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < min || n > max) {
    throw new UsageError(`--${flag} ${value}: expected an integer from ${min} to ${max}`);
  }
  return n;
}

/** The warp's parameters: the flags given, the starting values (warpParameters) for the rest. */
function warpParams(warp: WarpName, values: Record<string, string | boolean | undefined>): Record<string, unknown> {
  const own = warpParameters[warp];
  const params: Record<string, unknown> = {};
  for (const name of WARP_PARAMS) {
    if (values[name] !== undefined && !own.some((p) => p.name === name)) {
      const names = own.map((p) => p.name).join(', ') || 'none';
      throw new UsageError(`--${name} does not apply to --warp ${warp} (its parameters: ${names})`);
    }
  }
  for (const p of own) {
    const raw = values[p.name];
    const n = Number(raw);
    if (raw !== undefined && (String(raw).trim() === '' || !(n >= p.min && n <= p.max))) {
      throw new UsageError(`--${p.name} ${raw}: expected a number from ${p.min} to ${p.max}`);
    }
    params[p.name] = raw === undefined ? p.initial : n;
  }
  if (values.corners !== undefined && warp !== 'perspective') {
    throw new UsageError('--corners applies only to --warp perspective');
  }
  if (warp === 'perspective') {
    const corners = values.corners === undefined ? [...initialCorners] : String(values.corners).split(',').map(Number);
    if (!(corners.length === 8 && corners.every((v) => Number.isFinite(v) && Math.abs(v) <= 4))) {
      throw new UsageError(`--corners ${values.corners}: expected 8 comma-separated numbers x0,y0,...,x3,y3 within ±4`);
    }
    params.corners = corners;
  }
  return params;
}

export function parseWarpArguments(argv: string[]): WarpJob {
  let parsed: ReturnType<typeof parse>;
  try {
    parsed = parse(argv);
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  const { values, positionals } = parsed;
  if (positionals.length < 2) throw new UsageError('need at least one input and an output');
  const warp = values.warp;
  if (warp === undefined) throw new UsageError(`missing --warp (one of ${WARPS.join(', ')})`);
  if (!WARPS.includes(warp as WarpName)) {
    const brush = warp === 'brush' ? " (brush needs the demo's mouse)" : '';
    throw new UsageError(`--warp ${warp} is not available here; use one of ${WARPS.join(', ')}${brush}`);
  }
  const alignCorners = values['align-corners'] ?? false;
  const params = { ...warpParams(warp as WarpName, values), alignCorners } as WarpParams;
  try {
    warpGrid(warp as WarpName, { ...params, width: 1, height: 1 } as WarpOptions[WarpName]); // the library's own checks
  } catch (error) {
    throw new UsageError(`--warp ${warp}: ${(error as Error).message}`);
  }
  return {
    inputs: positionals.slice(0, -1),
    output: positionals[positionals.length - 1],
    warp: warp as WarpName,
    params,
    sampling: {
      mode: choice('mode', values.mode, MODES, 'bilinear'),
      paddingMode: choice('padding', values.padding, PADDINGS, 'reflection'),
      alignCorners,
    },
    size: integer('size', values.size, 1, 16384),
    backend: choice('backend', values.backend, ['auto', 'webgpu', 'cpu'] as const, 'auto'),
    maxPixels: integer('max-pixels', values['max-pixels'], 1, Number.MAX_SAFE_INTEGER) ?? DEFAULT_MAX_PIXELS,
  };
}

function parse(argv: string[]) {
  const text = { type: 'string' } as const;
  return parseArgs({
    args: argv,
    allowPositionals: true,
    strict: true,
    options: {
      warp: text,
      mode: text,
      padding: text,
      'align-corners': { type: 'boolean' },
      size: text,
      backend: text,
      corners: text,
      'max-pixels': text,
      ...Object.fromEntries(WARP_PARAMS.map((name) => [name, text])),
    },
  });
}
