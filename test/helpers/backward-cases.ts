// Seeded random grid_sample backward cases over every option, shared by the layout and TF.js tests.
import type { Mode, PaddingMode } from '../../src/index.js';
import { randomTensor } from './random.js';

/** Every mode x padding x alignCorners of one rank (bicubic is 2-D only). */
export function backwardOptionGrid(dims: 2 | 3) {
  const modes: Mode[] = dims === 2 ? ['bilinear', 'nearest', 'bicubic'] : ['bilinear', 'nearest'];
  const paddings: PaddingMode[] = ['zeros', 'border', 'reflection'];
  return modes.flatMap((mode) =>
    paddings.flatMap((paddingMode) => [false, true].map((alignCorners) => ({ mode, paddingMode, alignCorners }))),
  );
}

/** A random backward case: channels-first input and gradOutput, with grid points reaching past the edges. */
export function randomBackwardCase(dims: 2 | 3, caseSeed: number, channels = 3) {
  const spatial = dims === 2 ? [5, 6] : [3, 4, 5];
  const out = dims === 2 ? [4, 7] : [3, 2, 4];
  const input = randomTensor([2, channels, ...spatial], caseSeed);
  const grid = randomTensor([2, ...out, dims], caseSeed + 1, -1.25, 1.25);
  const gradOutput = randomTensor([2, channels, ...out], caseSeed + 2);
  return { input, grid, gradOutput };
}
