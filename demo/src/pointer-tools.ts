// Mouse and touch on the image: drag to translate (affine) or move the centre (lens, swirl, ripple),
// drag the four corner handles (perspective), paint with the brush; the wheel zooms or sizes the brush.
import type { DemoState } from './state.js';
import { isConvexQuad } from './warp-math.js';
import { type DemoWarp, WARPS } from './warp-specs.js';

/** The parameter the mouse wheel scales, per warp: zoom for affine and lens, the brush size. */
const WHEEL_PARAMS: Partial<Record<DemoWarp, string>> = { affine: 'scale', lens: 'zoom', brush: 'radius' };

export interface PointerHandlers {
  /** A brush step from `from` to `to`, normalized output coordinates. */
  brush(from: [number, number], to: [number, number]): void;
  /** The state changed (centre, translation or corners). */
  changed(): void;
}

type Tool = 'translate' | 'center' | 'corners' | 'brush';

const toolOf = (state: DemoState): Tool =>
  state.warp === 'affine'
    ? 'translate'
    : state.warp === 'perspective'
      ? 'corners'
      : state.warp === 'brush'
        ? 'brush'
        : 'center';

const clamp = (v: number, limit: number) => Math.min(limit, Math.max(-limit, v));

function partOf<T extends Element>(frame: HTMLElement, selector: string): T {
  const element = frame.querySelector<T>(selector);
  if (!element) throw new Error(`the frame lacks ${selector}`);
  return element;
}

export class PointerTools {
  private readonly frame: HTMLElement;
  private readonly state: DemoState;
  private readonly handlers: PointerHandlers;
  private readonly handles: HTMLElement[] = [];
  private readonly quad: SVGSVGElement;
  private readonly outline: SVGPolygonElement;
  private readonly cursor: HTMLElement;
  private last?: [number, number];

  constructor(frame: HTMLElement, state: DemoState, handlers: PointerHandlers) {
    this.frame = frame;
    this.state = state;
    this.handlers = handlers;
    this.quad = partOf<SVGSVGElement>(frame, '#quad');
    this.outline = partOf<SVGPolygonElement>(frame, '#quad-outline');
    this.cursor = partOf<HTMLElement>(frame, '#brush-cursor');
    const handleLayer = partOf<HTMLElement>(frame, '#handles');
    for (let i = 0; i < 4; i++) {
      const handle = document.createElement('div');
      handle.className = 'handle';
      handle.title = `${['top-left', 'top-right', 'bottom-right', 'bottom-left'][i]} corner of the image`;
      handle.addEventListener('pointerdown', (event) => this.dragHandle(event, i));
      handleLayer.append(handle);
      this.handles.push(handle);
    }
    frame.addEventListener('pointerdown', (event) => this.down(event));
    frame.addEventListener('pointermove', (event) => this.move(event));
    frame.addEventListener('pointerup', () => (this.last = undefined));
    frame.addEventListener('pointercancel', () => (this.last = undefined));
    frame.addEventListener('pointerleave', () => (this.cursor.hidden = true));
    frame.addEventListener('wheel', (event) => this.wheel(event), { passive: false });
    this.refresh();
  }

  /** Shows the handles and cursor that fit the current warp. */
  refresh(): void {
    const tool = toolOf(this.state);
    this.frame.dataset.tool = tool;
    const corners = tool === 'corners';
    this.quad.toggleAttribute('hidden', !corners);
    for (const handle of this.handles) handle.hidden = !corners;
    if (!corners) return;
    const c = this.state.corners;
    this.outline.setAttribute('points', [0, 1, 2, 3].map((i) => `${c[2 * i]},${c[2 * i + 1]}`).join(' '));
    this.handles.forEach((handle, i) => {
      handle.style.left = `${((c[2 * i] + 1) / 2) * 100}%`;
      handle.style.top = `${((c[2 * i + 1] + 1) / 2) * 100}%`;
    });
  }

  /** Normalized output coordinates of a pointer event: -1 and +1 at the canvas edges. */
  private normalized(event: MouseEvent): [number, number] {
    const rect = this.frame.getBoundingClientRect();
    return [((event.clientX - rect.left) / rect.width) * 2 - 1, ((event.clientY - rect.top) / rect.height) * 2 - 1];
  }

  private down(event: PointerEvent): void {
    if (event.button !== 0 || toolOf(this.state) === 'corners') return;
    this.frame.setPointerCapture(event.pointerId);
    this.last = this.normalized(event);
    if (toolOf(this.state) === 'center') this.setCenter(this.last);
  }

  private move(event: PointerEvent): void {
    const point = this.normalized(event);
    this.showBrushCursor(point);
    const last = this.last;
    if (!last) return;
    this.last = point;
    const tool = toolOf(this.state);
    if (tool === 'brush') {
      this.handlers.brush(last, point);
    } else if (tool === 'center') {
      this.setCenter(point);
    } else if (tool === 'translate') {
      const p = this.state.params.affine;
      p.tx = clamp(p.tx + point[0] - last[0], 1);
      p.ty = clamp(p.ty + point[1] - last[1], 1);
      this.handlers.changed();
    }
  }

  private wheel(event: WheelEvent): void {
    const name = WHEEL_PARAMS[this.state.warp];
    const spec = WARPS[this.state.warp].params.find((p) => p.name === name);
    if (!name || !spec) return;
    event.preventDefault();
    const params = this.state.params[this.state.warp];
    const scaled = params[name] * Math.exp(-event.deltaY * 0.001);
    params[name] = Math.min(spec.max, Math.max(spec.min, scaled));
    this.showBrushCursor(this.normalized(event));
    this.handlers.changed();
  }

  private setCenter([x, y]: [number, number]): void {
    const p = this.state.params[this.state.warp];
    p.cx = clamp(x, 1);
    p.cy = clamp(y, 1);
    this.handlers.changed();
  }

  private showBrushCursor([x, y]: [number, number]): void {
    this.cursor.hidden = toolOf(this.state) !== 'brush';
    if (this.cursor.hidden) return;
    const rect = this.frame.getBoundingClientRect();
    // the brush radius is in isotropic units: half the shorter side is 1
    const diameter = this.state.params.brush.radius * Math.min(rect.width, rect.height);
    Object.assign(this.cursor.style, {
      width: `${diameter}px`,
      height: `${diameter}px`,
      left: `${((x + 1) / 2) * rect.width - diameter / 2}px`,
      top: `${((y + 1) / 2) * rect.height - diameter / 2}px`,
    });
  }

  /** Drags corner `index`; a move that would fold the quad is refused. */
  private dragHandle(event: PointerEvent, index: number): void {
    event.stopPropagation();
    const handle = this.handles[index];
    handle.setPointerCapture(event.pointerId);
    const onMove = (move: PointerEvent) => {
      const [x, y] = this.normalized(move);
      const corners = [...this.state.corners];
      corners[2 * index] = clamp(x, 4);
      corners[2 * index + 1] = clamp(y, 4);
      if (!isConvexQuad(corners)) return;
      this.state.corners = corners;
      this.refresh();
      this.handlers.changed();
    };
    const onUp = () => {
      handle.removeEventListener('pointermove', onMove);
      handle.removeEventListener('pointerup', onUp);
      handle.removeEventListener('pointercancel', onUp);
    };
    handle.addEventListener('pointermove', onMove);
    handle.addEventListener('pointerup', onUp);
    handle.addEventListener('pointercancel', onUp);
  }
}
