// README and docs/guide/ match the repository: every relative link and picture resolves (anchors
// included, as GitHub makes them from headings), and the warps' pictures are what their script makes.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { PNG } from 'pngjs';
import { describe, expect, it } from 'vitest';
import { IMAGES_DIR, renderWarpImage, WARP_IMAGES } from '../../scripts/warp-images.js';

const root = resolve(import.meta.dirname, '../..');
const guides = resolve(root, 'docs/guide');
const documents = [
  resolve(root, 'README.md'),
  ...readdirSync(guides)
    .filter((f) => f.endsWith('.md'))
    .map((f) => join(guides, f)),
];

/** GitHub's anchor of a heading: lower case, punctuation but '-' and '_' dropped, spaces to '-'. */
const slug = (heading: string) =>
  heading
    .trim()
    .toLowerCase()
    .replace(/`/g, '')
    .replace(/[^\p{L}\p{N}\s_-]/gu, '')
    .replace(/\s/g, '-');

/** Markdown without fenced code blocks and inline code spans, where brackets are not links. */
const prose = (markdown: string) => markdown.replace(/^```[\s\S]*?^```/gm, '').replace(/`[^`\n]*`/g, '');

const anchorsOf = (file: string) =>
  new Set(
    prose(readFileSync(file, 'utf8'))
      .match(/^#+ .*$/gm)
      ?.map((h) => slug(h.replace(/^#+ /, ''))) ?? [],
  );

describe('README and docs/guide', () => {
  it('resolve every relative link and picture, anchors included', () => {
    const broken: string[] = [];
    let links = 0;
    for (const file of documents) {
      for (const [, target] of prose(readFileSync(file, 'utf8')).matchAll(/\]\(([^)\s]+)\)/g)) {
        if (/^[a-z]+:/.test(target)) continue; // http:, https:, mailto:
        links++;
        const [path, anchor] = target.split('#');
        const resolved = path ? resolve(dirname(file), path) : file;
        const where = `${relative(root, file)} -> ${target}`;
        if (!existsSync(resolved)) broken.push(`${where}: no such file`);
        else if (anchor && !anchorsOf(resolved).has(anchor)) broken.push(`${where}: no heading #${anchor}`);
      }
    }
    expect(links).toBeGreaterThan(50);
    expect(broken).toEqual([]);
  });

  it('makes anchors from headings as GitHub does', () => {
    expect(slug('GPU-resident use and interop')).toBe('gpu-resident-use-and-interop');
    expect(slug('API reference, lint')).toBe('api-reference-lint');
    expect(anchorsOf(join(guides, 'cli.md')).has('decompression-bombs')).toBe(false);
    expect(anchorsOf(join(guides, 'images-and-warps.md')).has('warps')).toBe(true);
  });

  it('keep README an entry page of at most 250 lines, linking every guide', () => {
    const readme = readFileSync(resolve(root, 'README.md'), 'utf8');
    expect(readme.split('\n').length).toBeLessThanOrEqual(250);
    for (const guide of readdirSync(guides).filter((f) => f.endsWith('.md'))) {
      expect(readme, guide).toContain(`](docs/guide/${guide}`);
    }
  });
});

describe('the pictures of docs/guide/images', () => {
  const decode = (bytes: Buffer) => PNG.sync.read(bytes);

  it('are the files scripts/warp-images.ts lists, each shown in the guide', () => {
    const guide = readFileSync(join(guides, 'images-and-warps.md'), 'utf8');
    expect(readdirSync(IMAGES_DIR).sort()).toEqual(WARP_IMAGES.map((i) => i.file).sort());
    for (const { file } of WARP_IMAGES) expect(guide).toContain(`](images/${file})`);
  });

  it.each(WARP_IMAGES)('$file is what npm run docs:images makes', (image) => {
    const committed = decode(readFileSync(join(IMAGES_DIR, image.file)));
    const made = decode(renderWarpImage(image));
    expect([committed.width, committed.height]).toEqual([made.width, made.height]);
    expect(Buffer.compare(committed.data, made.data), 'pixels differ: run npm run docs:images').toBe(0);
  });
});
