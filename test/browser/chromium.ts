// Debian's Chromium driven by playwright-core (no browser download), with WebGPU on SwiftShader.
import { existsSync } from 'node:fs';
import { type Browser, chromium, type Page } from 'playwright-core';
import { underCi } from '../helpers/ci.js';

export const CHROMIUM = '/usr/bin/chromium';

const COMMON_FLAGS = [
  '--no-sandbox',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-quic',
];

export const WEBGPU_FLAGS = [
  '--enable-unsafe-webgpu',
  '--enable-features=Vulkan',
  '--use-vulkan=swiftshader',
  '--use-webgpu-adapter=swiftshader',
  // the compositor on SwiftShader too: without it the GPU process cannot create a WebGPU canvas's
  // swap-chain image ("Could not find SharedImageBackingFactory") and the page's device is lost
  '--use-angle=swiftshader',
];

/** Whether the browser is there; under CI its absence is an error, never a skip. */
export function chromiumAvailable(): boolean {
  if (existsSync(CHROMIUM)) return true;
  if (underCi) {
    throw new Error(`CI=${process.env.CI} but ${CHROMIUM} is missing: apt-get install chromium (.ci/run does)`);
  }
  console.warn(`${CHROMIUM} is missing: the browser tests are skipped on this machine (they fail under CI).`);
  return false;
}

export function launchChromium(webgpu: boolean): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: webgpu ? [...WEBGPU_FLAGS, ...COMMON_FLAGS] : COMMON_FLAGS,
  });
}

/** Collects console errors and uncaught exceptions of a page. */
export function collectErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error') errors.push(`console.error: ${message.text()}`);
  });
  page.on('pageerror', (error) => errors.push(`uncaught: ${error.message}`));
  return errors;
}
