// The side panel: builds the warp buttons and sliders from warp-specs, keeps every control in step
// with the state, and reports what the user changed.
import { BACKENDS, type DemoBackend, type DemoState, MODES, PADDINGS } from './state.js';
import { DEFAULT_CORNERS, defaultParams, WARP_NAMES, WARPS } from './warp-specs.js';

export interface ControlHandlers {
  /** The user changed `state` (the caller refreshes the controls). */
  changed(): void;
  openFile(file: File): void;
  download(): void;
  copyLink(): void;
  clearBrush(): void;
}

const SIZES = [128, 256, 384, 512, 768, 1024, 1536, 2048];

const byId = <T extends HTMLElement>(id: string) => {
  const element = document.getElementById(id);
  if (!element) throw new Error(`the page lacks #${id}`);
  return element as T;
};

function formatValue(value: number, step: number, unit = ''): string {
  const decimals = Math.max(0, Math.min(3, -Math.floor(Math.log10(step))));
  return `${value.toFixed(decimals)}${unit}`;
}

export class Controls {
  private readonly state: DemoState;
  private readonly handlers: ControlHandlers;
  private webgpuAvailable = true;

  constructor(state: DemoState, handlers: ControlHandlers) {
    this.state = state;
    this.handlers = handlers;
    this.buildWarpButtons();
    this.buildSelects();
    this.buildBackendButtons();
    this.bindButtons();
    this.refresh();
  }

  /** Greys out WebGPU (and compare) where the browser has none. */
  disableWebGpu(): void {
    this.webgpuAvailable = false;
    this.refresh();
  }

  setTiming(backend: DemoBackend, timing: { ms: number; frames: number } | undefined): void {
    const cell = byId(`time-${backend}`);
    if (!timing) {
      cell.textContent = '–';
      return;
    }
    const ms = timing.ms < 10 ? timing.ms.toFixed(2) : timing.ms.toFixed(1);
    // the first frame also compiles the pipelines, so it is labelled until others follow
    cell.textContent = timing.frames === 1 ? `${ms} ms (1st frame)` : `${ms} ms/frame`;
    cell.title = `median of the last ${timing.frames} frame${timing.frames === 1 ? '' : 's'}`;
  }

  /** Brings every control in line with the state (after a drag on the image, or a reset). */
  refresh(): void {
    const s = this.state;
    for (const button of byId('warp-buttons').querySelectorAll('button')) {
      button.setAttribute('aria-pressed', String(button.dataset.value === s.warp));
    }
    for (const button of byId('backend-buttons').querySelectorAll('button')) {
      button.setAttribute('aria-pressed', String(button.dataset.value === s.backend));
      button.disabled = button.dataset.value === 'webgpu' && !this.webgpuAvailable;
    }
    byId('warp-hint').textContent = WARPS[s.warp].hint;
    this.buildSliders();
    byId<HTMLSelectElement>('mode').value = s.mode;
    byId<HTMLSelectElement>('padding').value = s.padding;
    byId<HTMLSelectElement>('size').value = String(s.size);
    byId<HTMLInputElement>('align-corners').checked = s.alignCorners;
    const compare = byId<HTMLInputElement>('compare');
    compare.checked = s.compare && this.webgpuAvailable;
    compare.disabled = !this.webgpuAvailable;
    byId<HTMLInputElement>('animate').checked = s.animate;
    byId('animate-label').hidden = s.warp !== 'ripple';
    byId('clear-brush').hidden = s.warp !== 'brush';
    for (const row of byId('timings').querySelectorAll('tr')) row.classList.remove('active');
    byId(`time-${s.backend}`).parentElement?.classList.add('active');
  }

  private buildWarpButtons(): void {
    const container = byId('warp-buttons');
    for (const warp of WARP_NAMES) {
      const button = document.createElement('button');
      button.type = 'button';
      button.dataset.value = warp;
      button.textContent = WARPS[warp].label;
      button.addEventListener('click', () => {
        this.state.warp = warp;
        this.handlers.changed();
      });
      container.append(button);
    }
  }

  /** One slider per parameter of the current warp, rebuilt only when the warp changes. */
  private buildSliders(): void {
    const container = byId('warp-params');
    const warp = this.state.warp;
    if (container.dataset.warp === warp) {
      for (const input of container.querySelectorAll<HTMLInputElement>('input')) {
        input.value = String(this.state.params[warp][input.name]);
        input.dispatchEvent(new Event('sync'));
      }
      return;
    }
    container.dataset.warp = warp;
    container.replaceChildren();
    for (const spec of WARPS[warp].params) {
      const label = document.createElement('label');
      label.className = 'slider';
      label.title = 'double-click to reset';
      const name = document.createElement('span');
      name.textContent = spec.label;
      const input = document.createElement('input');
      Object.assign(input, {
        type: 'range',
        name: spec.name,
        min: String(spec.min),
        max: String(spec.max),
        step: String(spec.step),
      });
      input.value = String(this.state.params[warp][spec.name]);
      const output = document.createElement('output');
      const show = () => (output.textContent = formatValue(Number(input.value), spec.step, spec.unit));
      show();
      input.addEventListener('sync', show);
      input.addEventListener('input', () => {
        this.state.params[warp][spec.name] = Number(input.value);
        show();
        this.handlers.changed();
      });
      input.addEventListener('dblclick', () => {
        input.value = String(spec.value);
        input.dispatchEvent(new Event('input'));
      });
      label.append(name, input, output);
      container.append(label);
    }
  }

  private buildSelects(): void {
    const fill = (id: string, values: readonly (string | number)[]) => {
      const select = byId<HTMLSelectElement>(id);
      for (const value of values) select.add(new Option(String(value), String(value)));
      return select;
    };
    const mode = fill('mode', MODES);
    mode.addEventListener('change', () => {
      this.state.mode = mode.value as DemoState['mode'];
      this.handlers.changed();
    });
    const padding = fill('padding', PADDINGS);
    padding.addEventListener('change', () => {
      this.state.padding = padding.value as DemoState['padding'];
      this.handlers.changed();
    });
    const sizes = SIZES.includes(this.state.size) ? SIZES : [...SIZES, this.state.size].sort((a, b) => a - b);
    const size = fill('size', sizes);
    size.addEventListener('change', () => {
      this.state.size = Number(size.value);
      this.handlers.changed();
    });
    const check = (id: string, apply: (checked: boolean) => void) => {
      const input = byId<HTMLInputElement>(id);
      input.addEventListener('change', () => {
        apply(input.checked);
        this.handlers.changed();
      });
    };
    check('align-corners', (c) => (this.state.alignCorners = c));
    check('compare', (c) => (this.state.compare = c));
    check('animate', (c) => (this.state.animate = c));
  }

  private buildBackendButtons(): void {
    const container = byId('backend-buttons');
    const labels: Record<DemoBackend, string> = { webgpu: 'WebGPU', cpu: 'CPU' };
    for (const backend of BACKENDS) {
      const button = document.createElement('button');
      button.type = 'button';
      button.dataset.value = backend;
      button.textContent = labels[backend];
      button.addEventListener('click', () => {
        this.state.backend = backend;
        this.handlers.changed();
      });
      container.append(button);
    }
  }

  private bindButtons(): void {
    const file = byId<HTMLInputElement>('file');
    byId('open').addEventListener('click', () => file.click());
    file.addEventListener('change', () => {
      if (file.files?.[0]) this.handlers.openFile(file.files[0]);
      file.value = '';
    });
    byId('download').addEventListener('click', () => this.handlers.download());
    byId('copy-link').addEventListener('click', () => this.handlers.copyLink());
    byId('clear-brush').addEventListener('click', () => this.handlers.clearBrush());
    byId('reset-warp').addEventListener('click', () => {
      const warp = this.state.warp;
      this.state.params[warp] = defaultParams(warp);
      if (warp === 'perspective') this.state.corners = [...DEFAULT_CORNERS];
      if (warp === 'brush') this.handlers.clearBrush();
      this.handlers.changed();
    });
  }
}

export { byId };
