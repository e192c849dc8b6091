// The API reference builds from TSDoc: every public symbol is documented (TypeDoc's validation, no
// warnings) and carries an @example.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { expect, it } from 'vitest';

const root = resolve(import.meta.dirname, '../..');

interface Reflection {
  name: string;
  kind: number;
  flags?: { isPrivate?: boolean };
  comment?: { blockTags?: { tag: string }[] };
  signatures?: Reflection[];
  getSignature?: Reflection;
  children?: Reflection[];
}

const KIND = { reference: 4194304, class: 128, method: 2048, accessor: 262144 };

const hasExample = (r: Reflection): boolean =>
  [r, ...(r.signatures ?? []), ...(r.getSignature ? [r.getSignature] : [])].some((c) =>
    c.comment?.blockTags?.some((t) => t.tag === '@example'),
  );

it('typedoc documents every public symbol with an example, without warnings', () => {
  const json = join(mkdtempSync(join(tmpdir(), 'typedoc-')), 'api.json');
  const typedoc = resolve(root, 'node_modules/.bin/typedoc');
  execFileSync(typedoc, ['--treatWarningsAsErrors', '--json', json], { cwd: root, stdio: 'pipe' });
  const api: Reflection = JSON.parse(readFileSync(json, 'utf8'));
  const missing: string[] = [];
  for (const entry of api.children ?? []) {
    for (const symbol of entry.children ?? []) {
      if (symbol.kind === KIND.reference) continue; // re-exported from another entry
      if (!hasExample(symbol)) missing.push(`${entry.name}.${symbol.name}`);
      if (symbol.kind !== KIND.class) continue;
      for (const member of symbol.children ?? []) {
        const callable = member.kind === KIND.method || member.kind === KIND.accessor;
        if (callable && !member.flags?.isPrivate && !hasExample(member)) missing.push(`${symbol.name}.${member.name}`);
      }
    }
  }
  expect(missing).toEqual([]);
}, 60_000);
