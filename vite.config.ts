import { resolve } from 'node:path';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  build: {
    lib: {
      // `webgpu-grid-sample/cpu` is its own entry, so importing it pulls in no WebGPU code;
      // `webgpu-grid-sample/warps` holds the image warps' grids; `webgpu-grid-sample/tfjs` the TF.js ops
      entry: {
        index: resolve(import.meta.dirname, 'src/index.ts'),
        cpu: resolve(import.meta.dirname, 'src/cpu.ts'),
        warps: resolve(import.meta.dirname, 'src/warps.ts'),
        tfjs: resolve(import.meta.dirname, 'src/tfjs.ts'),
      },
      formats: ['es'],
    },
    rolldownOptions: {
      // TF.js is the user's own copy (a peer dependency), never bundled
      external: [/^@tensorflow\//],
      output: { chunkFileNames: 'chunks/[name]-[hash].js' },
    },
    target: 'es2022',
    minify: false, // a library: readable stack traces; applications minify their own bundles
    sourcemap: true,
  },
  test: {
    testTimeout: 60_000,
    // compiles the wasm kernels (assembly/) when they are missing or stale
    globalSetup: ['test/setup/build-wasm.ts'],
    // global.gc for the heap-growth check of test/gpu/resources.test.ts
    execArgv: ['--expose-gc'],
    // the JSON report is what .ci/run counts
    reporters: ['default', 'json'],
    outputFile: { json: '.vitest-results.json' },
    projects: [
      // (projects that extend the root config add their include to its own: so the root has none)
      { extends: true, test: { name: 'core', include: ['test/**/*.test.ts'] } },
      // the GPU suite again on WebGPU compatibility-mode devices (test/helpers/gpu.ts honours the variable)
      {
        extends: true,
        test: {
          name: 'compat',
          include: ['test/gpu/**/*.test.ts', 'test/warps/gpu-grids.test.ts', 'test/tfjs/**/*.test.ts'],
          env: { GPU_FEATURE_LEVEL: 'compatibility' },
        },
      },
    ],
  },
});
