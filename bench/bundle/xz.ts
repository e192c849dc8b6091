// xz compression for the bundle, cached by content (node_modules/.cache/bench-bundle), so a rebuild
// compresses again only what changed: the Node.js binary alone takes about a minute at level 6.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { copyFileSync, existsSync, mkdirSync, readFileSync, renameSync } from 'node:fs';
import { join } from 'node:path';

export class XzCache {
  constructor(
    private readonly dir: string,
    private readonly level: number,
  ) {
    mkdirSync(dir, { recursive: true });
  }

  /** Writes `source` compressed to `target` (multi-threaded xz at this cache's level). */
  compress(source: string, target: string): void {
    const digest = createHash('sha256').update(readFileSync(source)).digest('hex');
    const cached = join(this.dir, `${digest}-${this.level}.xz`);
    if (!existsSync(cached)) {
      const partial = `${cached}.partial`;
      execFileSync('sh', ['-c', 'xz -T0 -"$1" -c "$2" > "$3"', 'xz', String(this.level), source, partial]);
      renameSync(partial, cached);
    }
    copyFileSync(cached, target);
  }
}
