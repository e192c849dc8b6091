// The demo's whole state, and its query-string form: every view can be shared as a link.
import type { Mode, PaddingMode } from '../../src/index.js';
import { isConvexQuad } from './warp-math.js';
import { DEFAULT_CORNERS, type DemoWarp, defaultParams, WARP_NAMES, WARPS } from './warp-specs.js';

export type DemoBackend = 'webgpu' | 'cpu';

export interface DemoState {
  warp: DemoWarp;
  /** Slider values of every warp, so switching warps keeps each one's settings. */
  params: Record<DemoWarp, Record<string, number>>;
  /** Perspective handles: normalized (x, y) of the input's TL, TR, BR, BL corners in the output. */
  corners: number[];
  mode: Mode;
  padding: PaddingMode;
  alignCorners: boolean;
  backend: DemoBackend;
  /** Output size in pixels along the image's longer side; the aspect ratio is the image's. */
  size: number;
  compare: boolean;
  animate: boolean;
}

export const MODES: readonly Mode[] = ['bilinear', 'nearest', 'bicubic'];
export const PADDINGS: readonly PaddingMode[] = ['zeros', 'border', 'reflection'];
export const BACKENDS: readonly DemoBackend[] = ['webgpu', 'cpu'];
export const SIZE_RANGE = { min: 16, max: 2048 } as const;

export function defaultState(): DemoState {
  return {
    warp: 'swirl',
    params: Object.fromEntries(WARP_NAMES.map((w) => [w, defaultParams(w)])) as DemoState['params'],
    corners: [...DEFAULT_CORNERS],
    mode: 'bilinear',
    padding: 'reflection',
    alignCorners: false,
    backend: 'webgpu',
    size: 512,
    compare: false,
    animate: false,
  };
}

const BOOLEANS: Record<string, boolean> = { true: true, '1': true, false: false, '0': false };

/**
 * Reads a query string such as `?warp=lens&k1=0.3&mode=bicubic&size=256`. Values that are not
 * understood keep their default and are listed in `problems`, so the page can say so.
 */
export function parseState(search: string): { state: DemoState; problems: string[] } {
  const query = new URLSearchParams(search);
  const state = defaultState();
  const problems: string[] = [];
  const pick = <T extends string>(key: string, allowed: readonly T[], apply: (value: T) => void) => {
    const raw = query.get(key);
    if (raw === null) return;
    if ((allowed as readonly string[]).includes(raw)) apply(raw as T);
    else problems.push(`${key}=${raw} ignored: expected one of ${allowed.join(', ')}`);
  };
  const flag = (key: string, apply: (value: boolean) => void) => {
    const raw = query.get(key);
    if (raw === null) return;
    if (raw in BOOLEANS) apply(BOOLEANS[raw]);
    else problems.push(`${key}=${raw} ignored: expected true or false`);
  };

  pick('warp', WARP_NAMES, (w) => (state.warp = w));
  pick('mode', MODES, (m) => (state.mode = m));
  pick('padding', PADDINGS, (p) => (state.padding = p));
  pick('backend', BACKENDS, (b) => (state.backend = b));
  flag('alignCorners', (b) => (state.alignCorners = b));
  flag('compare', (b) => (state.compare = b));
  flag('animate', (b) => (state.animate = b));

  const size = query.get('size');
  if (size !== null) {
    const n = Number(size);
    if (Number.isInteger(n) && n >= SIZE_RANGE.min && n <= SIZE_RANGE.max) state.size = n;
    else problems.push(`size=${size} ignored: expected an integer from ${SIZE_RANGE.min} to ${SIZE_RANGE.max}`);
  }

  // the warp's own parameters, clamped to its slider ranges
  for (const spec of WARPS[state.warp].params) {
    const raw = query.get(spec.name);
    if (raw === null) continue;
    const n = Number(raw);
    if (raw.trim() === '' || !Number.isFinite(n)) {
      problems.push(`${spec.name}=${raw} ignored: expected a number from ${spec.min} to ${spec.max}`);
      continue;
    }
    const clamped = Math.min(spec.max, Math.max(spec.min, n));
    if (clamped !== n) problems.push(`${spec.name}=${raw} clamped to ${clamped}`);
    state.params[state.warp][spec.name] = clamped;
  }

  const corners = query.get('corners');
  if (corners !== null) {
    const values = corners.split(',').map(Number);
    if (!(values.length === 8 && values.every((v) => Number.isFinite(v) && Math.abs(v) <= 4)))
      problems.push(`corners=${corners} ignored: expected 8 comma-separated numbers x0,y0,...,x3,y3 within ±4`);
    else if (!isConvexQuad(values))
      problems.push(`corners=${corners} ignored: the corners TL, TR, BR, BL must make a convex quad`);
    else state.corners = values;
  }
  return { state, problems };
}

const round = (v: number) => String(Math.round(v * 1e4) / 1e4);

/** The query string that reproduces `state` (the current warp's parameters only). */
export function stateQuery(state: DemoState): string {
  const query = new URLSearchParams({ warp: state.warp });
  for (const spec of WARPS[state.warp].params) query.set(spec.name, round(state.params[state.warp][spec.name]));
  if (state.warp === 'perspective') query.set('corners', state.corners.map(round).join(','));
  query.set('mode', state.mode);
  query.set('padding', state.padding);
  query.set('alignCorners', String(state.alignCorners));
  query.set('backend', state.backend);
  query.set('size', String(state.size));
  if (state.compare) query.set('compare', 'true');
  if (state.animate) query.set('animate', 'true');
  return `?${query}`;
}
