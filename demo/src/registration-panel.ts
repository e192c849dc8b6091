// The "Gradients" panel: moves the photo by a random affine transform, then recovers that transform by
// gradient descent through grid_sample and affine_grid on the GPU (examples/register-core.ts), plotting
// the loss and showing the recovered theta next to the true one.
import { AffineRegistration, affineTheta } from '../../examples/register-core.js';
import { affineGridCpu, type GridSampler, gridSampleCpu, type Tensor } from '../../src/index.js';
import { byId } from './controls.js';

const SIDE = 64; // the photo at 64 pixels on its longer side: a few hundred steps take a second
const STEPS_PER_FRAME = 10;
const MAX_STEPS = 600;

/** The image scaled to `side` pixels on its longer side, through our own affine_grid + grid_sample. */
function thumbnail(image: Tensor, side: number): Tensor {
  const [, c, h, w] = image.shape;
  const scale = side / Math.max(h, w);
  const size = [1, c, Math.max(1, Math.round(h * scale)), Math.max(1, Math.round(w * scale))];
  const identity = { data: new Float32Array([1, 0, 0, 0, 1, 0]), shape: [1, 2, 3] };
  return gridSampleCpu(image, affineGridCpu(identity, size), { mode: 'bilinear' });
}

function plotLosses(canvas: HTMLCanvasElement, losses: number[]): void {
  const context = canvas.getContext('2d');
  if (!context || losses.length === 0) return;
  const { width, height } = canvas;
  context.clearRect(0, 0, width, height);
  const logs = losses.map((l) => Math.log10(Math.max(l, 1e-12)));
  const [low, high] = [Math.min(...logs), Math.max(...logs)];
  context.strokeStyle = '#5ab0ff';
  context.lineWidth = 1.5;
  context.beginPath();
  logs.forEach((v, i) => {
    const x = (i / Math.max(1, MAX_STEPS - 1)) * (width - 4) + 2;
    const y = height - 4 - ((v - low) / Math.max(1e-9, high - low)) * (height - 8);
    if (i === 0) context.moveTo(x, y);
    else context.lineTo(x, y);
  });
  context.stroke();
}

function showTheta(truth: Float32Array, recovered: Float32Array): void {
  const cells = (values: ArrayLike<number>) =>
    Array.from(values, (v) => Object.assign(document.createElement('td'), { textContent: v.toFixed(3) }));
  const row = (label: string, values: ArrayLike<number>) => {
    const tr = document.createElement('tr');
    tr.append(Object.assign(document.createElement('th'), { textContent: label }), ...cells(values));
    return tr;
  };
  byId('theta-table').replaceChildren(row('true', truth), row('found', recovered));
}

/** Wires the panel's button; without a GPU sampler the panel says why it is off. */
export function setUpRegistration(
  sampler: GridSampler | undefined,
  image: () => Tensor,
  fail: (error: unknown) => void,
): void {
  const button = byId<HTMLButtonElement>('register');
  const status = byId('register-status');
  if (!sampler) {
    button.disabled = true;
    status.textContent = 'Needs WebGPU.';
    return;
  }
  const body = document.body;
  button.addEventListener('click', () => {
    button.disabled = true;
    body.dataset.registration = 'running';
    run(sampler, thumbnail(image(), SIDE))
      .catch(fail)
      .finally(() => {
        button.disabled = false;
      });
  });

  async function run(gpu: GridSampler, picture: Tensor): Promise<void> {
    const random = (span: number) => (Math.random() * 2 - 1) * span;
    const truth = affineTheta(random(12), [1 + random(0.1), 1 + random(0.1)], [random(0.12), random(0.12)]);
    const grid = await gpu.affineGrid({ data: truth, shape: [1, 2, 3] }, picture.shape);
    const target = await gpu.gridSample(picture, grid);
    const registration = AffineRegistration.create({ sampler: gpu, image: picture, target, maxSteps: MAX_STEPS });
    const losses: number[] = [];
    let theta: Float32Array = new Float32Array([1, 0, 0, 0, 1, 0]);
    try {
      while (losses.length < MAX_STEPS) {
        const progress = await registration.run(STEPS_PER_FRAME);
        losses.push(...progress.losses);
        theta = progress.theta;
        plotLosses(byId<HTMLCanvasElement>('loss-plot'), losses);
        showTheta(truth, theta);
        status.textContent = `step ${progress.steps} · loss ${losses.at(-1)?.toExponential(2)}`;
        await new Promise(requestAnimationFrame);
      }
    } finally {
      registration.destroy();
    }
    const error = Math.max(...theta.map((v, i) => Math.abs(v - truth[i])));
    status.textContent += ` · max |θ error| ${error.toExponential(1)}`;
    body.dataset.registrationError = String(error);
    body.dataset.registration = 'done';
  }
}
