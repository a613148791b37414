/**
 * Rhythm review end to end in Chromium through the HTTP bridge: an excerpt of MIT-BIH 201 (AF,
 * nodal and sinus rhythm, AF again, trigeminy) is scanned with the shipped model; the review screen lists
 * the machine's rhythm episodes beside the beats; by keyboard only one episode is confirmed and
 * another deleted, the delete undone and redone, and a reload keeps every state (in the page and
 * in the store); the WFDB export carries the episodes in force as `+` rhythm annotations, read
 * back by the project's WFDB reader. Saves docs/screenshots/review.png and report.png (the
 * Holter report's rhythm: AF burden, episode table, AF strip).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { CHROMIUM } from '../helpers/chromium';
import { DATA_ROOT } from '../helpers/data';
import { SHOTS, startE2eApp, type E2eApp } from '../helpers/e2e-app';
import type { ServedApp } from '../../src-main/app/serve';
import { parseMitAnnotations, readBeats } from '../../src-main/ecg/wfdb/annotations';
import { readWfdbRecord } from '../../src-main/ecg/wfdb/record';
import { effectiveEpisodes } from '../../src-main/store/index';
import { defaultModelDir } from '../../src-main/infer/models';
import { readModelManifest } from '../../src-main/model/weights';

const SHIPPED_NAME = readModelManifest(defaultModelDir()).meta.name as string;
const INFER_MS = 240_000;
const MITDB_201 = join(DATA_ROOT, 'mitdb', '201.hea');
const RECORD = '201-excerpt';
/** 201 from 5:00 to 11:40 (its .atr): AF to 6:18, nodal, sinus, AF 7:57–8:34, nodal, sinus, trigeminy. */
const FROM_S = 300;
const TO_S = 700;

describe.skipIf(!existsSync(CHROMIUM) || !existsSync(MITDB_201))(
  `rhythm review in Chromium (${CHROMIUM})`,
  () => {
    let e2e: E2eApp;
    let tmp: string;
    let app: ServedApp;
    let page: Page;

    beforeAll(async () => {
      e2e = await startE2eApp('beatlens-rhythm-e2e-', { width: 1440, height: 900 });
      ({ tmp, app, page } = e2e);
      const full = readWfdbRecord(MITDB_201);
      const [a, b] = [FROM_S * full.fs, TO_S * full.fs];
      const record = {
        ...full,
        id: RECORD,
        patientId: '201',
        nSamples: b - a,
        signals: full.signals.map((s) => s.slice(a, b)),
        startTime: null,
      };
      const beats = readBeats(MITDB_201)
        .filter((x) => x.sample >= a && x.sample < b)
        .map((x) => ({ ...x, sample: x.sample - a }));
      // As an import does: into the store (scans refer to it) and the app's library.
      app.services.store!.records.import({ record, format: 'wfdb', checksum: RECORD, beats });
      app.services.library.add(record, beats);
    }, 120_000);

    afterAll(async () => {
      await e2e?.close();
    });

    const store = () => app.services.store!;
    const scanId = () => store().beatReviews.scans(RECORD)[0].id;
    const states = () =>
      store()
        .rhythmReviews.episodes(scanId())
        .map((e) => e.state);
    const rowStates = () =>
      page
        .locator('[data-testid="episode-table"] tbody tr[data-state]')
        .evaluateAll((els) => els.map((e) => e.getAttribute('data-state')));

    it(
      'scans the excerpt and lists its rhythm episodes beside the beats',
      { timeout: INFER_MS + 30_000 },
      async () => {
        await page.goto(`${app.bridge.url}/#/review/${RECORD}`);
        await page.waitForSelector(`[data-testid="scan-model"]:has-text("${SHIPPED_NAME}")`);
        await page.click('button:has-text("Scan whole record")');
        await page.waitForSelector(
          '[data-testid="scan-state"]:text-matches("Scan (done|failed|cancelled)")',
          { timeout: INFER_MS },
        );
        expect(await page.textContent('[data-testid="scan-state"]')).toContain('Scan done');
        await page.waitForSelector('[data-testid="episode-table"] tbody tr[data-state]');
        const machine = store().rhythmReviews.episodes(scanId());
        expect(machine.map((e) => e.machine.rhythm)).toContain('AF');
        expect(machine.length).toBeGreaterThanOrEqual(2);
        expect(await rowStates()).toEqual(machine.map(() => 'machine'));
      },
    );

    it(
      'confirms one episode and deletes another by keyboard, undoes, redoes; a reload keeps it',
      { timeout: 60_000 },
      async () => {
        const n = states().length;
        const af = store()
          .rhythmReviews.episodes(scanId())
          .findIndex((e) => e.machine.rhythm === 'AF');
        // The other one: the episode after the AF one (or before it when AF is last).
        const other = af + 1 < n ? af + 1 : af - 1;
        await page.keyboard.press('e');
        await page.waitForSelector('[data-testid="episode-table"] tr.current');
        for (let i = 0; i < af; i++) await page.keyboard.press('ArrowDown');
        await page.keyboard.press('Enter');
        await expect.poll(() => states()[af]).toBe('confirmed');
        await page.keyboard.press(other > af ? 'ArrowDown' : 'ArrowUp');
        await page.keyboard.press('d');
        await expect.poll(() => states()[other]).toBe('deleted');
        await expect
          .poll(() =>
            page.getAttribute(
              `[data-testid="episode-table"] tr[data-episode="${other}"]`,
              'data-state',
            ),
          )
          .toBe('deleted');
        // Undo the delete, then redo it.
        await page.keyboard.press('Control+z');
        await expect.poll(() => states()[other]).toBe('machine');
        await expect.poll(() => states()[af]).toBe('confirmed');
        await page.keyboard.press('Control+Shift+z');
        await expect.poll(() => states()[other]).toBe('deleted');
        // The beat labels were not touched by the rhythm keys.
        expect(store().beatReviews.history(scanId()).nDecisions).toBe(0);
        // Reload: the states and the history are kept.
        await page.reload();
        await page.waitForSelector('[data-testid="episode-table"] tbody tr[data-state]');
        const expected = states();
        expect(expected[af]).toBe('confirmed');
        expect(expected[other]).toBe('deleted');
        expect(await rowStates()).toEqual(expected);
        expect(await page.textContent('[data-testid="episode-history"]')).toContain(
          '4 rhythm decision(s)',
        );
        await page.keyboard.press('e');
        for (let i = 0; i < af; i++) await page.keyboard.press('ArrowDown');
        await page.waitForSelector(
          `[data-testid="episode-table"] tr.current[data-episode="${af}"]`,
        );
        await page.screenshot({ path: join(SHOTS, 'review.png') });
        await page.keyboard.press('?');
        expect(await page.textContent('[data-testid="rhythm-help"]')).toContain('move the end');
        await page.keyboard.press('Escape');
        await page.keyboard.press('Escape');
      },
    );

    it(
      'exports the episodes in force as WFDB rhythm annotations',
      { timeout: 30_000 },
      async () => {
        const wfdb = page.waitForEvent('download');
        await page.click('button:has-text("Export WFDB")');
        const path = join(tmp, 'export.rev');
        await (await wfdb).saveAs(path);
        const rhythm = parseMitAnnotations(readFileSync(path), path).filter(
          (a) => a.symbol === '+',
        );
        const inForce = effectiveEpisodes(store().rhythmReviews.episodes(scanId())).filter(
          (e) => e.rhythm !== 'pause',
        );
        const af = inForce.find((e) => e.rhythm === 'AF')!;
        expect(rhythm.find((a) => a.sample === af.startSample - 1)?.aux).toBe('(AFIB');
        expect(rhythm.some((a) => a.sample === af.endSample + 1)).toBe(true);
        const deleted = store()
          .rhythmReviews.episodes(scanId())
          .find((e) => e.state === 'deleted')!;
        expect(rhythm.some((a) => a.sample === deleted.machine.startSample - 1)).toBe(false);
      },
    );

    it(
      'shows the rhythm in the Holter report (AF burden, episodes, AF strip)',
      { timeout: INFER_MS + 30_000 },
      async () => {
        await page.goto(`${app.bridge.url}/#/report/${RECORD}`);
        await page.waitForSelector('[data-testid="report-figures"]', { timeout: INFER_MS });
        await page.waitForSelector('[data-testid="report-episodes"] td:has-text("AF")');
        expect(await page.textContent('[data-testid="report-figures"]')).toContain('AF');
        await page.screenshot({ path: join(SHOTS, 'report.png'), fullPage: true });
      },
    );
  },
);
