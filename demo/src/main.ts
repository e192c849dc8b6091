// The demo page: reads the state from the URL, loads the photo, starts WebGPU (or says why not and
// uses the CPU reference), and draws a frame whenever a control changes.
import { WebGPUUnavailableError } from '../../src/index.js';
import coffeeUrl from '../assets/coffee.jpg';
import { applyBrushStep } from './brush.js';
import { compareOutputs, legendGradient } from './compare.js';
import { byId, Controls } from './controls.js';
import { CpuRenderer } from './cpu-renderer.js';
import { GpuRenderer } from './gpu-renderer.js';
import { downloadPng, type LoadedImage, loadImage } from './image.js';
import { PointerTools } from './pointer-tools.js';
import { setUpRegistration } from './registration-panel.js';
import { parseState, stateQuery } from './state.js';
import { Timings } from './timings.js';
import { outputSize, warpFrame } from './warp-math.js';

const body = document.body;
const notices: string[] = [];

function notice(message: string): void {
  notices.push(message);
  const element = byId('notice');
  element.hidden = false;
  element.replaceChildren(
    ...notices.map((text) => Object.assign(document.createElement('div'), { textContent: text })),
  );
}

function fail(error: unknown): void {
  const message = error instanceof Error ? error.message : String(error);
  body.dataset.status = 'error';
  body.dataset.error = message;
  notice(`Error: ${message}`);
}

window.addEventListener('error', (event) => {
  // a ResizeObserver that resizes what it observes reports this benign notice as an error event
  if (String(event.message).startsWith('ResizeObserver loop')) return;
  fail(event.error ?? event.message);
});
window.addEventListener('unhandledrejection', (event) => fail(event.reason));

const { state, problems } = parseState(location.search);
for (const problem of problems) notice(`Link: ${problem}.`);

const gpuCanvas = Object.assign(document.createElement('canvas'), { id: 'output' });
const cpuCanvas = Object.assign(document.createElement('canvas'), { id: 'output' });
const frameElement = byId('frame');
const cpu = new CpuRenderer(cpuCanvas);
const timings = new Timings();

/** WebGPU, or undefined after telling the user plainly why not. */
async function startWebGpu(): Promise<GpuRenderer | undefined> {
  try {
    return await GpuRenderer.create(gpuCanvas, fail);
  } catch (error) {
    const reason =
      error instanceof WebGPUUnavailableError
        ? navigator.gpu
          ? 'the browser found no WebGPU adapter (GPU blocklisted, or no driver)'
          : 'this browser has no WebGPU (navigator.gpu is missing; it also needs https or localhost)'
        : `starting WebGPU failed: ${error instanceof Error ? error.message : String(error)}`;
    notice(`WebGPU is not available: ${reason}. Rendering with the CPU reference instead, which is slower.`);
    state.backend = 'cpu';
    state.compare = false;
    return undefined;
  }
}

const gpu = await startWebGpu();

let image: LoadedImage = await loadImage(coffeeUrl, 'coffee.jpg');
gpu?.setImage(image.tensor);
let size: [number, number] = [0, 0];
let displacement = new Float32Array(0);
let phaseOffset = 0;
/** Set by "Download PNG": called with the output canvas in the next frame, right after drawing. */
let capture: ((canvas: HTMLCanvasElement) => void) | undefined;

const controls = new Controls(state, {
  changed: stateChanged,
  openFile: (file) => void openImage(file),
  download: () => {
    const stem = image.name.replace(/\.[^.]*$/, '');
    // drawn again, and saved while the canvas holds the frame
    capture = (canvas) => downloadPng(canvas, `${stem}-${state.warp}.png`, fail);
    requestFrame();
  },
  copyLink: () => {
    navigator.clipboard.writeText(location.href).then(
      () => notice('Link copied to the clipboard.'),
      () => notice(`Link: ${location.href}`),
    );
  },
  clearBrush: () => {
    displacement.fill(0);
    gpu?.clearBrush();
    requestFrame();
  },
});
if (!gpu) controls.disableWebGpu();
setUpRegistration(gpu?.sampler, () => image.tensor, fail);

const pointer = new PointerTools(frameElement, state, {
  brush: (from, to) => {
    const frame = warpFrame(state, size[0], size[1]);
    const p = state.params.brush;
    const delta: [number, number] = [to[0] - from[0], to[1] - from[1]];
    const step = { to, delta, radius: p.radius, strength: p.strength };
    gpu?.brushStep(step, frame);
    applyBrushStep(displacement, frame, step);
    requestFrame();
  },
  changed: stateChanged,
});

/** After any change by the user: the URL, the controls and the handles follow, and a frame is drawn. */
function stateChanged(): void {
  history.replaceState(null, '', stateQuery(state));
  controls.refresh();
  pointer.refresh();
  requestFrame();
}

async function openImage(file: File): Promise<void> {
  try {
    image = await loadImage(file, file.name);
  } catch (error) {
    notice(error instanceof Error ? error.message : String(error));
    return;
  }
  gpu?.setImage(image.tensor);
  size = [0, 0]; // new aspect ratio: new buffers, empty brush
  requestFrame();
}

/** Output size for the current image and `size`; a change reallocates buffers and clears the brush. */
function ensureSize(): void {
  const next = outputSize(image.width, image.height, state.size);
  if (next[0] === size[0] && next[1] === size[1]) return;
  size = next;
  displacement = new Float32Array(size[0] * size[1] * 2);
  gpu?.resize(size[0], size[1]);
  gpu?.clearBrush();
}

function showCanvas(canvas: HTMLCanvasElement): void {
  if (canvas.parentElement === frameElement) return;
  (canvas === gpuCanvas ? cpuCanvas : gpuCanvas).remove();
  frameElement.prepend(canvas);
}

/** Scales the canvas (and the compare panel) to fit the viewer, side by side or stacked, whichever is larger. */
function layout(): void {
  const viewer = byId('viewer');
  const [pad, gap, caption] = [32, 16, 56];
  const width = viewer.clientWidth - pad;
  const height = viewer.clientHeight - pad;
  const scaleToFit = (w: number, h: number) => Math.max(0.1, Math.min(w / size[0], h / size[1]));
  const beside = state.compare ? scaleToFit((width - gap) / 2, height - caption) : scaleToFit(width, height - caption);
  const stacked = scaleToFit(width, (height - gap) / 2 - caption);
  const stack = state.compare && stacked > beside;
  const scale = stack ? stacked : beside;
  Object.assign(byId('panels').style, {
    flexDirection: stack ? 'column' : 'row',
    alignItems: stack ? 'center' : 'flex-start',
  });
  for (const frame of document.querySelectorAll<HTMLElement>('.frame')) {
    frame.style.width = `${Math.floor(size[0] * scale)}px`;
    frame.style.height = `${Math.floor(size[1] * scale)}px`;
  }
  // upscaled a lot, show the samples as they are rather than smoothed again by the browser
  frameElement.classList.toggle('pixelated', scale >= 2);
}

async function drawFrame(): Promise<void> {
  ensureSize();
  const [width, height] = size;
  const frame = warpFrame(state, width, height, phaseOffset);
  const options = { mode: state.mode, paddingMode: state.padding, alignCorners: state.alignCorners };
  const onGpu = state.backend === 'webgpu' && gpu !== undefined;
  const compare = state.compare && gpu !== undefined;
  byId('compare-panel').hidden = !compare;
  layout();
  showCanvas(onGpu ? gpuCanvas : cpuCanvas);
  const snapshot = capture;
  capture = undefined;
  if (gpu && (onGpu || compare)) {
    const afterSubmit = onGpu && snapshot ? () => snapshot(gpuCanvas) : undefined;
    timings.add('webgpu', await gpu.render(frame, options, afterSubmit));
  }
  if (!onGpu) {
    const start = performance.now();
    cpu.draw(await cpu.compute(image.tensor, frame, displacement, options), width, height);
    timings.add('cpu', performance.now() - start);
    snapshot?.(cpuCanvas);
  }
  if (gpu && compare) {
    showComparison(await gpu.readOutput(), cpu.reference(image.tensor, frame, displacement, options), width, height);
  }
  controls.setTiming('webgpu', timings.summary('webgpu'));
  controls.setTiming('cpu', timings.summary('cpu'));
  byId('output-caption').textContent =
    `${onGpu ? 'WebGPU' : 'CPU'} · ${width} × ${height} · ${state.mode}, ${state.padding}` +
    `${state.alignCorners ? ', alignCorners' : ''}`;
  byId('image-info').textContent = `${image.name}: ${image.width} × ${image.height} pixels.`;
  body.dataset.backend = onGpu ? 'webgpu' : 'cpu';
  body.dataset.frames = String(Number(body.dataset.frames ?? 0) + 1);
  if (body.dataset.status === 'loading') body.dataset.status = 'ready';
}

function showComparison(gpuOutput: Float32Array, cpuOutput: Float32Array, width: number, height: number): void {
  const result = compareOutputs(gpuOutput, cpuOutput, width, height);
  const diff = byId<HTMLCanvasElement>('diff');
  diff.width = width;
  diff.height = height;
  diff.getContext('2d')?.putImageData(result.image, 0, 0);
  byId('compare-summary').textContent =
    `|WebGPU − CPU| max ${result.maxAbsError.toExponential(2)} · ` +
    `${result.pixelsOff} pixel${result.pixelsOff === 1 ? '' : 's'} off by more than 1/255`;
  body.dataset.maxAbsError = String(result.maxAbsError);
}
byId('legend-bar').style.background = legendGradient();

// One frame in flight at a time; changes made meanwhile coalesce into the next frame.
let pending = false;
let running = false;
let lastTime = performance.now();

function requestFrame(): void {
  pending = true;
  if (!running) void runFrames();
}

async function runFrames(): Promise<void> {
  running = true;
  body.dataset.idle = 'false';
  try {
    while (pending) {
      pending = false;
      await new Promise(requestAnimationFrame);
      const now = performance.now();
      if (state.animate && state.warp === 'ripple') {
        // 180 degrees a second; a long pause (animation just switched on) does not jump
        phaseOffset = (phaseOffset + Math.min(100, now - lastTime) * 0.18) % 360;
        pending = true;
      }
      lastTime = now;
      await drawFrame();
    }
  } catch (error) {
    fail(error);
  } finally {
    running = false;
    body.dataset.idle = 'true';
  }
}

// drag and drop anywhere on the page
const overlay = byId('drop-overlay');
document.addEventListener('dragover', (event) => {
  event.preventDefault();
  overlay.hidden = false;
});
document.addEventListener('dragleave', (event) => {
  if (event.relatedTarget === null) overlay.hidden = true;
});
document.addEventListener('drop', (event) => {
  event.preventDefault();
  overlay.hidden = true;
  const file = event.dataTransfer?.files[0];
  if (file) void openImage(file);
});
new ResizeObserver(() => size[0] > 0 && layout()).observe(byId('viewer'));

requestFrame();
