import { resolve } from 'node:path';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  build: {
    lib: {
      // `webgpu-grid-sample/cpu` is its own entry, so importing it pulls in no WebGPU code;
      // `webgpu-grid-sample/warps` holds the image warps' grids
      entry: {
        index: resolve(import.meta.dirname, 'src/index.ts'),
        cpu: resolve(import.meta.dirname, 'src/cpu.ts'),
        warps: resolve(import.meta.dirname, 'src/warps.ts'),
      },
      formats: ['es'],
    },
    rolldownOptions: { output: { chunkFileNames: 'chunks/[name]-[hash].js' } },
    target: 'es2022',
    minify: false, // a library: readable stack traces; applications minify their own bundles
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
