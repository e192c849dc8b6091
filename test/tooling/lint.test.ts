// The code stays formatted and lint-clean (Biome, biome.json) and type-checks (tsc, tsconfig.json),
// so a contributor's `npm run lint` and `npm run typecheck` agree with CI.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { expect, it } from 'vitest';

const root = resolve(import.meta.dirname, '../..');

function run(tool: string, args: string[]): string {
  try {
    execFileSync(resolve(root, 'node_modules/.bin', tool), args, { cwd: root, stdio: 'pipe', encoding: 'utf8' });
    return '';
  } catch (error) {
    const { stdout, stderr } = error as { stdout?: string; stderr?: string };
    return `${stdout ?? ''}${stderr ?? ''}` || String(error);
  }
}

it('biome ci reports no formatting or lint problems', () => {
  expect(run('biome', ['ci', '--colors=off', '.'])).toBe('');
}, 60_000);

it('tsc type-checks the whole project', () => {
  expect(run('tsc', ['--noEmit', '-p', 'tsconfig.json'])).toBe('');
}, 120_000);

// Biome and tsc never read .gitignore, JSON fixtures or shell scripts: a merge conflict committed in one
// of them (it happened twice, in .gitignore) shows up only here.
it('no committed file holds a merge conflict marker', () => {
  const files = execFileSync('git', ['ls-files', '-z'], { cwd: root, encoding: 'utf8' }).split('\0').filter(Boolean);
  const marked = files.filter((f) => {
    const text = readFileSync(resolve(root, f), 'latin1');
    return /^(<{7}|>{7})( |$)/m.test(text) && /^={7}$/m.test(text);
  });
  expect(marked).toEqual([]);
});
