/**
 * End-to-end beat review in Chromium through the HTTP bridge (as test/e2e/app.test.ts): scan a
 * record with the shipped model, then by keyboard only: next flagged beat, relabel it, select a
 * range and relabel it, undo, redo, reload and find every label kept (in the page and in the
 * store); open the template view, relabel a whole cluster with one key and undo it; export the
 * labels as a WFDB annotation file (read back by the WFDB reader) and as CSV. Saves
 * docs/screenshots/templates.png (review.png: rhythm-review.test.ts, a record with rhythm episodes).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { CHROMIUM } from '../helpers/chromium';
import { SHOTS, startE2eApp, type E2eApp } from '../helpers/e2e-app';
import type { ServedApp } from '../../src-main/app/serve';
import { parseMitAnnotations } from '../../src-main/ecg/wfdb/annotations';
import { effectiveLabels } from '../../src-main/store/index';
import { defaultModelDir } from '../../src-main/infer/models';
import { readModelManifest } from '../../src-main/model/weights';

const SHIPPED_NAME = readModelManifest(defaultModelDir()).meta.name as string;
const INFER_MS = 180_000;
const RECORD = 'demo-1';

describe.skipIf(!existsSync(CHROMIUM))(`beat review in Chromium (${CHROMIUM})`, () => {
  let e2e: E2eApp;
  let tmp: string;
  let app: ServedApp;
  let page: Page;

  beforeAll(async () => {
    e2e = await startE2eApp('beatlens-review-e2e-', { width: 1280, height: 860 });
    ({ tmp, app, page } = e2e);
  }, 120_000);

  afterAll(async () => {
    await e2e?.close();
  });

  const store = () => app.services.store!;
  const scanId = () => store().beatReviews.scans(RECORD)[0].id;
  const labelAt = (sample: number) =>
    effectiveLabels(store(), scanId()).find((b) => b.sample === sample)!.label;
  const current = async () => {
    const el = page.locator('[data-testid="current-beat"]');
    return {
      sample: Number(await el.getAttribute('data-sample')),
      label: (await el.getAttribute('data-label'))!,
    };
  };
  /** Presses a key and waits until the current beat (or its label) changes. */
  const press = async (key: string) => {
    const before = JSON.stringify(await current());
    await page.keyboard.press(key);
    await expect.poll(async () => JSON.stringify(await current())).not.toBe(before);
  };

  it('scans the record with the shipped model', { timeout: INFER_MS + 30_000 }, async () => {
    await page.goto(`${app.bridge.url}/#/review/${RECORD}`);
    await page.waitForSelector(`[data-testid="scan-model"]:has-text("${SHIPPED_NAME}")`);
    await page.click('button:has-text("Scan whole record")');
    await page.waitForSelector(
      '[data-testid="scan-state"]:text-matches("Scan (done|failed|cancelled)")',
      {
        timeout: INFER_MS,
      },
    );
    expect(await page.textContent('[data-testid="scan-state"]')).toContain('Scan done');
    await page.waitForSelector('[data-testid="current-beat"]');
    expect(await page.textContent('[data-testid="review-model"]')).toContain(SHIPPED_NAME);
    // Every beat of the record is in the scan, with the record's reference symbols.
    const beats = store().beatReviews.beats(scanId());
    expect(beats.length).toBe(app.services.library.get(RECORD).beats!.length);
    expect(
      await page.locator('[data-testid="review-table"] th:has-text("Reference")').count(),
    ).toBe(1);
  });

  it(
    'relabels by keyboard (beat, range), undoes, redoes; a reload keeps it all',
    { timeout: 120_000 },
    async () => {
      const beats = store().beatReviews.beats(scanId());
      const flagged = beats.filter((b) => b.machineLabel !== 'N');
      // j: the next flagged beat (the screen opens on the first one).
      const start = await current();
      if (flagged.length > 1) {
        await press('j');
        const next = await current();
        expect(next.sample).toBe(flagged.find((b) => b.beatSample > start.sample)!.beatSample);
      }
      const one = await current();
      const oneLabel = one.label === 'N' ? 'v' : 'n';
      await press(oneLabel);
      expect((await current()).label).toBe(oneLabel.toUpperCase());
      expect(labelAt(one.sample)).toBe(oneLabel.toUpperCase());
      // A range: the next three beats in time order.
      await press('ArrowRight');
      const first = (await current()).sample;
      await page.keyboard.press('Shift+ArrowRight');
      await page.keyboard.press('Shift+ArrowRight');
      await expect
        .poll(() => page.getAttribute('[data-testid="current-beat"]', 'data-selected'))
        .toBe('3');
      const range = beats
        .map((b) => b.beatSample)
        .filter((s) => s >= first)
        .slice(0, 3);
      await page.keyboard.press('x');
      await expect.poll(() => range.map(labelAt).join()).toBe('artefact,artefact,artefact');
      await expect
        .poll(() => page.locator('[data-testid="review-table"] tr[data-label="artefact"]').count())
        .toBe(3);
      // Undo the range, undo the single beat, redo both, undo the range again, redo with ctrl+y.
      const machine = (s: number) => beats.find((b) => b.beatSample === s)!.machineLabel;
      await page.keyboard.press('Control+z');
      await expect.poll(() => range.map(labelAt).join()).toBe(range.map(machine).join());
      await page.keyboard.press('Control+z');
      await expect.poll(() => labelAt(one.sample)).toBe(machine(one.sample));
      await page.keyboard.press('Control+Shift+z');
      await expect.poll(() => labelAt(one.sample)).toBe(oneLabel.toUpperCase());
      await page.keyboard.press('Control+Shift+z');
      await expect.poll(() => range.map(labelAt).join()).toBe('artefact,artefact,artefact');
      await page.keyboard.press('Control+z');
      await expect.poll(() => range.map(labelAt).join()).toBe(range.map(machine).join());
      // Reload: the labels and the redo stack are kept; ctrl+y redoes after the reload.
      await page.reload();
      await page.waitForSelector('[data-testid="review-history"][data-can-redo="true"]');
      await page.keyboard.press('Control+y');
      await expect.poll(() => range.map(labelAt).join()).toBe('artefact,artefact,artefact');
      await page.waitForSelector('[data-testid="review-history"][data-can-redo="false"]');
      // g + a time jumps there; the page shows the label kept for that beat.
      await page.keyboard.press('g');
      await page.fill(
        'input[name="goto"]',
        (range[0] / app.services.library.get(RECORD).record.fs).toFixed(2),
      );
      await page.keyboard.press('Enter');
      await expect.poll(async () => (await current()).sample).toBe(range[0]);
      expect((await current()).label).toBe('artefact');
      // The machine's labels are kept beside the reviewer's.
      expect(
        store()
          .beatReviews.beats(scanId())
          .map((b) => b.machineLabel),
      ).toEqual(beats.map((b) => b.machineLabel));
      // The key help.
      await page.keyboard.press('?');
      expect(await page.textContent('[data-testid="help"]')).toContain('ctrl + shift + z');
      await page.keyboard.press('Escape');
      expect(await page.locator('[data-testid="help"]').count()).toBe(0);
    },
  );

  it(
    'relabels a whole morphology cluster with one key in the template view, and undoes it',
    { timeout: 60_000 },
    async () => {
      await page.keyboard.press('t');
      await page.selectOption('[data-testid="templates"] select', 'N');
      const clusters = page.locator('[data-testid="template-cluster"]');
      await clusters.first().waitFor();
      const sizes = await clusters.evaluateAll((els) =>
        els.map((e) => Number(e.getAttribute('data-size'))),
      );
      expect(sizes).toEqual([...sizes].sort((a, b) => b - a));
      const nN = effectiveLabels(store(), scanId()).filter((b) => b.label === 'N').length;
      expect(sizes.reduce((a, b) => a + b, 0)).toBe(nN);
      await page.screenshot({ path: join(SHOTS, 'templates.png'), fullPage: true });
      // The last (smallest) cluster → Q, as one decision.
      for (let i = 1; i < sizes.length; i++) await page.keyboard.press('ArrowDown');
      const nDecisions = store().beatReviews.decisions(scanId()).length;
      await page.keyboard.press('q');
      await expect
        .poll(
          () =>
            effectiveLabels(store(), scanId()).filter(
              (b) => b.label === 'Q' && b.source === 'reviewer',
            ).length,
        )
        .toBe(sizes.at(-1));
      expect(store().beatReviews.decisions(scanId()).length).toBe(nDecisions + 1);
      await page.keyboard.press('Control+z');
      await expect
        .poll(
          () =>
            effectiveLabels(store(), scanId()).filter(
              (b) => b.source === 'reviewer' && b.label === 'Q',
            ).length,
        )
        .toBe(0);
      await page.keyboard.press('t');
    },
  );

  it('exports the labels as a WFDB annotation file and as CSV', { timeout: 30_000 }, async () => {
    const expected = effectiveLabels(store(), scanId());
    const wfdb = page.waitForEvent('download');
    await page.click('button:has-text("Export WFDB")');
    const file = await wfdb;
    expect(file.suggestedFilename()).toBe(`${RECORD}.rev`);
    const path = join(tmp, 'export.rev');
    await file.saveAs(path);
    // Beats only: the rhythm annotations ('+', '"') are tested in rhythm-review.test.ts.
    const anns = parseMitAnnotations(readFileSync(path), path).filter(
      (a) => a.symbol !== '+' && a.symbol !== '"',
    );
    const symbol = (l: string) => (l === 'artefact' ? '|' : l);
    expect(anns.map((a) => [a.sample, a.symbol])).toEqual(
      expected.map((b) => [b.sample, symbol(b.label)]),
    );
    const csv = page.waitForEvent('download');
    await page.click('button:has-text("Export CSV")');
    const csvPath = join(tmp, 'export.csv');
    await (await csv).saveAs(csvPath);
    const lines = readFileSync(csvPath, 'utf8').trim().split('\n');
    expect(lines).toHaveLength(expected.length + 1);
    expect(lines.filter((l) => l.split(',')[2] === 'artefact')).toHaveLength(3);
  });
});
