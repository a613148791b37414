/**
 * Viewer smoothness on a 30-minute 12-lead 500 Hz record in headless Chromium: draw time per
 * frame (the plot's own performance measures), frame intervals while panning, and the round trip
 * of a decimated window request (main decimates to ~1 min/max pair per pixel), and how long the
 * app's model takes to infer the whole record (in the job worker) before attention is drawn.
 *
 * Usage: npx tsx bench/viewer-frames.ts [--minutes 30] [--leads 12]
 * Needs /usr/bin/chromium (or BEATLENS_CHROMIUM) and builds the renderer into a temp folder.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { build } from 'vite';
import { serveApp } from '../src-main/app/serve';
import { synthesizeRecord } from '../src-main/ecg/synthetic';
import { launchChromium } from '../test/helpers/chromium';

const arg = (name: string, dflt: number): number => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : dflt;
};
const minutes = arg('minutes', 30);
const nLeads = arg('leads', 12);
const fs = 500;
const root = resolve(import.meta.dirname, '..');
const tmp = mkdtempSync(join(tmpdir(), 'beatlens-bench-'));

const pct = (xs: number[], p: number): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))];
};
const fmt = (xs: number[]): string =>
  `median ${pct(xs, 50).toFixed(1)} ms, p95 ${pct(xs, 95).toFixed(1)} ms, max ${Math.max(...xs).toFixed(1)} ms (n=${xs.length})`;

try {
  const staticDir = join(tmp, 'renderer');
  await build({
    configFile: resolve(root, 'vite.config.ts'),
    logLevel: 'error',
    build: { outDir: staticDir },
  });
  const t = performance.now();
  const { record, beats } = synthesizeRecord({
    seed: 11,
    fs,
    nLeads,
    durationSeconds: minutes * 60,
    pvcRate: 0.05,
  });
  console.log(
    `synthesised ${minutes} min × ${nLeads} leads at ${fs} Hz in ${((performance.now() - t) / 1000).toFixed(1)} s`,
  );
  const app = await serveApp({ staticDir, home: join(tmp, 'home'), demo: false });
  app.services.library.add({ ...record, id: 'long' }, beats);
  const browser = await launchChromium(join(tmp, 'profile'), { width: 1600, height: 1000 });
  const page = browser.pages()[0] ?? (await browser.newPage());
  await page.goto(app.bridge.launchUrl);
  await page.waitForSelector('.meta:has-text("browser")', { timeout: 20_000 });
  const opened = performance.now();
  await page.goto(`${app.bridge.url}/#/viewer/long`);
  // The first window starts the app model's inference of the whole record in the job worker;
  // the window is drawn at once and again, with attention, when the inference ends.
  await page.waitForSelector('[data-testid="viewer-plot"][data-has-attention="true"]', {
    timeout: 600_000,
  });
  const inferSeconds = (performance.now() - opened) / 1000;
  await page.click('button:has-text("Whole record")');
  await page.waitForTimeout(1500);
  const box = (await page.locator('[data-testid="viewer-plot"] canvas').boundingBox())!;
  const cx = box.x + box.width / 2;
  const cy = box.y + box.height / 2;
  // Strings, not functions: tsx's name-keeping helper (__name) does not exist inside the page.
  const startPhase = `(() => {
    window.__frames = [];
    let last = performance.now();
    const tick = (now) => { if (!window.__frames) return; window.__frames.push(now - last); last = now; requestAnimationFrame(tick); };
    requestAnimationFrame(tick);
    for (const n of ['beatlens-draw', 'beatlens-window', 'beatlens-render']) performance.clearMeasures(n);
  })()`;
  const endPhase = `(() => {
    const out = {
      frames: window.__frames.slice(1),
      draws: performance.getEntriesByName('beatlens-draw').map((e) => e.duration),
      trips: performance.getEntriesByName('beatlens-window').map((e) => e.duration),
      renders: performance.getEntriesByName('beatlens-render').map((e) => e.duration),
    };
    window.__frames = null;
    return out;
  })()`;
  interface Phase {
    frames: number[];
    draws: number[];
    trips: number[];
    renders: number[];
  }
  /** Runs `input` (real wheel or drag events, 16 ms apart) and collects what the page measured. */
  const phase = async (input: () => Promise<void>): Promise<Phase> => {
    await page.evaluate(startPhase);
    await input();
    // Frames until the last tile or window asked for during the input has arrived and is drawn.
    await page.waitForTimeout(800);
    return (await page.evaluate(endPhase)) as Phase;
  };
  await page.mouse.move(cx, cy);
  // Zoom: the wheel in towards a 10-second view and back out to the whole record.
  const zoom = await phase(async () => {
    for (const dy of [-120, 120]) {
      for (let i = 0; i < 30; i++) {
        await page.mouse.wheel(0, dy);
        await page.waitForTimeout(16);
      }
    }
  });
  // Pan: a one-minute view dragged across several minutes of the record, and back.
  for (let i = 0; i < 12; i++) await page.mouse.wheel(0, -120);
  await page.waitForTimeout(1500);
  const pan = await phase(async () => {
    for (const dir of [-1, 1]) {
      await page.mouse.move(cx, cy);
      await page.mouse.down();
      for (let i = 1; i <= 60; i++) {
        await page.mouse.move(cx + dir * i * 12, cy);
        await page.waitForTimeout(16);
      }
      await page.mouse.up();
    }
  });
  console.log(
    `record: ${minutes} min, ${nLeads} leads, ${fs} Hz (${((record.nSamples * nLeads) / 1e6).toFixed(1)} M samples), Chromium headless, canvas ${Math.round(box.width)} px`,
  );
  for (const [kind, p] of [
    ['zoom', zoom],
    ['pan', pan],
  ] as const) {
    console.log(`${kind}: frame (draw work per frame):   ${fmt(p.draws)}`);
    if (p.renders.length) console.log(`${kind}: full render:                ${fmt(p.renders)}`);
    console.log(`${kind}: frame interval (rAF):       ${fmt(p.frames)}`);
    if (p.trips.length) console.log(`${kind}: data round trip:            ${fmt(p.trips)}`);
  }
  console.log(
    `attention shown after ${inferSeconds.toFixed(1)} s (${app.services.models.get()?.name ?? 'no model'}, whole record in the worker)`,
  );
  await browser.close();
  await app.close();
} finally {
  rmSync(tmp, { recursive: true, force: true });
}
// The wasm backend's thread pool keeps the process alive.
process.exit(0);
