// PyTorch's grid_sample in a long-lived python process, so its runs interleave with everyone else's:
// on the CPU (one thread), or on CUDA timed by CUDA events (the GPU bundle, bench/bundle/). The python
// is /usr/bin/python3 unless BENCH_PYTHON names another. Absent when that python has no torch (or no CUDA).
import { type ChildProcessWithoutNullStreams, spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import type { Contender } from '../contender.js';

const PYTHON = process.env.BENCH_PYTHON || '/usr/bin/python3';
const SCRIPT = fileURLToPath(new URL('../torch_grid_sample.py', import.meta.url));

export type TorchDevice = 'cpu' | 'cuda';

const NO_CUDA = 3; // exit status of the probe when torch imports but sees no CUDA device

/** Why PyTorch cannot run here (on `device`), or undefined when it can. */
export function pytorchUnavailable(device: TorchDevice = 'cpu'): string | undefined {
  const probe = spawnSync(
    PYTHON,
    [
      '-c',
      `import sys, torch, numpy; sys.exit(${NO_CUDA} if '${device}' == 'cuda' and not torch.cuda.is_available() else 0)`,
    ],
    { encoding: 'utf8' },
  );
  if (probe.error) return `${PYTHON} not found`;
  if (probe.status === NO_CUDA) return `${PYTHON}'s torch sees no CUDA device`;
  if (probe.status !== 0) return `${PYTHON} has no torch/numpy (apt-get install python3-torch)`;
  return undefined;
}

class PythonWorker {
  private readonly child: ChildProcessWithoutNullStreams;
  private readonly lines: AsyncIterator<string>;

  constructor() {
    this.child = spawn(PYTHON, [SCRIPT], { stdio: ['pipe', 'pipe', 'pipe'] });
    this.child.stderr.on('data', (d) => process.stderr.write(`[pytorch] ${d}`));
    this.lines = createInterface({ input: this.child.stdout })[Symbol.asyncIterator]();
  }

  async reply(): Promise<Record<string, unknown>> {
    const { value, done } = await this.lines.next();
    if (done) throw new Error('the PyTorch worker exited');
    return JSON.parse(value) as Record<string, unknown>;
  }

  async call(cmd: Record<string, unknown>): Promise<Record<string, unknown>> {
    this.child.stdin.write(`${JSON.stringify(cmd)}\n`);
    return this.reply();
  }

  close(): void {
    this.child.stdin.end(`${JSON.stringify({ cmd: 'quit' })}\n`);
  }
}

export type PytorchContender = Contender & { close(): void; version(): Promise<string> };

/** PyTorch's CPU grid_sample, one thread, wall time. */
export const pytorchCpu = (): PytorchContender => pytorchOn('cpu');

/** PyTorch's CUDA grid_sample on GPU-resident tensors, timed by CUDA events around the call. */
export const pytorchCuda = (): PytorchContender => pytorchOn('cuda');

function pytorchOn(device: TorchDevice): PytorchContender {
  let worker: PythonWorker | undefined;
  let hello: Promise<Record<string, unknown>> | undefined;
  const start = () => {
    if (!worker) {
      worker = new PythonWorker();
      hello = worker.reply();
    }
    return worker;
  };
  return {
    id: `torch-${device}`,
    label: device === 'cuda' ? 'PyTorch CUDA' : 'PyTorch CPU',
    timing:
      device === 'cuda'
        ? 'CUDA events around F.grid_sample; wall = the python call with synchronize'
        : 'F.grid_sample wall and thread CPU time in python, 1 thread',
    async version() {
      start();
      const h = await hello;
      return device === 'cuda' ? `${h?.torch} on ${h?.cuda}` : String(h?.torch);
    },
    close: () => worker?.close(),
    async prepare(workload, { input, grid }) {
      const w = start();
      await hello;
      const dir = mkdtempSync(join(tmpdir(), 'grid-sample-bench-'));
      const files = { input: join(dir, 'input.f32'), grid: join(dir, 'grid.f32'), output: join(dir, 'output.f32') };
      writeFileSync(files.input, input.data);
      writeFileSync(files.grid, grid.data);
      await w.call({
        cmd: 'load',
        input: files.input,
        grid: files.grid,
        input_shape: input.shape,
        grid_shape: grid.shape,
        mode: workload.mode,
        padding_mode: workload.paddingMode,
        align_corners: workload.alignCorners,
        device,
      });
      return {
        run: async () => {
          const r = await w.call({ cmd: 'run' });
          return {
            wall: Number(r.ms),
            ...(r.gpu_ms !== undefined ? { gpu: Number(r.gpu_ms) } : {}),
            ...(r.cpu_ms !== undefined ? { cpu: Number(r.cpu_ms) } : {}),
          };
        },
        output: async () => {
          await w.call({ cmd: 'output', path: files.output });
          const bytes = readFileSync(files.output);
          return new Float32Array(bytes.buffer, bytes.byteOffset, bytes.byteLength / 4).slice();
        },
        release: () => rmSync(dir, { recursive: true, force: true }),
      };
    },
  };
}
