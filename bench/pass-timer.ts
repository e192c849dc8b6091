// GPU time of everything a call records, ours or a peer's: while a timer is active, every compute
// pass begun on its device gets timestamp writes (injected by wrapping
// GPUCommandEncoder.prototype.beginComputePass), and the pass times are summed afterwards. Passes that
// already carry timestampWrites are left alone. Needs the device's 'timestamp-query' feature.

const MAX_PASSES = 64;
let active: PassTimer | undefined;
let installed = false;

function installWrapper(): void {
  if (installed) return;
  installed = true;
  const proto = GPUCommandEncoder.prototype;
  const begin = proto.beginComputePass;
  proto.beginComputePass = function (this: GPUCommandEncoder, descriptor?: GPUComputePassDescriptor) {
    const timer = active;
    if (!timer || descriptor?.timestampWrites) return begin.call(this, descriptor);
    return begin.call(this, { ...descriptor, timestampWrites: timer.nextPass() });
  };
}

export interface TimedRun {
  /** milliseconds from the call to the queue reporting the work done */
  wall: number;
  /** milliseconds the GPU spent in the compute passes recorded during the call (timestamps); NaN if none could be read */
  gpu: number;
  /** CPU milliseconds a software adapter's worker threads used during the call (NaN where unknown) */
  work: number;
  passes: number;
}

/** A clock of the CPU time (ns) a software adapter spends, e.g. SwiftShader's worker threads. */
export type WorkClock = () => number;

export class PassTimer {
  private readonly querySet: GPUQuerySet;
  private readonly resolveBuffer: GPUBuffer;
  private readonly readback: GPUBuffer;
  private passes = 0;

  private constructor(
    private readonly device: GPUDevice,
    private readonly workClock: WorkClock,
  ) {
    this.querySet = device.createQuerySet({ label: 'bench pass timer', type: 'timestamp', count: 2 * MAX_PASSES });
    this.resolveBuffer = device.createBuffer({
      label: 'bench pass timer resolve',
      size: 16 * MAX_PASSES,
      usage: GPUBufferUsage.QUERY_RESOLVE | GPUBufferUsage.COPY_SRC,
    });
    this.readback = device.createBuffer({
      label: 'bench pass timer readback',
      size: 16 * MAX_PASSES,
      usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST,
    });
  }

  /** A timer for `device`, or undefined where the device lacks 'timestamp-query'. */
  static create(device: GPUDevice, workClock: WorkClock = () => Number.NaN): PassTimer | undefined {
    if (!device.features.has('timestamp-query')) return undefined;
    installWrapper();
    return new PassTimer(device, workClock);
  }

  nextPass(): GPUComputePassTimestampWrites {
    if (this.passes >= MAX_PASSES)
      throw new Error(`PassTimer: more than ${MAX_PASSES} compute passes in one measurement`);
    const i = this.passes++;
    return { querySet: this.querySet, beginningOfPassWriteIndex: 2 * i, endOfPassWriteIndex: 2 * i + 1 };
  }

  /** Runs `call` (which records and submits work on this timer's device) and times it. */
  async measure(call: () => unknown): Promise<TimedRun> {
    if (active) throw new Error('PassTimer: measurements cannot nest');
    this.passes = 0;
    active = this;
    const work = this.workClock();
    const start = performance.now();
    try {
      await call();
    } finally {
      active = undefined;
    }
    await this.device.queue.onSubmittedWorkDone();
    const wall = performance.now() - start;
    const workMs = (this.workClock() - work) / 1e6;
    return { wall, gpu: await this.passTime(), work: workMs, passes: this.passes };
  }

  private async passTime(): Promise<number> {
    const n = this.passes;
    if (n === 0) return Number.NaN;
    const encoder = this.device.createCommandEncoder({ label: 'bench pass timer resolve' });
    encoder.resolveQuerySet(this.querySet, 0, 2 * n, this.resolveBuffer, 0);
    encoder.copyBufferToBuffer(this.resolveBuffer, 0, this.readback, 0, 16 * n);
    this.device.queue.submit([encoder.finish()]);
    await this.readback.mapAsync(GPUMapMode.READ, 0, 16 * n);
    const stamps = new BigUint64Array(this.readback.getMappedRange(0, 16 * n).slice(0));
    this.readback.unmap();
    let ns = 0n;
    for (let i = 0; i < n; i++) {
      const [begin, end] = [stamps[2 * i], stamps[2 * i + 1]];
      if (begin === 0n || end < begin) return Number.NaN; // pass not executed yet, or no timestamps
      ns += end - begin;
    }
    return Number(ns) / 1e6;
  }

  destroy(): void {
    this.querySet.destroy();
    this.resolveBuffer.destroy();
    this.readback.destroy();
  }
}
