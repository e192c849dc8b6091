// What the A/B commands (bench:cpu, bench:wasm, bench:msda-cpu) share: the sources of a git ref in a
// temporary folder, interleaved timing of two sides in one process (wall and process CPU time), and
// the bitwise check of their outputs.
import { execSync } from 'node:child_process';
import { mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { summarize } from './stats.js';

/**
 * The library's sources at git `ref` (src/, shaders/, and assembly/ with its build script where the ref
 * has them, its wasm kernels compiled) in a new temporary folder that imports as an ES module package
 * and resolves this checkout's node_modules. Returns the folder.
 */
export function checkOutLibrary(ref: string): string {
  const wasm = existsAt(ref, 'assembly') && existsAt(ref, 'scripts/build-wasm.ts');
  const dir = mkdtempSync(join(tmpdir(), 'grid-sample-ab-'));
  execSync(`git archive ${ref} src shaders ${wasm ? 'assembly scripts' : ''} | tar -x -C ${dir}`);
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ type: 'module' }));
  symlinkSync(resolve(import.meta.dirname, '../node_modules'), join(dir, 'node_modules'));
  if (wasm) execSync('node --import tsx scripts/build-wasm.ts', { cwd: dir, stdio: 'inherit' });
  return dir;
}

/** Whether `path` exists at git `ref`. */
function existsAt(ref: string, path: string): boolean {
  try {
    execSync(`git cat-file -e ${ref}:${path}`, { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/** The same float32 bits, element for element. */
export function sameBits(a: Float32Array, b: Float32Array): boolean {
  const [x, y] = [new Uint32Array(a.buffer, a.byteOffset, a.length), new Uint32Array(b.buffer, b.byteOffset, b.length)];
  return x.length === y.length && x.every((v, i) => v === y[i]);
}

const cpuMs = () => {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
};

/** Times per side (0: the working tree, 1: the ref). */
export interface AbTimes {
  wall: [number[], number[]];
  cpu: [number[], number[]];
}

/** `rounds` rounds of both sides, alternating which goes first, so load from elsewhere hits both alike. */
export async function interleave(rounds: number, call: (side: 0 | 1) => unknown): Promise<AbTimes> {
  const times: AbTimes = { wall: [[], []], cpu: [[], []] };
  for (let r = 0; r < rounds; r++) {
    for (const side of r % 2 ? ([1, 0] as const) : ([0, 1] as const)) {
      const [startCpu, startWall] = [cpuMs(), performance.now()];
      await call(side);
      times.wall[side].push(performance.now() - startWall);
      times.cpu[side].push(cpuMs() - startCpu);
    }
  }
  return times;
}

/** `label ours vs theirs ms, ratio median (min-max)` of per-round ratios. */
export function abLine(label: string, [ours, theirs]: [number[], number[]]): string {
  const ratio = summarize(ours.map((t, i) => t / theirs[i]));
  const [a, b] = [summarize(ours).median, summarize(theirs).median];
  return `${label} ${a.toFixed(1)} vs ${b.toFixed(1)} ms, ratio ${ratio.median.toFixed(3)} (${ratio.min.toFixed(2)}-${ratio.max.toFixed(2)})`;
}
