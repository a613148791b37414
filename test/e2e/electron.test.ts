/**
 * Smoke test of the real Electron app. The Electron binary cannot be downloaded on every machine
 * (where its download fails npm drops the optional package), so this is skipped with the reason
 * where it is missing; test/electron/main-process.test.ts checks the same policy with stand-ins
 * for Electron's objects, and app.test.ts the handlers and UI in Chromium over the HTTP bridge.
 */
import { describe, expect, it } from 'vitest';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { execFileSync } from 'node:child_process';
import { resolve } from 'node:path';
import { _electron } from 'playwright-core';
import { RENDERER_CSP } from '../../src-main/app/csp';

const require = createRequire(import.meta.url);
function electronBinary(): string | null {
  try {
    const p = require('electron') as unknown;
    return typeof p === 'string' && existsSync(p) ? p : null;
  } catch {
    return null;
  }
}
const binary = electronBinary();
const ROOT = resolve(import.meta.dirname, '..', '..');

describe('Electron app', () => {
  it.skipIf(!binary)(
    binary
      ? 'opens a locked-down window on the demo study (scheme, CSP, bridge, navigation)'
      : 'skipped: the Electron binary is not installed (its download failed or was skipped)',
    async () => {
      execFileSync(process.execPath, ['scripts/build.mjs'], { cwd: ROOT, stdio: 'ignore' });
      const app = await _electron.launch({ executablePath: binary!, args: [ROOT], cwd: ROOT });
      try {
        const win = await app.firstWindow();
        await win.waitForSelector('text=beatlens');
        // Served by protocol.handle on the app's own scheme, with the CSP as a real header.
        expect(win.url()).toMatch(/^beatlens:\/\/app\//);
        const csp = await win.evaluate(
          `fetch(location.href).then((r) => r.headers.get('content-security-policy'))`,
        );
        expect(csp).toBe(RENDERER_CSP);
        // One method per channel, no generic invoke, no Node in the page.
        const probe = await win.evaluate(`({
          method: typeof window.beatlens?.listRecords,
          invoke: typeof window.beatlens?.invoke,
          require: typeof require,
          process: typeof process,
        })`);
        expect(probe).toEqual({
          method: 'function',
          invoke: 'undefined',
          require: 'undefined',
          process: 'undefined',
        });
        expect(await win.evaluate(`window.beatlens.appInfo({})`)).toMatchObject({
          ok: true,
          value: { shell: 'electron' },
        });
        // Error codes reach the renderer; a path is not an argument any channel takes.
        expect(
          await win.evaluate(`window.beatlens.importRecord({ fileId: 'made-up' })`),
        ).toMatchObject({ ok: false, code: 'file-unknown' });
        expect(
          await win.evaluate(`window.beatlens.importRecord({ path: '/etc/passwd' })`),
        ).toMatchObject({ ok: false, code: 'ipc-bad-argument' });
        // No new windows, no navigation away from the app.
        expect(await win.evaluate(`window.open('https://example.org/') === null`)).toBe(true);
        await win.evaluate(`location.href = 'https://example.org/'`);
        await win.waitForTimeout(500);
        expect(win.url()).toMatch(/^beatlens:\/\/app\//);
        expect(app.windows()).toHaveLength(1);
      } finally {
        await app.close();
      }
    },
    120_000,
  );
});
