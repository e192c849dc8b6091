// Turns the loss of a device (or the destruction of its sampler) into errors for every call waiting on
// it, so no promise hangs on a device that will never answer.
import { DeviceLostError, GPUExecutionError } from '../errors.js';

/** How long a failed readback waits for `device.lost` to tell whether the device is gone. */
const LOSS_SETTLE_MS = 100;

/** Watches one device; `guard` rejects pending work as soon as the device is lost or `fail` is called. */
export class DeviceWatch {
  private failure: Error | undefined;
  // the reject functions of guarded promises still pending (a Set, not Promise.race on a long-lived
  // promise, so settled calls leave nothing behind)
  private readonly waiting = new Set<(error: Error) => void>();

  constructor(
    readonly device: GPUDevice,
    ownsDevice: boolean,
  ) {
    device.lost.then(
      (info) => this.fail(new DeviceLostError(lostMessage(info, ownsDevice), info.reason)),
      () => {},
    );
  }

  /** The error pending and later calls get, once the device is lost or the sampler destroyed. */
  get failed(): Error | undefined {
    return this.failure;
  }

  /** Rejects every pending guard, and every later one, with `error`; the first failure stays. */
  fail(error: Error): void {
    if (this.failure) return;
    this.failure = error;
    for (const reject of this.waiting) reject(error);
    this.waiting.clear();
  }

  /** Guarded promises not settled yet (zero between calls: settled calls leave nothing behind). */
  get pending(): number {
    return this.waiting.size;
  }

  throwIfFailed(): void {
    if (this.failure) throw this.failure;
  }

  /** Settles like `work`, or rejects as soon as the device is lost or the sampler destroyed. */
  guard<T>(work: Promise<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      if (this.failure) {
        work.catch(() => {});
        reject(this.failure);
        return;
      }
      this.waiting.add(reject);
      work.then(
        (value) => {
          this.waiting.delete(reject);
          resolve(value);
        },
        (error: unknown) => {
          this.waiting.delete(reject);
          reject(error);
        },
      );
    });
  }

  /**
   * The error to report for a failed WebGPU promise (mapAsync, pipeline compilation): the device loss
   * if that is the cause (it may be reported a moment after the promise fails), else a
   * GPUExecutionError saying what failed.
   */
  async explain(error: unknown, what: string): Promise<Error> {
    if (error instanceof GPUExecutionError || error === this.failure) return error as Error;
    if (!this.failure) {
      let timer: ReturnType<typeof setTimeout> | undefined;
      await Promise.race([this.device.lost, new Promise((resolve) => (timer = setTimeout(resolve, LOSS_SETTLE_MS)))]);
      clearTimeout(timer);
    }
    if (this.failure) return this.failure;
    const detail = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
    return new GPUExecutionError(`${what} failed: ${detail}`);
  }
}

function lostMessage(info: GPUDeviceLostInfo, ownsDevice: boolean): string {
  const cause = `reason '${info.reason}'${info.message ? `: ${info.message}` : ''}`;
  const next = ownsDevice
    ? 'the next call on this sampler creates a new device'
    : 'create a new device and a new GridSampler on it';
  return `GridSampler: the WebGPU device was lost (${cause}); calls in flight were abandoned; ${next}`;
}
