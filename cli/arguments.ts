// Command-line arguments to a warp job. Warp parameters use the demo's query-parameter names, so a
// demo link and a command line describe the same picture.
import { parseArgs } from 'node:util';
import { type DemoState, parseState } from '../demo/src/state.js';
import { WARP_NAMES, WARPS } from '../demo/src/warp-specs.js';

export const USAGE = `Usage: webgpu-grid-sample warp <input.png|jpg> [more inputs...] <output.png|jpg | output-folder>
  --warp affine|perspective|lens|swirl|ripple   (required)
  warp parameters, as in the demo's links:
    affine: --angle --scale --shear --tx --ty    lens: --k1 --k2 --zoom --cx --cy
    swirl: --strength --radius --cx --cy         ripple: --amplitude --wavelength --phase --cx --cy
    perspective: --corners x0,y0,x1,y1,x2,y2,x3,y3
  --mode bilinear|nearest|bicubic  --padding zeros|border|reflection  --align-corners
  --size N       output pixels along the longer side (default: the input's)
  --backend auto|webgpu|cpu   (default auto: WebGPU through Dawn when an adapter is there)
Several inputs need an output folder; each result is written as <name>.png there.`;

/** A command line the CLI cannot run, with what to fix. */
export class UsageError extends Error {
  override name = 'UsageError';
}

export type CliBackend = 'auto' | 'webgpu' | 'cpu';

export interface WarpJob {
  inputs: string[];
  output: string;
  state: DemoState;
  /** Output size along the longer side; undefined keeps each input's size. */
  size: number | undefined;
  backend: CliBackend;
}

const WARP_PARAMS = [...new Set(WARP_NAMES.flatMap((w) => WARPS[w].params.map((p) => p.name)))];

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
  if (warp === undefined) throw new UsageError(`missing --warp (one of ${cliWarps().join(', ')})`);
  if (!cliWarps().includes(warp as never)) {
    throw new UsageError(
      `--warp ${warp} is not available here; use one of ${cliWarps().join(', ')} (brush needs the demo's mouse)`,
    );
  }
  const query = new URLSearchParams({ warp });
  const own = new Set(WARPS[warp as keyof typeof WARPS].params.map((p) => p.name));
  for (const name of WARP_PARAMS) {
    const value = values[name as keyof typeof values];
    if (value === undefined) continue;
    if (!own.has(name))
      throw new UsageError(
        `--${name} does not apply to --warp ${warp} (its parameters: ${[...own].join(', ') || 'none'})`,
      );
    query.set(name, String(value));
  }
  if (values.corners !== undefined) {
    if (warp !== 'perspective') throw new UsageError('--corners applies only to --warp perspective');
    query.set('corners', String(values.corners));
  }
  if (values.mode !== undefined) query.set('mode', String(values.mode));
  if (values.padding !== undefined) query.set('padding', String(values.padding));
  query.set('alignCorners', String(values['align-corners'] ?? false));
  const { state, problems } = parseState(`?${query}`);
  if (problems.length > 0) throw new UsageError(problems.map((p) => p.replace(/^(\w+)=/, '--$1 ')).join('; '));

  let size: number | undefined;
  if (values.size !== undefined) {
    size = Number(values.size);
    if (!Number.isInteger(size) || size < 1 || size > 16384)
      throw new UsageError(`--size ${values.size}: expected an integer from 1 to 16384`);
  }
  const backend = (values.backend ?? 'auto') as CliBackend;
  if (!['auto', 'webgpu', 'cpu'].includes(backend))
    throw new UsageError(`--backend ${backend}: expected auto, webgpu or cpu`);
  return { inputs: positionals.slice(0, -1), output: positionals[positionals.length - 1], state, size, backend };
}

const cliWarps = () => WARP_NAMES.filter((w) => w !== 'brush');

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
      ...Object.fromEntries(WARP_PARAMS.map((name) => [name, text])),
    },
  });
}
