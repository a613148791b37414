/**
 * The e2e tests' app: the renderer built by Vite into a fresh temp folder, served with the real
 * services and handlers on the loopback HTTP bridge (a fresh home), and headless Chromium with a
 * fresh profile that has opened the session through the launch address.
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { build } from 'vite';
import type { BrowserContext, Page } from 'playwright-core';
import { serveApp } from '../../src-main/app/serve';
import type { ServedApp } from '../../src-main/app/serve';
import { launchChromium } from './chromium';

export const ROOT = resolve(import.meta.dirname, '..', '..');
/** Where the e2e runs save the README's screenshots. */
export const SHOTS = resolve(ROOT, 'docs', 'screenshots');

export interface E2eApp {
  tmp: string;
  app: ServedApp;
  browser: BrowserContext;
  page: Page;
  close(): Promise<void>;
}

export async function startE2eApp(
  prefix: string,
  viewport: { width: number; height: number },
): Promise<E2eApp> {
  const tmp = mkdtempSync(join(tmpdir(), prefix));
  const staticDir = join(tmp, 'renderer');
  await build({
    configFile: resolve(ROOT, 'vite.config.ts'),
    logLevel: 'error',
    build: { outDir: staticDir, emptyOutDir: true },
  });
  const app = await serveApp({ staticDir, home: join(tmp, 'home') });
  const browser = await launchChromium(join(tmp, 'chromium-profile'), viewport);
  const page = browser.pages()[0] ?? (await browser.newPage());
  await page.goto(app.bridge.launchUrl);
  await page.waitForSelector('.meta:has-text("browser")', { timeout: 20_000 });
  mkdirSync(SHOTS, { recursive: true });
  return {
    tmp,
    app,
    browser,
    page,
    close: async () => {
      await browser.close();
      await app.close();
      rmSync(tmp, { recursive: true, force: true });
    },
  };
}
