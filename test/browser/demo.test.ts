// The demo in a real browser: Debian's headless Chromium, WebGPU on SwiftShader, the page built with
// Vite and served from a sub-folder of http://127.0.0.1. The CPU reference render is the reference
// for the WebGPU render of the same link.
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Browser } from 'playwright-core';
import { build } from 'vite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromiumAvailable, launchChromium } from './chromium.js';
import { countMismatches, dataset, downloadPixels, openDemo, type Pixels, waitIdle } from './demo-page.js';
import { type StaticSite, serveStatic } from './static-server.js';

const ROOT = resolve(import.meta.dirname, '../..');
// SwiftShader is slow: a modest output keeps each page to a second or two
const SIZE = 256;

// One deep link per warp, each with other padding and alignCorners, all bilinear.
const WARP_LINKS: Record<string, string> = {
  affine: 'warp=affine&angle=30&scale=0.8&shear=0.2&tx=0.1&ty=-0.05&padding=zeros',
  perspective: 'warp=perspective&corners=-0.6,-0.9,0.8,-0.6,1.1,0.9,-0.9,0.7&padding=border',
  lens: 'warp=lens&k1=0.3&k2=0.05&zoom=1.3&cx=0.1&padding=reflection&alignCorners=true',
  swirl: 'warp=swirl&strength=6&radius=0.9&cx=0.1&cy=-0.1&padding=zeros',
  ripple: 'warp=ripple&amplitude=0.05&wavelength=0.15&phase=45&padding=reflection&alignCorners=true',
};
const IDENTITY_LINK = 'warp=affine&angle=0&scale=1&shear=0&tx=0&ty=0';

describe.skipIf(!chromiumAvailable())('demo page in Chromium', () => {
  let site: StaticSite;
  let browser: Browser;
  let outDir: string;
  let identity: Pixels;
  const link = (query: string, backend: 'webgpu' | 'cpu') =>
    `${site.url}?${query}&mode=bilinear&size=${SIZE}&backend=${backend}`;

  /** Opens a link, checks it is ready without console errors on the expected backend, and downloads its output. */
  async function render(query: string, backend: 'webgpu' | 'cpu'): Promise<Pixels> {
    const demo = await openDemo(browser, link(query, backend));
    try {
      const data = await dataset(demo.page);
      expect(data.error, 'page error').toBeUndefined();
      expect(data.status).toBe('ready');
      expect(data.backend).toBe(backend);
      const pixels = await downloadPixels(demo.page);
      expect(demo.errors).toEqual([]);
      return pixels;
    } finally {
      await demo.close();
    }
  }

  beforeAll(async () => {
    outDir = await mkdtemp(join(tmpdir(), 'demo-build-'));
    await build({ configFile: join(ROOT, 'demo/vite.config.ts'), logLevel: 'warn', build: { outDir } });
    site = await serveStatic(outDir);
    await mkdir(join(ROOT, 'test-results'), { recursive: true });
    browser = await launchChromium(true);
    identity = await render(IDENTITY_LINK, 'cpu');
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await site?.close();
    if (outDir) await rm(outDir, { recursive: true, force: true });
  });

  it.each(Object.entries(WARP_LINKS))('%s: WebGPU render equals the CPU reference within 1/255', async (_, query) => {
    const gpu = await render(query, 'webgpu');
    const cpu = await render(query, 'cpu');
    expect([gpu.width, gpu.height]).toEqual([SIZE, Math.round((SIZE * 341) / 512)]);
    const { mismatches, maxDifference } = countMismatches(gpu, cpu, 1);
    expect(mismatches, `pixels off by more than 1/255 (largest difference ${maxDifference}/255)`).toBe(0);
    // the link's parameters took effect: most pixels moved
    expect(countMismatches(cpu, identity, 8).mismatches).toBeGreaterThan(0.2 * SIZE * SIZE * (341 / 512));
  });

  it('brush: painting with the mouse pushes pixels, identically on WebGPU and the CPU', async () => {
    const demo = await openDemo(browser, link('warp=brush&radius=0.3&strength=1', 'webgpu'));
    try {
      const { page } = demo;
      const box = (await page.locator('#output').boundingBox())!;
      await page.mouse.move(box.x + box.width * 0.3, box.y + box.height * 0.5);
      await page.mouse.down();
      await page.mouse.move(box.x + box.width * 0.6, box.y + box.height * 0.4, { steps: 12 });
      await page.mouse.up();
      await waitIdle(page);
      const gpu = await downloadPixels(page);
      await page.click('#backend-buttons button[data-value="cpu"]');
      await waitIdle(page);
      expect((await dataset(page)).backend).toBe('cpu');
      const cpu = await downloadPixels(page);
      expect(countMismatches(gpu, cpu, 1).mismatches).toBe(0);
      const moved = countMismatches(gpu, identity, 8).mismatches;
      expect(moved).toBeGreaterThan(0.05 * gpu.width * gpu.height);
      expect(moved).toBeLessThan(0.8 * gpu.width * gpu.height);
      expect(demo.errors).toEqual([]);
    } finally {
      await demo.close();
    }
  });

  it('compare view shows the heat map and a max abs error below 1/255 for bicubic', async () => {
    const demo = await openDemo(
      browser,
      `${site.url}?warp=lens&k1=-0.2&mode=bicubic&padding=border&size=${SIZE}&compare=true`,
    );
    try {
      const data = await dataset(demo.page);
      expect(data.status).toBe('ready');
      expect(await demo.page.locator('#compare-panel').isVisible()).toBe(true);
      const maxAbsError = Number(data.maxAbsError);
      expect(maxAbsError).toBeGreaterThanOrEqual(0);
      expect(maxAbsError).toBeLessThan(1 / 255);
      expect(await demo.page.locator('#compare-summary').textContent()).toContain('0 pixels off');
      expect(demo.errors).toEqual([]);
    } finally {
      await demo.close();
    }
  });

  it('default page: ready on WebGPU with the photograph, screenshot in test-results/demo.png', async () => {
    const demo = await openDemo(browser, site.url);
    try {
      const data = await dataset(demo.page);
      expect(data.status).toBe('ready');
      expect(data.backend).toBe('webgpu');
      const size = await demo.page.locator('#output').evaluate((c: HTMLCanvasElement) => [c.width, c.height]);
      expect(size).toEqual([512, 341]);
      const png = await demo.page.screenshot({ path: join(ROOT, 'test-results/demo.png') });
      expect(png.subarray(1, 4).toString()).toBe('PNG');
      expect(demo.errors).toEqual([]);
    } finally {
      await demo.close();
    }
  });

  it('gradients panel: registration recovers the random affine transform within 1e-2', async () => {
    const demo = await openDemo(browser, `${site.url}?size=${SIZE}`);
    try {
      await demo.page.click('#register');
      await demo.page.waitForFunction(() => document.body.dataset.registration === 'done', null, { timeout: 90_000 });
      const data = await dataset(demo.page);
      expect(Number(data.registrationError)).toBeLessThan(1e-2);
      expect(await demo.page.locator('#theta-table tr').count()).toBe(2);
      await demo.page.locator('#controls').screenshot({ path: join(ROOT, 'test-results/demo-registration.png') });
      expect(demo.errors).toEqual([]);
    } finally {
      await demo.close();
    }
  }, 120_000);

  it('without WebGPU the page says so and renders on the CPU reference', async () => {
    const query = WARP_LINKS.swirl;
    const expected = await render(query, 'cpu');
    const plain = await launchChromium(false);
    try {
      const demo = await openDemo(plain, link(query, 'webgpu'));
      const data = await dataset(demo.page);
      expect(data.status).toBe('ready');
      expect(data.backend).toBe('cpu');
      const notice = demo.page.locator('#notice');
      expect(await notice.isVisible()).toBe(true);
      expect(await notice.textContent()).toContain('WebGPU is not available');
      expect(await demo.page.locator('#backend-buttons button[data-value="webgpu"]').isDisabled()).toBe(true);
      expect(await demo.page.locator('#register').isDisabled()).toBe(true);
      const pixels = await downloadPixels(demo.page);
      expect(countMismatches(pixels, expected, 0).mismatches).toBe(0);
      await demo.page.screenshot({ path: join(ROOT, 'test-results/demo-no-webgpu.png') });
      expect(demo.errors).toEqual([]);
    } finally {
      await plain.close();
    }
  });
});
