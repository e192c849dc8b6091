// One worker thread running src/wasm/worker.js, in Node (worker_threads) or a browser (Web Worker),
// behind one small interface. Node workers are unref'd while idle so an idle sampler never keeps a
// process alive.
import workerSource from './worker.js?raw';

export interface ThreadEvents {
  onMessage(message: unknown): void;
  /** The thread died or threw outside a kernel call; it will not answer again. */
  onFailure(error: Error): void;
}

export interface Thread {
  post(message: unknown): void;
  /** Whether a call is in flight: a busy Node worker keeps the process alive, an idle one does not. */
  setBusy(busy: boolean): void;
  terminate(): void;
}

interface NodeWorker {
  on(event: 'message', listener: (message: unknown) => void): void;
  on(event: 'error' | 'messageerror', listener: (error: Error) => void): void;
  on(event: 'exit', listener: (code: number) => void): void;
  postMessage(message: unknown): void;
  terminate(): Promise<number>;
  ref(): void;
  unref(): void;
}

type NodeWorkerConstructor = new (source: string, options: { eval: true; name?: string }) => NodeWorker;

/** Node's worker_threads, without an import a browser bundler would have to resolve. */
export function nodeWorkerThreads(): { Worker: NodeWorkerConstructor } | undefined {
  const proc = (globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } }).process;
  return proc?.getBuiltinModule?.('node:worker_threads') as { Worker: NodeWorkerConstructor } | undefined;
}

/** Starts a thread running `source` (by default the kernel worker). */
export function startThread(events: ThreadEvents, name: string, source: string = workerSource): Thread {
  const node = nodeWorkerThreads();
  if (node) {
    let ended = false;
    const worker = new node.Worker(source, { eval: true, name });
    const fail = (error: Error) => {
      if (ended) return;
      ended = true;
      events.onFailure(error);
    };
    worker.on('message', (message) => events.onMessage(message));
    worker.on('error', fail);
    worker.on('messageerror', fail);
    worker.on('exit', (code) => fail(new Error(`the thread exited with code ${code}`)));
    worker.unref();
    return {
      post: (message) => worker.postMessage(message),
      setBusy: (busy) => (busy ? worker.ref() : worker.unref()),
      terminate: () => {
        ended = true;
        void worker.terminate();
      },
    };
  }
  const url = URL.createObjectURL(new Blob([source], { type: 'text/javascript' }));
  const worker = new Worker(url, { name });
  let ended = false;
  const fail = (error: Error) => {
    if (ended) return;
    ended = true;
    events.onFailure(error);
  };
  // revoked once the script answers (revoking right away can race the worker's fetch of it)
  worker.onmessage = (event) => {
    URL.revokeObjectURL(url);
    events.onMessage(event.data);
  };
  worker.onerror = (event) => {
    event.preventDefault();
    fail(new Error(event.message || 'the worker failed to load or threw'));
  };
  worker.onmessageerror = () => fail(new Error('a message could not be deserialized'));
  return {
    post: (message) => worker.postMessage(message),
    setBusy: () => {},
    terminate: () => {
      ended = true;
      worker.terminate();
      URL.revokeObjectURL(url);
    },
  };
}
