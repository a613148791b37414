/**
 * End-to-end: the built renderer in headless Chromium, talking to the real handlers through the
 * loopback HTTP bridge. Opens the session through the launch address (one-time secret → cookie),
 * imports a record by upload (and sees the hostile header refused), shows attention shading, creates a blinded grade study,
 * grades three items with the keyboard, reloads and finds the grades still there (and in the
 * SQLite store, for a restarted app). Saves a screenshot of each screen to docs/screenshots/.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { build } from 'vite';
import type { BrowserContext, Page } from 'playwright-core';
import { BLINDED_ITEM_KEYS } from '../helpers/blinding';
import { CHROMIUM, launchChromium } from '../helpers/chromium';
import { dataset } from '../helpers/data';
import { serveApp } from '../../src-main/app/serve';
import type { ServedApp } from '../../src-main/app/serve';
import { createAppServices } from '../../src-main/app/services';
import { createEventBus } from '../../src-main/ipc/events';
import { synthesizeRecord } from '../../src-main/ecg/synthetic';
import { RENDERER_CSP } from '../../src-main/app/csp';
import { SECRET_TEXT, writeHostileRecord } from '../helpers/hostile-record';

const ROOT = resolve(import.meta.dirname, '..', '..');
const SHOTS = resolve(ROOT, 'docs', 'screenshots');
const sample = dataset('wfdb-sample-data', '100.hea');

describe.skipIf(!existsSync(CHROMIUM))(`app in Chromium (${CHROMIUM})`, () => {
  let tmp: string;
  let app: ServedApp;
  let browser: BrowserContext;
  let page: Page;
  const itemPayloads: string[] = [];

  beforeAll(async () => {
    tmp = mkdtempSync(join(tmpdir(), 'beatlens-e2e-'));
    const staticDir = join(tmp, 'renderer');
    await build({
      configFile: resolve(ROOT, 'vite.config.ts'),
      logLevel: 'error',
      build: { outDir: staticDir, emptyOutDir: true },
    });
    app = await serveApp({ staticDir, home: join(tmp, 'home') });
    // A fresh profile per run.
    browser = await launchChromium(join(tmp, 'chromium-profile'), { width: 1280, height: 800 });
    page = browser.pages()[0] ?? (await browser.newPage());
    page.on('response', async (r) => {
      if (r.url().endsWith('/api/invoke/studies:item')) itemPayloads.push(await r.text());
    });
    mkdirSync(SHOTS, { recursive: true });
  });

  afterAll(async () => {
    await browser?.close();
    await app?.close();
    if (tmp) rmSync(tmp, { recursive: true, force: true });
  });

  it('opens a session only through the launch address, then imports a record by upload', async () => {
    const first = await page.goto(app.bridge.launchUrl);
    expect(first?.headers()['content-security-policy']).toBe(RENDERER_CSP);
    await page.waitForSelector('.meta:has-text("browser")', { timeout: 20_000 });
    // The secret is out of the address bar, and the session cookie is out of the page's reach.
    expect(page.url()).not.toContain('secret');
    expect(await page.evaluate(() => document.cookie)).toBe('');
    await page.goto(`${app.bridge.url}/#/library`);
    let files: string[];
    let expectId: string;
    if (sample.present) {
      files = ['100.hea', '100.dat', '100.atr'].map((f) => join(sample.dir, f));
      expectId = '100';
    } else {
      // No real data here: a synthetic CSV goes through the same import path.
      const { record } = synthesizeRecord({ seed: 5, durationSeconds: 60, pvcRate: 0.1 });
      const rows = ['MLII,V1'];
      for (let i = 0; i < record.nSamples; i++) {
        rows.push(`${record.signals[0][i].toFixed(4)},${record.signals[1][i].toFixed(4)}`);
      }
      files = [join(tmp, 'synthetic.csv')];
      writeFileSync(files[0], rows.join('\n'));
      expectId = 'synthetic';
      await page.fill('input[name="fs"]', '360');
    }
    const chooser = page.waitForEvent('filechooser');
    await page.click('button:has-text("Choose files")');
    await (await chooser).setFiles(files);
    await page.waitForSelector(`tr[data-record="${expectId}"]`, { timeout: 30_000 });
    const row = await page.textContent(`tr[data-record="${expectId}"]`);
    expect(row).toContain('360 Hz');
    if (sample.present) expect(row).toMatch(/\d+ \/ \d+ \/ \d+ \/ \d+ \/ \d+/);
    await page.screenshot({ path: join(SHOTS, 'library.png') });
    // The import is in the SQLite store: a restarted app (new services, same home) lists it.
    const restarted = await createAppServices({
      shell: 'browser',
      events: createEventBus(),
      home: join(tmp, 'home'),
    });
    expect(restarted.library.list().map((r) => r.id)).toContain(expectId);
    expect(restarted.library.get(expectId).record.nSamples).toBeGreaterThan(0);
    restarted.close();

    // The hostile header of the file-read hole: refused in one line, with its code.
    const { headerPath } = writeHostileRecord(join(tmp, 'hostile'));
    await page.fill('input[name="fs"]', '');
    const hostile = page.waitForEvent('filechooser');
    await page.click('button:has-text("Choose files")');
    await (await hostile).setFiles([headerPath]);
    const alert = page.locator('[role="alert"][data-code="wfdb-unsafe-file-name"]');
    await alert.waitFor({ timeout: 20_000 });
    const text = (await alert.textContent()) ?? '';
    expect(text).toMatch(/evil\.hea: line 2: signal file name '\.\.\/secret\.bin' is refused/);
    expect(text).not.toContain('\n');
    expect(text).not.toContain(SECRET_TEXT);
    expect(await page.locator('tr[data-record="evil"]').count()).toBe(0);

    await page.click(`tr[data-record="${expectId}"] button:has-text("View")`);
    await page.waitForSelector('[data-testid="viewer-plot"][data-has-attention="true"]', {
      timeout: 30_000,
    });
  });

  it('shows the viewer with attention shading and a prediction', async () => {
    const prediction = await page.textContent('[data-testid="prediction"]');
    expect(prediction).toMatch(/Model: \w+ \(p = 0\.\d\d|1\.00\)/);
    // Attention shading is drawn in cividis: some canvas pixels must carry its blue/yellow hues.
    const shaded = await page.evaluate(() => {
      const c = document.querySelector('[data-testid="viewer-plot"] canvas') as HTMLCanvasElement;
      const d = c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data;
      let coloured = 0;
      for (let i = 0; i < d.length; i += 4) {
        if (Math.max(d[i], d[i + 1], d[i + 2]) - Math.min(d[i], d[i + 1], d[i + 2]) > 30)
          coloured++;
      }
      return coloured / (d.length / 4);
    });
    expect(shaded).toBeGreaterThan(0.01);
    await page.screenshot({ path: join(SHOTS, 'viewer.png') });
    await page.check('text=ECG grid');
    await page.waitForTimeout(300);
    await page.screenshot({ path: join(SHOTS, 'viewer-grid.png') });
  });

  it('grades three items with the keyboard; grades survive a reload; items are blinded', async () => {
    await page.goto(`${app.bridge.url}/#/study`);
    await page.click('button:has-text("Create study")');
    await page.waitForSelector('tr[data-study]', { timeout: 30_000 });
    await page.screenshot({ path: join(SHOTS, 'study-list.png') });
    await page.click('tr[data-study] button:has-text("Start / resume")');
    for (const key of ['1', '2', '3']) {
      const before = await page.textContent('[data-testid="study-item"]');
      await page.keyboard.press(key);
      await page.waitForFunction(
        (b) => document.querySelector('[data-testid="study-item"]')?.textContent !== b,
        before,
      );
    }
    await expect
      .poll(() => page.textContent('[data-testid="study-progress"]'))
      .toContain('3 of 12');
    await page.screenshot({ path: join(SHOTS, 'study-grading.png') });

    await page.reload();
    await page.waitForSelector('[data-testid="study-item"]');
    expect(await page.textContent('[data-testid="study-progress"]')).toContain('3 of 12');
    expect(await page.textContent('[data-testid="study-item"]')).toContain('Item 4 of 12');
    const url = page.url().replace(/\/\d+$/, '/0');
    await page.goto(url);
    await expect.poll(() => page.textContent('[data-testid="current-grade"]')).toBe('Class I');

    // Blinding: every item payload the renderer received carries only the allowed fields.
    expect(itemPayloads.length).toBeGreaterThanOrEqual(4);
    for (const text of itemPayloads) {
      const env = JSON.parse(text) as { ok: boolean; value: Record<string, unknown> };
      expect(env.ok).toBe(true);
      expect(Object.keys(env.value).sort()).toEqual(BLINDED_ITEM_KEYS);
      expect(text).not.toMatch(/label|predict|probab|PVC|APB|recordId|offset|rater-b/i);
    }
    // Grades are committed to the store: a restarted app (new services, same home) sees them.
    const reopened = await createAppServices({
      shell: 'browser',
      events: createEventBus(),
      home: join(tmp, 'home'),
    });
    expect(reopened.studies!.list()[0].graded['rater-a']).toBe(3);
    reopened.close();
  });

  it(
    'trains a model in a worker with live curves and a per-fold table',
    { timeout: 120_000 },
    async () => {
      await page.goto(`${app.bridge.url}/#/train`);
      await page.fill('input[name="epochs"]', '3');
      await page.click('form button[type="submit"]');
      // Cancel after the first epoch, then resume from the run's checkpoint.
      await page.waitForSelector('[data-testid="job-state"]:has-text("epoch 1/3")', {
        timeout: 90_000,
      });
      await page.click('button:has-text("Cancel")');
      await page.waitForSelector(
        '[data-testid="job-state"] strong:text-matches("cancelled|done|failed")',
        {
          timeout: 90_000,
        },
      );
      expect(await page.textContent('[data-testid="job-state"]')).toContain(': cancelled');
      await page.click('button:has-text("Resume")');
      // Wait for the job to end either way, so a failure shows its message instead of a timeout.
      await page.waitForSelector('[data-testid="job-state"]:has-text("-r")', { timeout: 10_000 });
      await page.waitForSelector(
        '[data-testid="job-state"] strong:text-matches("done|failed|cancelled")',
        {
          timeout: 90_000,
        },
      );
      const resumed = await page.textContent('[data-testid="job-state"]');
      expect(resumed).toContain(': done');
      expect(resumed).toMatch(/[1-3] epoch\(s\) restored from checkpoints/);
      const table = await page.textContent('[data-testid="fold-table"]');
      expect(table).toMatch(/mean ± std/);
      expect(await page.locator('svg[aria-label="Loss per epoch"] path').count()).toBeGreaterThan(
        0,
      );
      expect(await page.locator('svg[aria-label^="ROC"] path').count()).toBeGreaterThan(0);
      await page.screenshot({ path: join(SHOTS, 'train.png'), fullPage: true });
    },
  );

  it(
    'scans a record for flagged beats and records a review decision',
    { timeout: 120_000 },
    async () => {
      await page.goto(`${app.bridge.url}/#/flagged/demo-1`);
      await page.click('button:has-text("Scan whole record")');
      await page.waitForSelector(
        '[data-testid="scan-state"]:text-matches("Scan (done|failed|cancelled)")',
        {
          timeout: 90_000,
        },
      );
      expect(await page.textContent('[data-testid="scan-state"]')).toContain('Scan done');
      await page.waitForSelector('[data-testid="flag-table"] button:has-text("Accept")');
      await page.keyboard.press('a');
      await expect.poll(() => page.textContent('[data-testid="flag-table"]')).toContain('accepted');
      await page.screenshot({ path: join(SHOTS, 'flagged.png') });
      const flags = app.services.impl['flags:list']({ recordId: 'demo-1' }) as unknown as Array<{
        decision: string;
      }>;
      expect(flags.filter((f) => f.decision === 'accepted')).toHaveLength(1);
    },
  );
});
