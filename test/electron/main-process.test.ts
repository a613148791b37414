/**
 * The Electron main-process policy, with stand-ins for Electron's objects (the Electron binary
 * cannot be downloaded everywhere; test/e2e/electron.test.ts runs the real app where it can):
 * the one IPC wrapper answers only the app's own top-level page, the renderer is served on the
 * app's scheme with the CSP as a header, navigation/new windows/webviews are denied, and the
 * sandboxed preload bundles no zod.
 */
import { describe, expect, it, vi } from 'vitest';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { build } from 'esbuild';
import type { Event, IpcMainInvokeEvent, WebContents, WebFrameMain } from 'electron';
import { registerIpcHandlers, untrustedSender } from '../../src-main/electron/ipc';
import { APP_URL, appProtocolHandler, isAppUrl } from '../../src-main/electron/app-protocol';
import { lockDownContents } from '../../src-main/electron/window-policy';
import { createHandlers } from '../../src-main/ipc/handlers';
import type { ChannelImpl } from '../../src-main/ipc/handlers';
import { CHANNELS, ipcChannel } from '../../src-main/ipc/contract';
import { RENDERER_CSP } from '../../src-main/app/csp';
import { tempDir } from '../store/fixtures';

const ROOT = resolve(import.meta.dirname, '..', '..');

const frame = (url: string, parent: WebFrameMain | null = null): WebFrameMain => ({ url, parent });
const event = (senderFrame: WebFrameMain | null): IpcMainInvokeEvent =>
  ({ senderFrame, sender: {} as WebContents }) as IpcMainInvokeEvent;

describe('the IPC wrapper', () => {
  const reached: string[] = [];
  const impl = Object.fromEntries(
    CHANNELS.map((c) => [c, () => (reached.push(c), 'done')]),
  ) as unknown as ChannelImpl;
  const registered = new Map<string, (e: IpcMainInvokeEvent, raw: unknown) => unknown>();
  registerIpcHandlers({ handle: (ch, fn) => registered.set(ch, fn) }, createHandlers(impl));

  it('registers every channel, and only those', () => {
    expect([...registered.keys()].sort()).toEqual(CHANNELS.map(ipcChannel).sort());
  });

  it.each([
    ['a destroyed frame', null, /the sending frame is gone/],
    ['another site', frame('https://evil.example/'), /came from https:\/\/evil\.example\//],
    ['a file:// page', frame('file:///tmp/x.html'), /came from file:/],
    [
      'another host of the scheme',
      frame('beatlens://other/index.html'),
      /came from beatlens:\/\/other/,
    ],
    ['a sub-frame of the app', frame(APP_URL, frame(APP_URL)), /came from a sub-frame/],
  ])('refuses %s before any handler runs', async (_what, senderFrame, why) => {
    const answer = await registered.get(ipcChannel('records:list'))!(event(senderFrame), {});
    expect(answer).toEqual({
      ok: false,
      code: 'ipc-untrusted-sender',
      message: expect.stringMatching(why),
    });
    expect(reached).toEqual([]);
  });

  it("answers the app's own page", async () => {
    expect(untrustedSender(event(frame(`${APP_URL}#/library`)))).toBeNull();
    const answer = await registered.get(ipcChannel('records:list'))!(event(frame(APP_URL)), {});
    expect(answer).toEqual({ ok: true, value: 'done' });
    expect(reached).toEqual(['records:list']);
    expect(isAppUrl('not a url')).toBe(false);
  });
});

describe("the app's scheme", () => {
  const tmp = tempDir('beatlens-protocol-');
  const root = join(tmp.dir, 'renderer');
  mkdirSync(join(root, 'assets'), { recursive: true });
  writeFileSync(join(root, 'index.html'), '<!doctype html><title>beatlens</title>');
  writeFileSync(join(root, 'assets', 'app.js'), 'console.log(1)');
  writeFileSync(join(tmp.dir, 'outside.txt'), 'outside');
  const handler = appProtocolHandler(root);
  const get = (url: string, method = 'GET') => handler(new Request(url, { method }));

  it('serves the renderer with the CSP as a response header', async () => {
    const page = get(APP_URL);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-security-policy')).toBe(RENDERER_CSP);
    expect(page.headers.get('content-type')).toMatch(/^text\/html/);
    expect(await page.text()).toContain('<title>beatlens</title>');
    expect(get('beatlens://app/assets/app.js').headers.get('content-type')).toMatch(/javascript/);
    expect(get('beatlens://app/').status).toBe(200);
  });

  it('serves nothing outside the renderer folder, nor other hosts or methods', async () => {
    for (const url of [
      'beatlens://app/..%2foutside.txt',
      'beatlens://app/assets/..%2F..%2Foutside.txt',
    ]) {
      const r = get(url);
      expect(r.status).toBe(403);
      expect(await r.text()).not.toContain('outside');
    }
    expect(get('beatlens://app/missing.js').status).toBe(404);
    expect(get('beatlens://other/index.html').status).toBe(404);
    expect(get(APP_URL, 'POST').status).toBe(404);
    tmp.cleanup();
  });
});

describe('window contents', () => {
  it('deny navigation, frame navigation, webviews and new windows', () => {
    const listeners = new Map<string, (e: Event) => void>();
    let openHandler: ((d: { url: string }) => { action: string }) | null = null;
    const contents = {
      on(name: string, fn: (e: Event) => void) {
        listeners.set(name, fn);
        return contents;
      },
      setWindowOpenHandler(fn: (d: { url: string }) => { action: string }) {
        openHandler = fn;
      },
    };
    lockDownContents(contents as unknown as WebContents);
    expect(openHandler!({ url: 'https://evil.example/' })).toEqual({ action: 'deny' });
    expect([...listeners.keys()].sort()).toEqual([
      'will-attach-webview',
      'will-frame-navigate',
      'will-navigate',
    ]);
    for (const fn of listeners.values()) {
      const e = { preventDefault: vi.fn() };
      fn(e);
      expect(e.preventDefault).toHaveBeenCalledOnce();
    }
  });
});

describe('the preload bundle', () => {
  it('carries the contract but no zod, and exposes one method per channel', async () => {
    const out = await build({
      entryPoints: [join(ROOT, 'src-main', 'preload.ts')],
      bundle: true,
      platform: 'node',
      format: 'cjs',
      write: false,
      external: ['electron'],
      logLevel: 'silent',
    });
    const code = out.outputFiles[0].text;
    expect(code).not.toMatch(/zod|safeParse|ZodError/);
    expect(code.length).toBeLessThan(4000);
    expect(code).not.toMatch(/\binvoke\s*\(\s*channel\s*,/);
    for (const c of CHANNELS) expect(code).toContain(`"${c}"`);
  });
});
