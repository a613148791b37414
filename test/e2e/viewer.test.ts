/**
 * End-to-end, the viewer's measuring tools in headless Chromium against the real handlers: a
 * WFDB record with a base time and date in its header (written here from a synthetic record, with
 * its beat annotations) is imported by upload; the time axis shows the header's time of day;
 * calipers placed by keyboard on two beats read the RR interval in ms and its heart rate, and the
 * arrows move them by known steps; 25 → 50 mm/s doubles the pixels per second; a screen
 * calibration made by keyboard sets the true millimetre and survives a reload (settings table);
 * a record without a base time falls back to elapsed time; the caption names the model of the
 * beat labels and the model of the map, which is the shipped localiser by default and the chosen
 * model after an explicit choice. Saves docs/screenshots/viewer-calipers.png.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { build } from 'vite';
import type { BrowserContext, Page } from 'playwright-core';
import { CHROMIUM, launchChromium } from '../helpers/chromium';
import { serveApp } from '../../src-main/app/serve';
import type { ServedApp } from '../../src-main/app/serve';
import { synthesizeRecord } from '../../src-main/ecg/synthetic';
import { annotationCode, writeWfdbAnnotations } from '../../src-main/ecg/wfdb/annotation-writer';
import type { Beat, EcgRecord } from '../../src-main/ecg/types';
import { openStore } from '../../src-main/store/store';
import { CALIBRATION_KEY } from '../../src-main/app/display-calibration';
import { defaultModelDir } from '../../src-main/infer/models';
import { readModelManifest } from '../../src-main/model/weights';

const ROOT = resolve(import.meta.dirname, '..', '..');
const SHOTS = resolve(ROOT, 'docs', 'screenshots');
const SHIPPED_NAME = readModelManifest(defaultModelDir()).meta.name as string;
const LOCALISER_NAME = readModelManifest(join(dirname(defaultModelDir()), 'localiser')).meta
  .name as string;
const INFER_MS = 180_000;
const FS = 360;
const GAIN = 200;

/** Writes `<dir>/<name>.hea/.dat/.atr` (format 16) with `time date` on the record line. */
function writeWfdb(
  dir: string,
  name: string,
  record: EcgRecord,
  beats: Beat[],
  baseTime: string,
): string[] {
  const n = record.nSamples;
  const nLeads = record.signals.length;
  const adc = new Int16Array(n * nLeads);
  const sums = new Array<number>(nLeads).fill(0);
  for (let t = 0; t < n; t++) {
    for (let l = 0; l < nLeads; l++) {
      const v = Math.round(record.signals[l][t] * GAIN);
      adc[t * nLeads + l] = v;
      sums[l] += v;
    }
  }
  const checksum = (s: number): number => {
    const m = ((s % 65536) + 65536) % 65536;
    return m >= 32768 ? m - 65536 : m;
  };
  const header = [
    `${name} ${nLeads} ${FS} ${n} ${baseTime}`,
    ...record.leadNames.map(
      (lead, l) => `${name}.dat 16 ${GAIN}/mV 16 0 ${adc[l]} ${checksum(sums[l])} 0 ${lead}`,
    ),
  ].join('\n');
  const hea = join(dir, `${name}.hea`);
  writeFileSync(hea, `${header}\n`);
  writeFileSync(join(dir, `${name}.dat`), Buffer.from(adc.buffer));
  const atr = writeWfdbAnnotations(
    hea,
    'atr',
    beats.map((b) => ({ sample: b.sample, code: annotationCode(b.symbol) as number })),
  );
  return [hea, join(dir, `${name}.dat`), atr];
}

describe.skipIf(!existsSync(CHROMIUM))(`viewer in Chromium (${CHROMIUM})`, () => {
  let tmp: string;
  let app: ServedApp;
  let browser: BrowserContext;
  let page: Page;
  const { record, beats } = synthesizeRecord({
    seed: 21,
    fs: FS,
    durationSeconds: 60,
    heartRateBpm: 72,
    pvcRate: 0.05,
  });

  const plotAttr = async (name: string): Promise<number> =>
    Number(await page.getAttribute('[data-testid="viewer-plot"] .plot', name));
  const reading = async (): Promise<string> =>
    (await page.textContent('[data-testid="caliper-reading"] strong')) ?? '';
  const press = async (key: string, times = 1): Promise<void> => {
    for (let i = 0; i < times; i++) await page.keyboard.press(key);
  };

  beforeAll(async () => {
    tmp = mkdtempSync(join(tmpdir(), 'beatlens-e2e-viewer-'));
    const staticDir = join(tmp, 'renderer');
    await build({
      configFile: resolve(ROOT, 'vite.config.ts'),
      logLevel: 'error',
      build: { outDir: staticDir, emptyOutDir: true },
    });
    app = await serveApp({ staticDir, home: join(tmp, 'home'), demo: false });
    browser = await launchChromium(join(tmp, 'chromium-profile'), { width: 1280, height: 800 });
    page = browser.pages()[0] ?? (await browser.newPage());
    mkdirSync(SHOTS, { recursive: true });
  });

  afterAll(async () => {
    await browser?.close();
    await app?.close();
    if (tmp) rmSync(tmp, { recursive: true, force: true });
  });

  it("imports a WFDB record by upload and shows the header's base time on the time axis", async () => {
    await page.goto(app.bridge.launchUrl);
    await page.waitForSelector('.meta:has-text("browser")', { timeout: 20_000 });
    await page.goto(`${app.bridge.url}/#/library`);
    const files = writeWfdb(tmp, 'clock', record, beats, '09:41:30 14/03/2024');
    const chooser = page.waitForEvent('filechooser');
    await page.click('button:has-text("Choose files")');
    await (await chooser).setFiles(files);
    await page.waitForSelector('tr[data-record="clock"]', { timeout: 30_000 });
    // Kept in the store (migration 008), so a restarted app still knows it.
    const stored = openStore(join(tmp, 'home', 'beatlens.sqlite'));
    expect(stored.records.get('clock')?.startTime).toEqual({
      secondsOfDay: 9 * 3600 + 41 * 60 + 30,
      date: '2024-03-14',
    });
    stored.close();
    await page.click('tr[data-record="clock"] button:has-text("View")');
    await page.waitForSelector(
      '[data-testid="viewer-plot"][data-has-attention="true"][data-tiles-complete="true"]',
      { timeout: INFER_MS },
    );
    expect(await page.textContent('[data-testid="viewer-model"]')).toContain(SHIPPED_NAME);
    await page.waitForSelector('[data-testid="time-ticks"] li');
    const ticks = await page.locator('[data-testid="time-ticks"] li').allTextContents();
    expect(ticks[0]).toBe('09:41:30');
    expect(ticks[1]).toBe('09:41:31');
    expect(await page.textContent('[data-testid="window-clock"]')).toBe(
      '09:41:30–09:41:40 on 2024-03-14',
    );
  });

  it('measures the RR interval (ms, bpm) and amplitude (mV) with calipers by keyboard', async () => {
    await page.locator('[data-testid="viewer-plot"] canvas').focus();
    // c: calipers at the middle of the view (5 s); "." puts edge a on the next beat; c switches
    // to edge b, which "." moves to that beat and then to the one after.
    await press('c');
    await press('.');
    await press('c');
    await press('.', 2);
    const mid = (10 * FS) / 2;
    const i = beats.findIndex((b) => b.sample > mid);
    const rrMs = ((beats[i + 1].sample - beats[i].sample) / FS) * 1000;
    expect(await reading()).toBe(
      `${Math.round(rrMs)} ms · ${(60_000 / rrMs).toFixed(1)} bpm · 0.00 mV`,
    );
    // → three times: 30 ms more; ↑ four times: 0.20 mV.
    await press('ArrowRight', 3);
    await press('ArrowUp', 4);
    const ms = rrMs + 30;
    expect(await reading()).toBe(
      `${Math.round(ms)} ms · ${(60_000 / ms).toFixed(1)} bpm · 0.20 mV`,
    );
    // Back again, and the amplitude down through zero.
    await press('ArrowLeft', 3);
    await press('ArrowDown', 6);
    expect(await reading()).toMatch(new RegExp(`^${Math.round(rrMs)} ms · .* · -0\\.10 mV$`));
    await press('ArrowUp', 2);
  });

  it('doubles the pixels per second from 25 to 50 mm/s, in true millimetres', async () => {
    await page.check('text=ECG grid');
    await page.selectOption('[data-testid="paper-speed"]', '25');
    await page.waitForTimeout(300);
    const mm = await plotAttr('data-px-per-mm');
    const at25 = await plotAttr('data-px-per-second');
    expect(at25).toBeCloseTo(25 * mm, 0);
    await page.selectOption('[data-testid="paper-speed"]', '50');
    await page.waitForTimeout(300);
    const at50 = await plotAttr('data-px-per-second');
    expect(at50 / at25).toBeCloseTo(2, 2);
    expect(await page.textContent('[data-testid="window"]')).toMatch(/^0\.0–\d\.\d s/);
    await page.selectOption('[data-testid="paper-speed"]', '25');
    await page.waitForTimeout(300);
    expect(await page.textContent('[data-testid="caliper-reading"]')).toContain(' ms · ');
    await page.screenshot({ path: join(SHOTS, 'viewer-calipers.png') });
  });

  it('keeps a screen calibration made by keyboard across a reload', async () => {
    const before = await plotAttr('data-px-per-mm');
    await page.click('button:has-text("Calibrate screen")');
    const bar = page.locator('[data-testid="calibration-bar"]');
    const startPx = Number(await bar.getAttribute('aria-valuenow'));
    await bar.focus();
    await press('Shift+ArrowRight', 3);
    await press('Enter');
    await page.waitForSelector('[data-testid="calibration"]', { state: 'detached' });
    const dpr = await page.evaluate(() => window.devicePixelRatio);
    const expected = (startPx + 30) / 85.6;
    await page.waitForTimeout(300);
    const after = await plotAttr('data-px-per-mm');
    expect(after).toBeCloseTo(expected, 3);
    expect(after).toBeGreaterThan(before);
    expect(await plotAttr('data-px-per-second')).toBeCloseTo(25 * after, 0);
    expect(await page.textContent('[data-testid="paper"]')).toContain('calibrated');
    // Stored in the settings table: a reload (and a second reader of the store) finds it.
    const store = openStore(join(tmp, 'home', 'beatlens.sqlite'));
    expect(Number(store.settings.get(CALIBRATION_KEY))).toBeCloseTo(expected * dpr, 9);
    store.close();
    await page.reload();
    await page.waitForSelector('[data-testid="viewer-plot"][data-tiles-complete="true"]');
    await page.check('text=ECG grid');
    await page.waitForTimeout(300);
    expect(await plotAttr('data-px-per-mm')).toBeCloseTo(after, 3);
  });

  it('measures by Shift+drag, in true mm: twice the gain, half the mV for the same drag', async () => {
    const box = (await page.locator('[data-testid="viewer-plot"] canvas').boundingBox())!;
    const drag = async (): Promise<{ ms: number; mV: number }> => {
      await page.keyboard.down('Shift');
      await page.mouse.move(box.x + 300, box.y + 80);
      await page.mouse.down();
      await page.mouse.move(box.x + 400, box.y + 40, { steps: 5 });
      await page.mouse.up();
      await page.keyboard.up('Shift');
      const m = /^(\d+) ms · [\d.]+ bpm · (-?[\d.]+) mV$/.exec(await reading());
      expect(m).not.toBeNull();
      return { ms: Number(m![1]), mV: Number(m![2]) };
    };
    const mm = await plotAttr('data-px-per-mm');
    const pxPerSecond = await plotAttr('data-px-per-second');
    await page.selectOption('[data-testid="gain"]', '10');
    await page.waitForTimeout(200);
    const at10 = await drag();
    // 100 px right and 40 px up.
    expect(Math.abs(at10.ms - (100 / pxPerSecond) * 1000)).toBeLessThanOrEqual(1);
    expect(Math.abs(at10.mV - 40 / (10 * mm))).toBeLessThanOrEqual(0.01);
    await page.selectOption('[data-testid="gain"]', '20');
    await page.waitForTimeout(200);
    const at20 = await drag();
    expect(at20.ms).toBe(at10.ms);
    expect(Math.abs(at20.mV - 40 / (20 * mm))).toBeLessThanOrEqual(0.01);
    await page.keyboard.press('Escape');
  });

  it('falls back to elapsed time for a record without a base time', async () => {
    const plain = synthesizeRecord({ seed: 4, fs: FS, durationSeconds: 30 });
    app.services.library.add({ ...plain.record, id: 'plain' }, plain.beats);
    await page.goto(`${app.bridge.url}/#/viewer/plain`);
    await page.waitForSelector('[data-testid="viewer-plot"][data-tiles-complete="true"]');
    await page.waitForSelector('[data-testid="time-ticks"] li');
    const ticks = await page.locator('[data-testid="time-ticks"] li').allTextContents();
    expect(ticks.slice(0, 2)).toEqual(['0 s', '1 s']);
    expect(await page.locator('[data-testid="window-clock"]').count()).toBe(0);
  });
  it(
    "names both models: the map is the localiser's by default, the chosen model's after a choice",
    { timeout: INFER_MS + 60_000 },
    async () => {
      const caption = page.locator('[data-testid="viewer-model"]');
      const text = async (): Promise<string> =>
        ((await caption.textContent()) ?? '').replace(/\s+/g, ' ').trim();
      const ready = (): Promise<unknown> =>
        page.waitForSelector(
          '[data-testid="viewer-model"][data-state="ready"] ~ [role="img"][aria-label*="colour scale"]',
          { timeout: INFER_MS },
        );
      await page.goto(`${app.bridge.url}/#/viewer/clock`);
      await ready();
      expect(await text()).toBe(`Labels: ${SHIPPED_NAME} · Map: ${LOCALISER_NAME}`);
      expect(await caption.getAttribute('data-labels-model')).toBe('default');
      expect(await caption.getAttribute('data-map-model')).toBe('localiser');
      // The localiser's map is its attention (the classifier's would be gradient × input).
      expect(await page.getAttribute('[aria-label*="colour scale"]', 'aria-label')).toMatch(
        /^attention colour scale/,
      );
      expect(await page.textContent('[data-testid="model-note"]')).toContain(
        `${LOCALISER_NAME}: attention on one scale for the record`,
      );
      expect(await page.textContent('[data-testid="beat-source"]')).toContain(
        "model's beat labels",
      );

      // An explicit choice: that model makes labels and map.
      await page.goto(`${app.bridge.url}/#/models`);
      await page.click('tr[data-model="default"] button:has-text("Use")');
      await page.waitForSelector('tr[data-model="default"][data-role="labels and map"]');
      await page.goto(`${app.bridge.url}/#/viewer/clock`);
      await ready();
      expect(await text()).toBe(`Labels: ${SHIPPED_NAME} · Map: ${SHIPPED_NAME}`);
      expect(await caption.getAttribute('data-map-model')).toBe('default');
      expect(await page.getAttribute('[aria-label*="colour scale"]', 'aria-label')).toMatch(
        /^gradient × input colour scale/,
      );

      // Back to the defaults.
      await page.goto(`${app.bridge.url}/#/models`);
      await page.click('[data-testid="models-explicit"] button:has-text("Use the defaults")');
      await page.waitForSelector('tr[data-model="localiser"][data-role="map"]');
      expect(await page.getAttribute('tr[data-model="default"]', 'data-role')).toBe('labels');
    },
  );
});
