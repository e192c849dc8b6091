// Layers only look down: the library imports nothing of the front ends, the front ends (CLI, demo,
// examples, benchmark) use only the package's public entries, and nothing but tests imports test/.
// Every import of every tracked source file is read with TypeScript's own pre-parser.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { dirname, join, normalize, resolve } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const root = resolve(import.meta.dirname, '../..');

/** The package's public entries: what package.json `exports` maps to. */
const PUBLIC = ['src/index.ts', 'src/cpu.ts', 'src/warps.ts', 'src/tfjs.ts'];

/** What each top-level folder may import (repository paths, folders end with '/'). */
const ALLOWED: Record<string, string[]> = {
  src: ['src/', 'shaders/'],
  cli: ['cli/', ...PUBLIC],
  examples: ['examples/', ...PUBLIC],
  demo: ['demo/', 'examples/', ...PUBLIC],
  bench: ['bench/', 'examples/', ...PUBLIC],
  scripts: ['scripts/', ...PUBLIC],
  test: [''], // tests may look at anything, internals included
};

/**
 * Fences inside a layer: files under `from` import nothing under `fence` but its public modules. The
 * warps record their kernel on the GPU runtime through its one public module, never its internals.
 */
const FENCES: { from: string; fence: string; open: string[] }[] = [
  { from: 'src/warps/', fence: 'src/gpu/', open: ['src/gpu/runtime.ts'] },
];

/** The repository path an import resolves to (`.js` written for a `.ts` file, `?raw` dropped), or undefined for a package. */
function target(file: string, specifier: string): string | undefined {
  if (!specifier.startsWith('.')) return undefined;
  const path = normalize(join(dirname(file), specifier.replace(/\?.*$/, '')));
  return path.endsWith('.js') ? path.replace(/\.js$/, '.ts') : path;
}

/** Every rule an import of `file` breaks, as readable lines. */
function violations(file: string, source: string): string[] {
  const layer = file.split('/')[0];
  const allowed = ALLOWED[layer];
  const problems: string[] = [];
  for (const { fileName } of ts.preProcessFile(source, true, true).importedFiles) {
    const path = target(file, fileName);
    if (path === undefined) continue;
    const inside = (prefix: string) =>
      prefix.endsWith('/') || prefix === '' ? path.startsWith(prefix) : path === prefix;
    if (allowed && !allowed.some(inside))
      problems.push(`${file} imports ${path} (${layer}/ may import ${allowed.join(', ')})`);
    if (!allowed && path.startsWith('test/')) problems.push(`${file} imports ${path} (only tests import test/)`);
    for (const { from, fence, open } of FENCES)
      if (file.startsWith(from) && path.startsWith(fence) && !open.includes(path))
        problems.push(`${file} imports ${path} (${from} may import only ${open.join(', ')} of ${fence})`);
  }
  return problems;
}

const sources = execFileSync('git', ['ls-files', '--cached', '--others', '--exclude-standard'], {
  cwd: root,
  encoding: 'utf8',
})
  .split('\n')
  .filter((file) => /\.(ts|mts|mjs|js)$/.test(file) && !file.startsWith('test/fixtures/'));

describe('layering', () => {
  it('holds for every import in the repository', () => {
    expect(sources.length).toBeGreaterThan(100);
    const problems = sources.flatMap((file) => violations(file, readFileSync(join(root, file), 'utf8')));
    expect(problems).toEqual([]);
  });

  it('catches a front end reaching into another layer (the rule can fail)', () => {
    expect(violations('cli/main.ts', "import { cpuGrid } from '../demo/src/cpu-grids.js';")).toHaveLength(1);
    expect(violations('bench/run.ts', "import { GridSampler } from '../src/gpu/sampler.js';")).toHaveLength(1);
    expect(violations('bench/kernels.ts', "import { toChannelsLast } from '../test/helpers/layout.js';")).toHaveLength(
      1,
    );
    expect(violations('examples/x.ts', "const m = await import('../bench/node-setup.js');")).toHaveLength(1);
    expect(violations('src/warps/gpu.ts', "import { pipelineSync } from '../gpu/pipelines.js';")).toHaveLength(1);
    expect(violations('src/warps/gpu.ts', "import { GpuContext } from '../gpu/context.js';")).toHaveLength(1);
    expect(violations('src/warps/gpu.ts', "import { contextFor } from '../gpu/runtime.js';")).toEqual([]);
    expect(violations('vite.config.ts', "import '../x/test/y.js'; import './test/helpers/gpu.js';")).toHaveLength(1);
    expect(violations('demo/src/main.ts', "import { warpGrid } from '../../src/warps.js';")).toEqual([]);
  });
});
