// The API reference builds from TSDoc, and every public symbol is documented (TypeDoc's validation).
import { execFileSync } from 'node:child_process';
import { resolve } from 'node:path';
import { expect, it } from 'vitest';

const root = resolve(import.meta.dirname, '../..');

it('typedoc documents every public symbol, without warnings', () => {
  const typedoc = resolve(root, 'node_modules/.bin/typedoc');
  const run = () => execFileSync(typedoc, ['--emit', 'none', '--treatWarningsAsErrors'], { cwd: root, encoding: 'utf8', stdio: 'pipe' });
  expect(run).not.toThrow();
}, 60_000);
