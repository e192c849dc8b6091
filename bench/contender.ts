// What every side of the comparison implements: prepare a workload, then time one run at a time.
import type { Tensor } from '../src/index.js';
import type { Workload } from './workloads.js';

export interface Measurement {
  /** wall-clock milliseconds of one run (for GPU contenders: until the queue reports the work done) */
  wall: number;
  /** GPU milliseconds from timestamp queries around the compute passes, when the device has them */
  gpu?: number;
  /** CPU milliseconds of a software adapter's worker threads (SwiftShader): the GPU work, steady under load */
  work?: number;
  /**
   * CPU contenders: CPU milliseconds the run took, on all its threads (process CPU time in Node;
   * PyTorch's thread time). Unlike wall time it does not count waiting for a core, so it stays
   * comparable while other processes load the machine.
   */
  cpu?: number;
}

export interface PreparedRun {
  run(): Promise<Measurement>;
  /** The result, to check against the CPU reference (outside the timed runs). */
  output(): Promise<Float32Array>;
  release(): void | Promise<void>;
  /** Extra facts to record (e.g. buffer-pool counters). */
  notes?(): Record<string, unknown>;
}

/** A side of the comparison; `W` and `D` are the workload and its data (grid_sample's by default). */
export interface Contender<W = Workload, D = { input: Tensor; grid: Tensor }> {
  id: string;
  label: string;
  /** How `wall` is measured, for the table legend. */
  timing: string;
  /** A prepared run, or a string saying why this workload is skipped. */
  prepare(workload: W, data: D): Promise<PreparedRun | string>;
}

const processCpuMs = () => {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
};

/** Wall and process CPU time of one awaited call on the CPU, in milliseconds. */
export async function timeWallAndCpu(call: () => unknown): Promise<Measurement> {
  const [cpu, start] = [processCpuMs(), performance.now()];
  await call();
  return { wall: performance.now() - start, cpu: processCpuMs() - cpu };
}

/** Wall time of one awaited call, in milliseconds. */
export async function timeWall(call: () => unknown): Promise<Measurement> {
  const start = performance.now();
  await call();
  return { wall: performance.now() - start };
}
