// examples/tfjs-spatial-transformer.ts, run as users run it (`npm run example:tfjs`: vite-node, TF.js's
// own webgpu backend on Dawn, SwiftShader in CI): Adam trains the localization network until it predicts
// the known transform for every picture. Its printed error must be within 1e-4 after 300 steps
// (measured 1.3e-7 on SwiftShader; the loss falls from ~1e-2 to ~1e-14).
import { execFile } from 'node:child_process';
import { resolve } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const root = resolve(import.meta.dirname, '../..');

describe('examples/tfjs-spatial-transformer.ts', () => {
  it('recovers the true theta within 1e-4 for every picture, the loss falling', async () => {
    const { stdout } = await promisify(execFile)(
      resolve(root, 'node_modules/.bin/vite-node'),
      ['examples/tfjs-spatial-transformer.ts'],
      { cwd: root, encoding: 'utf8', timeout: 240_000 },
    );
    const error = Number(stdout.match(/max \|error\| (\S+) after 300 steps/)?.[1]);
    expect(error, stdout).toBeLessThan(1e-4);
    const losses = [...stdout.matchAll(/loss (\S+)/g)].map(([, loss]) => Number(loss));
    expect(losses).toHaveLength(6);
    expect(losses[5], stdout).toBeLessThan(losses[0] / 1000);
    expect(stdout.match(/predicted, image \d/g)).toHaveLength(4);
  }, 300_000);
});
