// The body of every kernel worker thread, a Node worker_threads worker or a Web Worker, loaded from
// this source text by src/wasm/worker-pool.ts. It instantiates the kernels on the shared memory of
// its first message, answers { type: 'ready' }, then runs one kernel call per message
// ({ id, fn, args }) and answers { id } or { id, error }. Between messages it waits on its port.
const nodeThreads =
  typeof process === 'object' && typeof process.getBuiltinModule === 'function'
    ? process.getBuiltinModule('node:worker_threads')
    : undefined;
const port = nodeThreads ? nodeThreads.parentPort : self;
const describe = (error) => (error instanceof Error ? `${error.name}: ${error.message}` : String(error));
let kernels;

function onMessage(message) {
  if (message.type === 'init') {
    WebAssembly.instantiate(message.module, { env: { memory: message.memory } }).then(
      (instance) => {
        kernels = instance.exports;
        port.postMessage({ type: 'ready' });
      },
      (error) => port.postMessage({ type: 'ready', error: describe(error) }),
    );
    return;
  }
  try {
    kernels[message.fn](...message.args);
    port.postMessage({ id: message.id });
  } catch (error) {
    port.postMessage({ id: message.id, error: describe(error) });
  }
}

if (nodeThreads) port.on('message', onMessage);
else port.onmessage = (event) => onMessage(event.data);
