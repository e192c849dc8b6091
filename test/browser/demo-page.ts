// Driving the demo page: open a deep link, wait for its status, and read its output as pixels
// through the page's own "Download PNG" button.
import { readFile } from 'node:fs/promises';
import type { Browser, Page } from 'playwright-core';
import { collectErrors } from './chromium.js';
import { type DecodedPng, decodePng } from './png.js';

export type Pixels = DecodedPng;

export interface DemoPage {
  page: Page;
  errors: string[];
  close(): Promise<void>;
}

/** Opens `url` and waits until the page reports 'ready' or 'error' (its body's data-status). */
export async function openDemo(browser: Browser, url: string): Promise<DemoPage> {
  const page = await browser.newPage({ viewport: { width: 1280, height: 800 }, acceptDownloads: true });
  const errors = collectErrors(page);
  await page.goto(url);
  await page.waitForFunction(() => document.body.dataset.status !== 'loading', null, { timeout: 60_000 });
  await waitIdle(page);
  return { page, errors, close: () => page.close() };
}

export const dataset = (page: Page) => page.evaluate(() => ({ ...document.body.dataset }));

/** Waits until no frame is being drawn or waiting to be drawn. */
export async function waitIdle(page: Page): Promise<void> {
  await page.waitForFunction(() => document.body.dataset.idle === 'true', null, { timeout: 60_000 });
}

/** Clicks "Download PNG" and decodes the file. */
export async function downloadPixels(page: Page): Promise<Pixels> {
  const [download] = await Promise.all([page.waitForEvent('download'), page.click('#download')]);
  const pixels = decodePng(await readFile(await download.path()));
  await waitIdle(page);
  return pixels;
}

/** Pixels whose RGB differ by more than `tolerance` (in 1/255 steps) in some channel, and the largest difference. */
export function countMismatches(a: Pixels, b: Pixels, tolerance = 1): { mismatches: number; maxDifference: number } {
  if (a.width !== b.width || a.height !== b.height) {
    throw new Error(`images differ in size: ${a.width} x ${a.height} vs ${b.width} x ${b.height}`);
  }
  let mismatches = 0;
  let maxDifference = 0;
  for (let i = 0; i < a.data.length; i += 4) {
    let worst = 0;
    for (let c = 0; c < 3; c++) worst = Math.max(worst, Math.abs(a.data[i + c] - b.data[i + c]));
    maxDifference = Math.max(maxDifference, worst);
    if (worst > tolerance) mismatches++;
  }
  return { mismatches, maxDifference };
}
