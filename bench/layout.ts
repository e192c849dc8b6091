// Transposes between channels-first ([N, C, ...spatial]) and channels-last ([N, ...spatial, C]) tensors:
// the benchmark's channels-last workloads are its channels-first ones, transposed.
import type { Tensor } from '../src/index.js';

/** [N, C, ...spatial] to [N, ...spatial, C]. */
export function toChannelsLast(t: Tensor): Tensor {
  const [n, c, ...spatial] = t.shape;
  const plane = spatial.reduce((a, b) => a * b, 1);
  const data = new Float32Array(t.data.length);
  for (let b = 0; b < n; b++)
    for (let ch = 0; ch < c; ch++)
      for (let p = 0; p < plane; p++) data[(b * plane + p) * c + ch] = t.data[(b * c + ch) * plane + p];
  return { data, shape: [n, ...spatial, c] };
}

/** [N, ...spatial, C] to [N, C, ...spatial]. */
export function toChannelsFirst(t: Tensor): Tensor {
  const n = t.shape[0];
  const c = t.shape[t.shape.length - 1];
  const spatial = t.shape.slice(1, -1);
  const plane = spatial.reduce((a, b) => a * b, 1);
  const data = new Float32Array(t.data.length);
  for (let b = 0; b < n; b++)
    for (let ch = 0; ch < c; ch++)
      for (let p = 0; p < plane; p++) data[(b * c + ch) * plane + p] = t.data[(b * plane + p) * c + ch];
  return { data, shape: [n, c, ...spatial] };
}
