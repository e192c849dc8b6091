// A GPU tensor from an onnxruntime-web WebGPU session through encodeGridSample and back into ORT on the
// same device (examples/onnxruntime-interop-core.ts), against the CPU reference of the same chain.
import { describe, expect, it } from 'vitest';
import { installNodeWebGpu, loadOrtWeb } from '../../examples/node-webgpu.js';
import { runInterop } from '../../examples/onnxruntime-interop-core.js';
import { gridSampleCpu, type Tensor } from '../../src/index.js';
import { createTestDevice } from '../helpers/gpu.js';
import { randomTensor } from '../helpers/random.js';
import { expectClose, TOLERANCE } from '../helpers/tolerance.js';

const probe = await createTestDevice(); // fails under CI=true without an adapter
probe?.destroy();

describe.skipIf(!probe)('onnxruntime-web interop', () => {
  it('passes GPU buffers ORT -> encodeGridSample -> ORT on one device, equal to the CPU chain', async () => {
    await installNodeWebGpu();
    const ort = await loadOrtWeb('ort.webgpu.mjs');
    const x = randomTensor([2, 5, 9, 11], 1, -2, 2);
    const grids: [Tensor, Tensor, Tensor] = [
      randomTensor([2, 7, 8, 2], 2, -1.1, 1.1),
      randomTensor([2, 6, 5, 2], 3, -1.1, 1.1),
      randomTensor([2, 4, 4, 2], 4, -1.1, 1.1),
    ];
    const { output, sameDevice } = await runInterop(ort, x, grids);
    expect(sameDevice).toBe(true);
    const expected = grids.reduce((t, grid) => gridSampleCpu(t, grid), x);
    expectClose(output, expected, TOLERANCE.forward);
  }, 120_000);
});
