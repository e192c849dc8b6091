// Our fused deformable attention kernel on GPU-resident buffers (encodeMsDeformAttn), timed as the
// grid_sample contenders are: GPU timestamps of its compute pass, and wall time to the queue's done.
import type { GridSampler } from '../../src/index.js';
import { createBuffer, readBuffer, timeGpu } from '../contenders/ours.js';
import type { PassTimer } from '../pass-timer.js';
import type { MsdaContender } from './contenders.js';
import { outputShapeOf } from './workloads.js';

export function oursMsdaGpu(sampler: GridSampler, timer: PassTimer | undefined): MsdaContender {
  const device = sampler.device;
  return {
    id: 'ours-gpu',
    label: 'ours, fused GPU kernel',
    timing: timer
      ? 'GPU timestamps of the compute pass; wall = encode + submit + onSubmittedWorkDone'
      : 'encode + submit + onSubmittedWorkDone (no timestamp-query)',
    async prepare(w, data) {
      const count = outputShapeOf(w).reduce((a, b) => a * b, 1);
      const args = {
        value: createBuffer(device, data.value.data, 'bench msda value'),
        valueShape: data.value.shape,
        spatialShapes: w.spatialShapes,
        samplingLocations: createBuffer(device, data.samplingLocations.data, 'bench msda locations'),
        locationsShape: data.samplingLocations.shape,
        attentionWeights: createBuffer(device, data.attentionWeights.data, 'bench msda weights'),
        output: createBuffer(device, count, 'bench msda output'),
      };
      const encode = () => {
        const encoder = device.createCommandEncoder({ label: 'bench ours msda' });
        sampler.encodeMsDeformAttn(encoder, args);
        device.queue.submit([encoder.finish()]);
      };
      return {
        run: () => timeGpu(device, timer, encode),
        output: async () => {
          encode();
          return readBuffer(device, args.output, count);
        },
        release: () => {
          for (const b of [args.value, args.samplingLocations, args.attentionWeights, args.output]) b.destroy();
        },
      };
    },
  };
}
