// The code stays formatted and lint-clean (Biome, biome.json) and type-checks (tsc, tsconfig.json),
// so a contributor's `npm run lint` and `npm run typecheck` agree with CI.
import { execFileSync } from 'node:child_process';
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
