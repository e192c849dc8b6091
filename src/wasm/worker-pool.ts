// The worker threads of a WasmSampler: each instantiates the kernels on one shared memory, then runs
// kernel calls posted to it. A thread that dies rejects its call with the reason and is replaced on
// the next call; destroy() ends them all and rejects whatever is in flight.
import { startThread, type Thread } from './thread.js';

/** One kernel call: an export of assembly/index.ts and its integer arguments. */
export interface Job {
  fn: 'pack' | 'packStage' | 'sample' | 'sampleBatches';
  args: readonly number[];
}

interface Waiter {
  resolve(): void;
  reject(error: Error): void;
}

interface Slot {
  thread: Thread;
  /** Settles when the thread has instantiated the kernels. */
  ready: Promise<void>;
  failed?: Error;
  /** The call in flight, by id. */
  job?: { id: number } & Waiter;
}

export class WorkerPool {
  readonly #module: WebAssembly.Module;
  readonly #memory: WebAssembly.Memory;
  readonly #source: string | undefined;
  readonly #slots: Slot[];
  #nextId = 0;
  #destroyed = false;

  /**
   * `size` threads on `memory` (shared) running `module`; `source` replaces the worker script (tests
   * use it to make a thread fail).
   */
  constructor(size: number, module: WebAssembly.Module, memory: WebAssembly.Memory, source?: string) {
    this.#module = module;
    this.#memory = memory;
    this.#source = source;
    this.#slots = Array.from({ length: size }, (_, i) => this.#start(i));
  }

  get size(): number {
    return this.#slots.length;
  }

  /** Settles once every thread has instantiated the kernels; rejects if one could not. */
  async ready(): Promise<void> {
    await Promise.all(this.#slots.map((slot) => slot.ready));
  }

  /**
   * Runs jobs[i] on thread i and waits until every job has settled (so that nothing still writes to
   * the memory afterwards); rejects with the first failure.
   */
  async run(jobs: readonly Job[]): Promise<void> {
    if (jobs.length > this.#slots.length) throw new RangeError(`${jobs.length} jobs for ${this.#slots.length} threads`);
    const results = await Promise.allSettled(jobs.map((job, i) => this.#runOn(i, job)));
    const failure = results.find((r) => r.status === 'rejected');
    if (failure) throw (failure as PromiseRejectedResult).reason;
  }

  /** Ends every thread; calls in flight reject. */
  destroy(): void {
    if (this.#destroyed) return;
    this.#destroyed = true;
    for (const slot of this.#slots) {
      slot.thread.terminate();
      slot.job?.reject(new Error('WasmSampler: destroyed while a call was running'));
      slot.job = undefined;
    }
  }

  async #runOn(index: number, job: Job): Promise<void> {
    if (this.#destroyed) throw new Error('WasmSampler: destroyed');
    if (this.#slots[index].failed) this.#slots[index] = this.#start(index);
    const slot = this.#slots[index];
    await slot.ready;
    if (slot.failed) throw slot.failed;
    if (this.#destroyed) throw new Error('WasmSampler: destroyed');
    const id = this.#nextId++;
    return new Promise<void>((resolve, reject) => {
      slot.job = { id, resolve, reject };
      slot.thread.setBusy(true);
      slot.thread.post({ id, fn: job.fn, args: job.args });
    });
  }

  #start(index: number): Slot {
    let settleReady: Waiter | undefined;
    const ready = new Promise<void>((resolve, reject) => {
      settleReady = { resolve, reject };
    });
    const slot: Slot = {
      ready,
      thread: startThread(
        {
          onMessage: (message) => this.#onMessage(slot, message as Reply, settleReady),
          onFailure: (error) => {
            const failure = new Error(`WasmSampler: worker thread ${index} failed: ${error.message}`, { cause: error });
            slot.failed = failure;
            settleReady?.reject(failure);
            this.#settle(slot, failure);
          },
        },
        `webgpu-grid-sample wasm ${index}`,
        this.#source,
      ),
    };
    // starting counts as busy (a Node process waits for it); a failed start is reported by the call
    // that awaits it
    slot.thread.setBusy(true);
    ready.then(
      () => slot.thread.setBusy(false),
      () => {},
    );
    slot.thread.post({ type: 'init', module: this.#module, memory: this.#memory });
    return slot;
  }

  #onMessage(slot: Slot, reply: Reply, settleReady: Waiter | undefined): void {
    if (reply.type === 'ready') {
      if (reply.error === undefined) settleReady?.resolve();
      else {
        slot.failed = new Error(`WasmSampler: a worker thread could not instantiate the kernels: ${reply.error}`);
        settleReady?.reject(slot.failed);
        slot.thread.terminate();
      }
      return;
    }
    if (slot.job?.id !== reply.id) return;
    this.#settle(slot, reply.error === undefined ? undefined : new Error(`WasmSampler: kernel ${reply.error}`));
  }

  #settle(slot: Slot, error: Error | undefined): void {
    const job = slot.job;
    if (!job) return;
    slot.job = undefined;
    slot.thread.setBusy(false);
    if (error) job.reject(error);
    else job.resolve();
  }
}

type Reply = { type: 'ready'; error?: string } | { type?: undefined; id: number; error?: string };
