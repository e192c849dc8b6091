// The sides of the deformable attention comparison: our CPU reference, and onnxruntime running the
// ONNX export of the same attention (bench/models/, scripts/export_msda_onnx.py) on its WebGPU EP
// (GPU-resident inputs and output) and on its CPU EPs (wasm, node), one thread. Our GPU kernel joins as
// one more MsdaContender with the id 'ours-gpu' (the report and ratios pick it up by that id).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type * as OrtWeb from 'onnxruntime-web';
import { msDeformAttnCpu } from '../../src/cpu.js';
import type { Contender } from '../contender.js';
import { timeWallAndCpu } from '../contender.js';
import { type Ort, ortDevice } from '../contenders/onnxruntime.js';
import { createBuffer, timeGpu } from '../contenders/ours.js';
import type { PassTimer } from '../pass-timer.js';
import type { MsdaInputs, MsdaWorkload } from './workloads.js';

/** A side of the deformable attention comparison. */
export type MsdaContender = Contender<MsdaWorkload, MsdaInputs>;

// relative to the working directory: the repository root for `npm run bench`, the payload for the GPU
// bundle (bench/bundle/run.sh), which carries bench/models/ but bundles this module elsewhere
const modelBytes = (w: MsdaWorkload): Uint8Array => readFileSync(join('bench/models', w.model));

export function oursMsdaCpu(): MsdaContender {
  return {
    id: 'ours-cpu',
    label: 'ours, CPU reference',
    timing: 'msDeformAttnCpu() (its WebAssembly SIMD kernel), one thread',
    async prepare(w, { value, samplingLocations, attentionWeights }) {
      const call = () => msDeformAttnCpu(value, w.spatialShapes, samplingLocations, attentionWeights);
      return {
        run: () => timeWallAndCpu(call),
        output: async () => call().data,
        release: () => {},
      };
    },
  };
}

/** onnxruntime-web's native WebGPU EP on `device` (the one it created), inputs and output on the GPU. */
export function ortMsdaWebGpu(ort: Ort, device: GPUDevice, timer: PassTimer | undefined): MsdaContender {
  return {
    id: 'ort-webgpu',
    label: 'ort-web webgpu (native EP)',
    timing: 'GPU timestamps of its compute passes; wall = session.run + onSubmittedWorkDone',
    async prepare(w, data) {
      const session = await ort.InferenceSession.create(modelBytes(w), {
        executionProviders: ['webgpu'],
        preferredOutputLocation: 'gpu-buffer',
        logSeverityLevel: 3,
      });
      if ((await ortDevice(ort)) !== device) throw new Error('onnxruntime-web switched to another GPUDevice');
      const buffers = [
        createBuffer(device, data.value.data, 'bench msda value'),
        createBuffer(device, data.samplingLocations.data, 'bench msda locations'),
        createBuffer(device, data.attentionWeights.data, 'bench msda weights'),
      ];
      const tensors = [data.value, data.samplingLocations, data.attentionWeights];
      const feeds = Object.fromEntries(
        session.inputNames.map((name, i) => [
          name,
          ort.Tensor.fromGpuBuffer(buffers[i], { dataType: 'float32', dims: tensors[i].shape }),
        ]),
      );
      const runOnce = async () => (await session.run(feeds))[session.outputNames[0]];
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
          const result = (await out.getData(true)) as Float32Array;
          return result;
        },
        async release() {
          await session.release();
          for (const b of buffers) b.destroy();
        },
      };
    },
  };
}

/** A CPU execution provider: onnxruntime-web's wasm EP or onnxruntime-node's CPU EP, one thread. */
export function ortMsdaCpu(ort: Ort, id: 'ort-wasm' | 'ort-node', ep: 'wasm' | 'cpu'): MsdaContender {
  return {
    id,
    label: id === 'ort-wasm' ? 'ort-web wasm EP' : 'ort-node CPU EP',
    timing: 'session.run, CPU tensors, 1 thread',
    async prepare(w, data) {
      const session = await ort.InferenceSession.create(modelBytes(w), {
        executionProviders: [ep],
        intraOpNumThreads: 1,
        interOpNumThreads: 1,
        executionMode: 'sequential',
        logSeverityLevel: 3,
      });
      const tensors = [data.value, data.samplingLocations, data.attentionWeights];
      const feeds = Object.fromEntries(
        session.inputNames.map((name, i) => [name, new ort.Tensor('float32', tensors[i].data, tensors[i].shape)]),
      );
      const output = session.outputNames[0];
      return {
        run: () => timeWallAndCpu(() => session.run(feeds)),
        output: async () => (await session.run(feeds))[output].data as Float32Array,
        release: () => session.release(),
      };
    },
  };
}

/** Every deformable attention contender of `npm run bench`, on onnxruntime-web's device. */
export function msdaContenders(peers: {
  ortWeb: Ort;
  ortNode: Ort;
  device: GPUDevice;
  timer: PassTimer | undefined;
}): MsdaContender[] {
  return [
    oursMsdaCpu(),
    ortMsdaWebGpu(peers.ortWeb, peers.device, peers.timer),
    ortMsdaCpu(peers.ortWeb, 'ort-wasm', 'wasm'),
    ortMsdaCpu(peers.ortNode, 'ort-node', 'cpu'),
  ];
}
