// The demo page (npm run demo, npm run build:demo). The library's own build is ../vite.config.ts.
import { resolve } from 'node:path';
import { defineConfig } from 'vite';

export default defineConfig({
  root: import.meta.dirname,
  // relative asset paths: the built site works from any folder
  base: './',
  build: {
    outDir: resolve(import.meta.dirname, '../dist-demo'),
    emptyOutDir: true,
    target: 'es2022',
  },
});
