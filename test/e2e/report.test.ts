/**
 * End-to-end Holter report in Chromium through the HTTP bridge (as test/e2e/app.test.ts): a
 * record scanned with the shipped model and one beat relabelled by the reviewer; the Report
 * screen opened by keyboard shows the figures of the effective labels (the relabel counts),
 * the hourly histogram and the strips; the reviewer's name typed and the report signed off by
 * keyboard (kept in the store with the signed report); JSON and HTML exported by keyboard and
 * read back. (docs/screenshots/report.png: rhythm-review.test.ts, a record with rhythm episodes.)
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { CHROMIUM } from '../helpers/chromium';
import { startE2eApp, type E2eApp } from '../helpers/e2e-app';
import type { ServedApp } from '../../src-main/app/serve';
import { effectiveLabels } from '../../src-main/store/index';
import { defaultModelDir } from '../../src-main/infer/models';
import { readModelManifest } from '../../src-main/model/weights';
import type { HolterReport } from '../../src-main/holter/report';

const SHIPPED_NAME = readModelManifest(defaultModelDir()).meta.name as string;
const INFER_MS = 180_000;
const RECORD = 'demo-1';
const REVIEWER = 'Dr Ada Reviewer';

describe.skipIf(!existsSync(CHROMIUM))(`Holter report in Chromium (${CHROMIUM})`, () => {
  let e2e: E2eApp;
  let tmp: string;
  let app: ServedApp;
  let page: Page;

  beforeAll(async () => {
    e2e = await startE2eApp('beatlens-report-e2e-', { width: 1280, height: 900 });
    ({ tmp, app, page } = e2e);
  }, 120_000);

  afterAll(async () => {
    await e2e?.close();
  });

  const store = () => app.services.store!;
  const scanId = () => store().beatReviews.scans(RECORD)[0].id;

  /** Presses `key` and saves the download it starts; answers the file's text. */
  const download = async (key: string): Promise<{ name: string; text: string }> => {
    const started = page.waitForEvent('download');
    await page.keyboard.press(key);
    const d = await started;
    const path = join(tmp, d.suggestedFilename());
    await d.saveAs(path);
    return { name: d.suggestedFilename(), text: readFileSync(path, 'utf8') };
  };

  it(
    'scans the record with the shipped model and relabels one beat as a reviewer',
    { timeout: INFER_MS + 30_000 },
    async () => {
      await app.services.impl['scan:start']({ recordId: RECORD });
      await expect
        .poll(() => store().beatReviews.scans(RECORD).length, { timeout: INFER_MS })
        .toBe(1);
      const n = effectiveLabels(store(), scanId()).find((b) => b.label === 'N')!;
      await app.services.impl['review:label']({
        scanId: scanId(),
        samples: [n.sample],
        label: 'V',
      });
      expect(effectiveLabels(store(), scanId()).find((b) => b.sample === n.sample)!.source).toBe(
        'reviewer',
      );
    },
  );

  it(
    'opens the report by keyboard with the figures of the effective labels, signs it off and exports it',
    { timeout: INFER_MS + 60_000 },
    async () => {
      const labels = effectiveLabels(store(), scanId()).filter((b) => b.label !== 'artefact');
      const pvcs = labels.filter((b) => b.label === 'V').length;
      const machinePvcs = labels.filter((b) => b.machineLabel === 'V').length;
      expect(pvcs).toBe(machinePvcs + 1);

      await page.goto(`${app.bridge.url}/#/library`);
      await page.focus('nav button:has-text("Report")');
      await page.keyboard.press('Enter');
      await page.waitForSelector('[data-testid="report"]');
      expect(page.url()).toContain('#/report');
      if ((await page.inputValue('[data-testid="report"] select')) !== RECORD) {
        await page.selectOption('[data-testid="report"] select', RECORD);
      }
      // The strips need the model's map of the record: its inference runs in the worker.
      await page.waitForSelector('[data-testid="report-figures"]', { timeout: INFER_MS });
      expect(await page.textContent('[data-testid="report-pvcs"]')).toBe(String(pvcs));
      expect(await page.textContent('[data-testid="report-model"]')).toContain(SHIPPED_NAME);
      expect(await page.textContent('[data-testid="report-meta"]')).toContain(
        '1 beat set by the reviewer',
      );
      const burden = (100 * pvcs) / labels.length;
      expect(await page.textContent('[data-testid="report-burden"]')).toBe(
        `${burden.toFixed(2)} %`,
      );
      expect(await page.locator('[data-testid="report-hourly"] svg rect').count()).toBeGreaterThan(
        1,
      );
      expect(await page.locator('figure.strip svg').count()).toBeGreaterThan(0);
      expect(await page.textContent('[data-testid="signoff-state"]')).toContain('Not signed off');

      // Sign off by keyboard: n focuses the name, Enter signs.
      await page.keyboard.press('n');
      await expect
        .poll(() => page.evaluate(() => document.activeElement?.getAttribute('name')))
        .toBe('reviewer');
      await page.keyboard.type(REVIEWER);
      await page.keyboard.press('Enter');
      await page.waitForSelector(`[data-testid="signoff-state"]:has-text("${REVIEWER}")`);
      const signed = store().reportSignoffs.list(scanId());
      expect(signed.map((s) => [s.reviewer, s.pvcCount])).toEqual([[REVIEWER, pvcs]]);
      expect(await page.textContent('[data-testid="signoff-state"]')).toContain(signed[0].signedAt);

      // Leave the name field, then export by keyboard.
      await page.focus('nav button:has-text("Report")');
      await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
      const json = await download('j');
      expect(json.name).toBe(`report-${RECORD}.json`);
      const report = JSON.parse(json.text) as HolterReport;
      expect(report.pvcCount).toBe(pvcs);
      expect(report.totalBeats).toBe(labels.length);
      expect(report.burdenPercent).toBeCloseTo(burden, 10);
      expect(report.reviewer).toBe(REVIEWER);
      expect(report.signedOffAt).toBe(signed[0].signedAt);
      expect(report.model.name).toBe(SHIPPED_NAME);
      const html = await download('h');
      expect(html.text).toContain(`data-figure="pvc-count">${pvcs}<`);
      expect(html.text).toContain(REVIEWER);
    },
  );
});
