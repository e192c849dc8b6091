// Node module hooks for Vite's `?raw` imports (the WGSL kernels), so the benchmark runs the sources in
// src/ directly under tsx: `node --import tsx --import ./bench/raw-import.mjs bench/run.ts`.
import { register } from 'node:module';

register(
  'data:text/javascript,' +
    encodeURIComponent(`
      import { readFile } from 'node:fs/promises';
      export async function load(url, context, nextLoad) {
        if (!url.endsWith('?raw')) return nextLoad(url, context);
        const text = await readFile(new URL(url.slice(0, -4)), 'utf8');
        return { format: 'module', source: 'export default ' + JSON.stringify(text), shortCircuit: true };
      }
    `),
);
