// Time per frame of each backend: the median of the last frames, steadier than the last one alone.
import type { DemoBackend } from './state.js';

const WINDOW = 15;

export class Timings {
  private readonly samples: Record<DemoBackend, number[]> = { webgpu: [], cpu: [] };

  add(backend: DemoBackend, ms: number): void {
    const list = this.samples[backend];
    list.push(ms);
    if (list.length > WINDOW) list.shift();
  }

  /** The median and how many frames it covers; undefined before the first frame. */
  summary(backend: DemoBackend): { ms: number; frames: number } | undefined {
    const sorted = [...this.samples[backend]].sort((a, b) => a - b);
    if (sorted.length === 0) return undefined;
    const mid = sorted.length >> 1;
    return { ms: sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2, frames: sorted.length };
  }
}
