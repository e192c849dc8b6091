// `npm run bench:browser`: builds bench/browser/main.ts with Vite, serves it from 127.0.0.1 (a secure
// context) with onnxruntime-web's dist at /ort/, runs it in Debian's Chromium on WebGPU (SwiftShader
// without a GPU) through playwright-core, and writes bench/results-browser.{json,md}.
// Options: --only W1,W3 (default: all)  --rounds N (default 5)  --warmup N (default 1)
//          --chromium PATH (default /usr/bin/chromium)  --out PREFIX (default bench/results-browser)
//          --adapter swiftshader|system (default swiftshader; system: the machine's GPU)
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, extname, join, normalize } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { chromium } from 'playwright-core';
import { build } from 'vite';

const { values } = parseArgs({
  options: {
    only: { type: 'string', default: '' },
    rounds: { type: 'string', default: '5' },
    warmup: { type: 'string', default: '1' },
    chromium: { type: 'string', default: '/usr/bin/chromium' },
    out: { type: 'string', default: 'bench/results-browser' },
    adapter: { type: 'string', default: 'swiftshader' },
  },
});

const here = dirname(fileURLToPath(import.meta.url));
const outDir = mkdtempSync(join(tmpdir(), 'grid-sample-bench-page-'));
await build({
  configFile: false,
  logLevel: 'warn',
  build: {
    outDir,
    emptyOutDir: true,
    target: 'es2022',
    minify: false,
    lib: { entry: join(here, 'main.ts'), formats: ['es'], fileName: () => 'main.js' },
  },
});

const ortDist = dirname(createRequire(import.meta.url).resolve('onnxruntime-web'));
const types: Record<string, string> = {
  '.html': 'text/html',
  '.js': 'text/javascript',
  '.mjs': 'text/javascript',
  '.wasm': 'application/wasm',
};
const server = createServer((request, response) => {
  const path = normalize(decodeURIComponent(new URL(request.url ?? '/', 'http://127.0.0.1').pathname));
  const file =
    path === '/'
      ? join(here, 'index.html')
      : path.startsWith('/ort/')
        ? join(ortDist, path.slice(5))
        : join(outDir, path.slice(1));
  if (!file.startsWith(ortDist) && !file.startsWith(outDir) && file !== join(here, 'index.html')) {
    response.writeHead(403).end();
    return;
  }
  if (!existsSync(file)) {
    response.writeHead(404).end();
    return;
  }
  response.writeHead(200, { 'content-type': types[extname(file)] ?? 'application/octet-stream' });
  response.end(readFileSync(file));
});
await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
const port = (server.address() as { port: number }).port;

const browser = await chromium.launch({
  executablePath: values.chromium,
  args: [
    '--enable-unsafe-webgpu',
    '--enable-features=Vulkan',
    ...(values.adapter === 'system' ? [] : ['--use-vulkan=swiftshader', '--use-webgpu-adapter=swiftshader']),
    '--no-sandbox',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
    '--no-first-run',
    '--disable-quic',
    '--headless',
    // compile onnxruntime-web's wasm fully up front instead of tiering up in the background mid-run
    '--js-flags=--no-liftoff',
  ],
});
try {
  const page = await browser.newPage();
  page.on('console', (message) => console.log(`[page] ${message.text()}`));
  page.on('pageerror', (error) => console.error(`[page error] ${error.message}`));
  const query = new URLSearchParams({
    rounds: values.rounds,
    warmup: values.warmup,
    ...(values.only ? { only: values.only } : {}),
  });
  await page.goto(`http://127.0.0.1:${port}/?${query}`);
  await page.waitForFunction(() => window.benchResult !== undefined, undefined, { timeout: 0, polling: 1000 });
  const result = await page.evaluate(() => window.benchResult);
  if (!result || result.error) throw new Error(`the bench page failed: ${result?.error}`);
  writeFileSync(`${values.out}.json`, `${JSON.stringify({ run: result.run, results: result.results }, null, 2)}\n`);
  writeFileSync(`${values.out}.md`, result.markdown ?? '');
  console.log(`wrote ${values.out}.json and ${values.out}.md`);
} finally {
  await browser.close();
  server.close();
}
