import { resolve } from 'node:path';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  build: {
    lib: { entry: resolve(import.meta.dirname, 'src/index.ts'), formats: ['es'], fileName: 'index' },
    target: 'es2022',
    sourcemap: true,
  },
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 60_000,
    // global.gc for the heap-growth check of test/gpu/resources.test.ts
    execArgv: ['--expose-gc'],
    // the JSON report is what .ci/run counts
    reporters: ['default', 'json'],
    outputFile: { json: '.vitest-results.json' },
  },
});
