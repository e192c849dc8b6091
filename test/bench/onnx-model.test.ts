// The benchmark's one-node ONNX models, run by onnxruntime-node on tiny cases, against our CPU
// reference: the peers in `npm run bench` must compute the same grid_sample we do.
import * as ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { gridSampleModel, onnxModeName } from '../../examples/onnx-model.js';
import { gridSampleCpu, type Mode, type PaddingMode, type Tensor } from '../../src/index.js';
import { randomTensor } from '../helpers/random.js';
import { expectClose, forwardTolerance } from '../helpers/tolerance.js';

async function runOnnx(
  input: Tensor,
  grid: Tensor,
  mode: Mode,
  paddingMode: PaddingMode,
  alignCorners: boolean,
  opset?: 16 | 20,
) {
  const model = gridSampleModel({
    inputShape: input.shape,
    gridShape: grid.shape,
    mode,
    paddingMode,
    alignCorners,
    opset,
  });
  const session = await ort.InferenceSession.create(model, { intraOpNumThreads: 1, interOpNumThreads: 1 });
  try {
    const { Y } = await session.run({
      X: new ort.Tensor('float32', input.data, [...input.shape]),
      grid: new ort.Tensor('float32', grid.data, [...grid.shape]),
    });
    return { data: Y.data as Float32Array, shape: [...Y.dims] };
  } finally {
    await session.release();
  }
}

const modes: Mode[] = ['bilinear', 'nearest', 'bicubic'];
const paddings: PaddingMode[] = ['zeros', 'border', 'reflection'];

describe('one-node GridSample models (examples/onnx-model.ts) on onnxruntime-node', () => {
  it('names the modes of opset 16 and 20', () => {
    expect(['bilinear', 'nearest', 'bicubic'].map((m) => onnxModeName(m as Mode, 20))).toEqual([
      'linear',
      'nearest',
      'cubic',
    ]);
    expect(onnxModeName('bicubic', 16)).toBe('bicubic');
  });

  it('rejects 5-D input at opset 16', () => {
    expect(() =>
      gridSampleModel({
        inputShape: [1, 1, 2, 2, 2],
        gridShape: [1, 1, 1, 1, 3],
        mode: 'bilinear',
        paddingMode: 'zeros',
        alignCorners: false,
        opset: 16,
      }),
    ).toThrow(/opset 16 takes 4-D input only/);
  });

  // Grids inside (-1, 1) stay clear of nearest-neighbour ties, where onnxruntime differs (next test).
  for (const mode of modes)
    for (const paddingMode of paddings)
      for (const alignCorners of [false, true])
        it(`4-D ${mode} ${paddingMode} align=${alignCorners} (opset 16 and 20) equals the CPU reference`, async () => {
          const input = randomTensor([2, 3, 5, 6], 11);
          const grid = randomTensor([2, 4, 3, 2], 12, -1.3, 1.3);
          const expected = gridSampleCpu(input, grid, { mode, paddingMode, alignCorners });
          for (const opset of [16, 20] as const) {
            const out = await runOnnx(input, grid, mode, paddingMode, alignCorners, opset);
            expect(out.shape).toEqual(expected.shape);
            expectClose(out, expected, forwardTolerance(mode), `opset ${opset}`);
          }
        });

  for (const mode of ['bilinear', 'nearest'] as const)
    it(`5-D ${mode} (opset 20) equals the CPU reference`, async () => {
      const input = randomTensor([1, 2, 4, 5, 3], 13);
      const grid = randomTensor([1, 2, 3, 4, 3], 14, -1.2, 1.2);
      const expected = gridSampleCpu(input, grid, { mode });
      expectClose(await runOnnx(input, grid, mode, 'zeros', false), expected, forwardTolerance(mode));
    });

  it('onnxruntime rounds nearest before reflecting, so it differs from PyTorch at half-pixel ties', async () => {
    // W = 4, align_corners=false: x = 1.5 unnormalizes to 4.5. PyTorch reflects first (4.5 -> 2.5 in
    // [-0.5, 3.5]), then rounds half to even: column 2. Rounding first gives 4, reflected to column 3.
    const input: Tensor = { data: Float32Array.from([10, 11, 12, 13]), shape: [1, 1, 1, 4] };
    const grid: Tensor = { data: Float32Array.from([1.5, 0]), shape: [1, 1, 1, 2] };
    expect(gridSampleCpu(input, grid, { mode: 'nearest', paddingMode: 'reflection' }).data).toEqual(
      Float32Array.from([12]),
    );
    const onnx = await runOnnx(input, grid, 'nearest', 'reflection', false);
    expect(onnx.data).toEqual(Float32Array.from([13]));
  });
});
