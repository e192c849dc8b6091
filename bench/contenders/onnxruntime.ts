// The onnxruntime peers, each running the one-node GridSample model: onnxruntime-web's native
// WebGPU EP (ort.webgpu.mjs) and JS kernels (ort.mjs, NCHW) on GPU-resident tensors, its wasm EP, and
// onnxruntime-node's CPU EP, all single-threaded on the CPU side.
import type * as OrtWeb from 'onnxruntime-web';
import { gridSampleModel } from '../../examples/onnx-model.js';
import type { Contender } from '../contender.js';
import { timeWallAndCpu } from '../contender.js';
import { PassTimer, type WorkClock } from '../pass-timer.js';
import type { Workload } from '../workloads.js';
import { createBuffer, timeGpu } from './ours.js';

/** The parts of onnxruntime-web / onnxruntime-node's API the benchmark uses (both share onnxruntime-common). */
export type Ort = typeof OrtWeb;

export type OrtWebGpuFlavour = 'webgpu' | 'jsep';

const timers = new WeakMap<GPUDevice, PassTimer | undefined>();
function timerFor(device: GPUDevice, workClock?: WorkClock): PassTimer | undefined {
  if (!timers.has(device)) timers.set(device, PassTimer.create(device, workClock));
  return timers.get(device);
}

const modelOf = (w: Workload) =>
  gridSampleModel({
    inputShape: w.inputShape,
    gridShape: w.gridShape,
    mode: w.mode,
    paddingMode: w.paddingMode,
    alignCorners: w.alignCorners,
  });

/** The GPU device onnxruntime-web created for its WebGPU EP (set once a webgpu session exists). */
export async function ortDevice(ort: Ort): Promise<GPUDevice> {
  const device = (await ort.env.webgpu.device) as GPUDevice | undefined;
  if (!device) throw new Error('onnxruntime-web created a webgpu session but ort.env.webgpu.device is unset');
  return device;
}

// Sessions that keep onnxruntime-web's device alive: it destroys the device with its last webgpu session.
const keepAlive: unknown[] = [];

/**
 * Makes onnxruntime-web create its WebGPU device (with a tiny session kept open for the whole run)
 * and returns it: our kernels run on that same device.
 */
export async function startOrtWebGpu(ort: Ort, jsep: boolean): Promise<GPUDevice> {
  const model = gridSampleModel({
    inputShape: [1, 1, 2, 2],
    gridShape: [1, 1, 1, 2],
    mode: 'bilinear',
    paddingMode: 'zeros',
    alignCorners: false,
  });
  const session = await ort.InferenceSession.create(model, {
    executionProviders: [jsep ? { name: 'webgpu', preferredLayout: 'NCHW' } : 'webgpu'],
  });
  keepAlive.push(session);
  return ortDevice(ort);
}

export function ortWebGpu(
  ort: Ort,
  flavour: OrtWebGpuFlavour,
  expectedDevice?: GPUDevice,
  workClock?: WorkClock,
): Contender {
  const name = flavour === 'webgpu' ? 'ort-web webgpu (native EP)' : 'ort-web webgpu (JS kernels, NCHW)';
  return {
    id: flavour === 'webgpu' ? 'ort-webgpu' : 'ort-jsep',
    label: name,
    timing: 'GPU timestamps of its compute passes; wall = session.run + onSubmittedWorkDone',
    async prepare(workload, { input, grid }) {
      if (workload.inputShape.length !== 4) {
        return 'no WebGPU GridSample for 5-D input (registered for opset 16-19, 4-D only; the node would run on wasm)';
      }
      const executionProviders =
        flavour === 'jsep' ? [{ name: 'webgpu', preferredLayout: 'NCHW' } as const] : ['webgpu'];
      const session = await ort.InferenceSession.create(modelOf(workload), {
        executionProviders,
        preferredOutputLocation: 'gpu-buffer',
        logSeverityLevel: 3,
      });
      const device = await ortDevice(ort);
      if (expectedDevice && device !== expectedDevice) throw new Error('onnxruntime-web switched to another GPUDevice');
      const timer = timerFor(device, workClock);
      const inputBuffer = createBuffer(device, input.data, 'bench ort input');
      const gridBuffer = createBuffer(device, grid.data, 'bench ort grid');
      const feeds = {
        X: ort.Tensor.fromGpuBuffer(inputBuffer, { dataType: 'float32', dims: input.shape }),
        grid: ort.Tensor.fromGpuBuffer(gridBuffer, { dataType: 'float32', dims: grid.shape }),
      };
      const runOnce = async () => (await session.run(feeds)).Y;
      return {
        async run() {
          let out: OrtWeb.Tensor | undefined;
          const m = await timeGpu(device, timer, async () => {
            out = await runOnce();
          });
          out?.dispose();
          return m;
        },
        async output() {
          const out = await runOnce();
          const data = (await out.getData(true)) as Float32Array;
          return data;
        },
        async release() {
          await session.release();
          inputBuffer.destroy();
          gridBuffer.destroy();
        },
      };
    },
  };
}

/** A CPU execution provider: onnxruntime-web's wasm EP or onnxruntime-node's CPU EP, one thread. */
export function ortCpu(ort: Ort, id: 'ort-wasm' | 'ort-node', ep: 'wasm' | 'cpu'): Contender {
  return {
    id,
    label: id === 'ort-wasm' ? 'ort-web wasm EP' : 'ort-node CPU EP',
    timing: 'session.run, CPU tensors, 1 thread',
    async prepare(workload, { input, grid }) {
      const session = await ort.InferenceSession.create(modelOf(workload), {
        executionProviders: [ep],
        intraOpNumThreads: 1,
        interOpNumThreads: 1,
        executionMode: 'sequential',
        logSeverityLevel: 3,
      });
      const feeds = {
        X: new ort.Tensor('float32', input.data, input.shape),
        grid: new ort.Tensor('float32', grid.data, grid.shape),
      };
      return {
        run: () => timeWallAndCpu(() => session.run(feeds)),
        output: async () => (await session.run(feeds)).Y.data as Float32Array,
        release: () => session.release(),
      };
    },
  };
}
