// PyTorch's CPU grid_sample (one thread) in a long-lived /usr/bin/python3 process, so its runs
// interleave with everyone else's. Absent when that python has no torch.
import { type ChildProcessWithoutNullStreams, spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import type { Contender } from '../contender.js';

const PYTHON = '/usr/bin/python3';
const SCRIPT = fileURLToPath(new URL('../torch_grid_sample.py', import.meta.url));

/** Why PyTorch cannot run here, or undefined when it can. */
export function pytorchUnavailable(): string | undefined {
  const probe = spawnSync(PYTHON, ['-c', 'import torch, numpy; print(torch.__version__)'], { encoding: 'utf8' });
  if (probe.error) return `${PYTHON} not found`;
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

export function pytorchCpu(): Contender & { close(): void; version(): Promise<string> } {
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
    id: 'torch-cpu',
    label: 'PyTorch CPU',
    timing: 'F.grid_sample wall and thread CPU time in python, 1 thread',
    async version() {
      start();
      return String((await hello)?.torch);
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
      });
      return {
        run: async () => {
          const { ms, cpu_ms } = await w.call({ cmd: 'run' });
          return { wall: Number(ms), cpu: Number(cpu_ms) };
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
