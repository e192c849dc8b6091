// The README's backward example, as written there (a spatial transformer: loss = out.sum()).
import type { GridSampler } from '../../src/index.js';

export async function readmeBackwardExample(sampler: GridSampler) {
  const theta = { data: new Float32Array([0.9, -0.2, 0.1, 0.2, 0.9, -0.1]), shape: [1, 2, 3] };
  const input = { data: Float32Array.from({ length: 16 }, (_, i) => i), shape: [1, 1, 4, 4] };
  const size = [1, 1, 3, 3];
  const grid = await sampler.affineGrid(theta, size);
  const gradOutput = { data: new Float32Array(9).fill(1), shape: [1, 1, 3, 3] }; // d loss / d out
  const { gradInput, gradGrid } = await sampler.gridSampleBackward(gradOutput, input, grid);
  const gradTheta = await sampler.affineGridBackward(gradGrid, size);
  return { gradTheta, gradInput };
}
