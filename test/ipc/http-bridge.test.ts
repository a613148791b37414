/**
 * The browser version's HTTP bridge: only the holder of the one-time launch secret gets a session;
 * every other local client (another process, another OS user, another site in the browser) gets
 * the renderer's public files and refusals.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { raw } from '../helpers/http';
import type { RawResponse } from '../helpers/http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SESSION_COOKIE, startHttpBridge } from '../../src-main/ipc/http-bridge';
import type { HttpBridge } from '../../src-main/ipc/http-bridge';
import { createHandlers } from '../../src-main/ipc/handlers';
import type { ChannelImpl } from '../../src-main/ipc/handlers';
import { createEventBus } from '../../src-main/ipc/events';
import { CHANNELS } from '../../src-main/ipc/contract';
import { RENDERER_CSP } from '../../src-main/app/csp';

const SECRET_OUTSIDE = 'outside the renderer folder';

describe('HTTP bridge', () => {
  let dir: string;
  let bridge: HttpBridge;
  let cookie = '';
  const events = createEventBus();
  const reached: string[] = [];

  const origin = () => `http://127.0.0.1:${bridge.port}`;
  const secret = () => new URL(bridge.launchUrl).hash.replace(/^#secret=/, '');
  const post = (path: string, body: unknown, headers: Record<string, string> = {}) =>
    raw(bridge.port, {
      method: 'POST',
      path,
      headers: { 'content-type': 'application/json', origin: origin(), cookie, ...headers },
      body: JSON.stringify(body),
    });
  const code = (r: RawResponse) => (JSON.parse(r.body) as { code?: string }).code;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'beatlens-bridge-'));
    mkdirSync(join(dir, 'renderer'));
    writeFileSync(
      join(dir, 'renderer', 'index.html'),
      '<!doctype html><html><head></head><body>hi</body></html>',
    );
    writeFileSync(join(dir, 'outside.txt'), SECRET_OUTSIDE);
    const impl = Object.fromEntries(
      CHANNELS.map((c) => [c, () => (reached.push(c), [])]),
    ) as unknown as ChannelImpl;
    impl['records:list'] = ({ search }) => (
      reached.push('records:list'),
      [{ id: search ?? 'none' }] as never
    );
    bridge = await startHttpBridge({
      handlers: createHandlers(impl),
      events,
      staticDir: join(dir, 'renderer'),
    });
  });
  afterAll(async () => {
    await bridge.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('listens on a free loopback port; the secret is only in the launch address', async () => {
    expect(bridge.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(bridge.port).not.toBe(5180);
    expect(bridge.launchUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/#secret=[A-Za-z0-9_-]{43}$/);
    const page = await raw(bridge.port, { path: '/' });
    expect(page.status).toBe(200);
    expect(page.body).toContain('<body>hi</body>');
    expect(page.body).not.toContain(secret());
    expect(JSON.stringify(page.headers)).not.toContain(secret());
    expect(page.headers['content-security-policy']).toBe(RENDERER_CSP);
    expect(page.headers['set-cookie']).toBeUndefined();
  });

  it('gives a second local client without the secret nothing', async () => {
    const stranger = { origin: origin() };
    const list = await raw(bridge.port, {
      method: 'POST',
      path: '/api/invoke/records:list',
      headers: { 'content-type': 'application/json', ...stranger },
      body: '{}',
    });
    expect([list.status, code(list)]).toEqual([403, 'http-no-session']);
    const sse = await raw(bridge.port, { path: '/api/events' });
    expect([sse.status, code(sse)]).toEqual([403, 'http-no-session']);
    const forged = await raw(bridge.port, {
      method: 'POST',
      path: '/api/invoke/records:list',
      headers: {
        'content-type': 'application/json',
        cookie: `${SESSION_COOKIE}=guess`,
        ...stranger,
      },
      body: '{}',
    });
    expect([forged.status, code(forged)]).toEqual([403, 'http-no-session']);
    const wrong = await post('/api/session', { secret: 'x'.repeat(43) });
    expect([wrong.status, code(wrong)]).toEqual([403, 'http-bad-secret']);
    expect(wrong.headers['set-cookie']).toBeUndefined();
    // No credential in a query string, not even the right one.
    const query = await raw(bridge.port, { path: `/api/events?secret=${secret()}` });
    expect([query.status, code(query)]).toEqual([400, 'http-query']);
    expect(reached).toEqual([]);
  });

  it('exchanges the secret once for an HttpOnly SameSite=Strict cookie', async () => {
    const ok = await post('/api/session', { secret: secret() });
    expect(ok.status).toBe(200);
    const setCookie = String(ok.headers['set-cookie']);
    expect(setCookie).toMatch(
      new RegExp(`^${SESSION_COOKIE}=[A-Za-z0-9_-]{43}; HttpOnly; SameSite=Strict; Path=/$`),
    );
    cookie = setCookie.split(';')[0];
    expect(cookie).not.toContain(secret());
    // A second client with the same (now spent) secret gets no session.
    const again = await raw(bridge.port, {
      method: 'POST',
      path: '/api/session',
      headers: { 'content-type': 'application/json', origin: origin() },
      body: JSON.stringify({ secret: secret() }),
    });
    expect([again.status, code(again)]).toEqual([403, 'http-bad-secret']);
    expect(again.body).toMatch(/already used/);
  });

  it('invokes handlers with the cookie from the own origin, and validates arguments', async () => {
    const ok = await post('/api/invoke/records:list', { search: 'abc' });
    expect(JSON.parse(ok.body)).toEqual({ ok: true, value: [{ id: 'abc' }] });
    const bad = await post('/api/invoke/records:list', { search: 7 });
    expect(JSON.parse(bad.body)).toMatchObject({ ok: false, code: 'ipc-bad-argument' });
    const unknown = await post('/api/invoke/fs:read', {});
    expect(JSON.parse(unknown.body)).toMatchObject({ ok: false, code: 'ipc-unknown-channel' });
  });

  it('refuses other origins, a missing Origin, a foreign Host, and form posts even with the cookie', async () => {
    const before = reached.length;
    const evil = await post('/api/invoke/records:list', {}, { origin: 'http://evil.example' });
    expect([evil.status, code(evil)]).toEqual([403, 'http-origin']);
    const noOrigin = await raw(bridge.port, {
      method: 'POST',
      path: '/api/invoke/records:list',
      headers: { 'content-type': 'application/json', cookie },
      body: '{}',
    });
    expect([noOrigin.status, code(noOrigin)]).toEqual([403, 'http-origin']);
    const crossSite = await post(
      '/api/invoke/records:list',
      {},
      { 'sec-fetch-site': 'cross-site' },
    );
    expect([crossSite.status, code(crossSite)]).toEqual([403, 'http-origin']);
    const rebinding = await raw(bridge.port, {
      path: '/',
      headers: { host: `evil.example:${bridge.port}` },
    });
    expect([rebinding.status, code(rebinding)]).toEqual([403, 'http-host']);
    const form = await post(
      '/api/invoke/records:list',
      {},
      {
        'content-type': 'application/x-www-form-urlencoded',
      },
    );
    expect(form.status).toBe(415);
    expect(reached.length).toBe(before);
  });

  it.each([
    '/..%2foutside.txt',
    '/..%2F..%2F..%2F..%2Fetc%2Fpasswd',
    '/%2e%2e%2foutside.txt',
    '/assets/..%2f..%2foutside.txt',
    '/..%5coutside.txt',
  ])('serves no file outside the renderer folder for %s', async (path) => {
    const r = await raw(bridge.port, { path });
    expect(r.status).toBeGreaterThanOrEqual(400);
    expect(r.body).not.toContain(SECRET_OUTSIDE);
    expect(r.body).not.toContain('root:');
  });

  it('streams events as server-sent events to the session only', async () => {
    const received = new Promise<string>((resolve) => {
      const req = request(
        {
          host: '127.0.0.1',
          port: bridge.port,
          path: '/api/events',
          headers: { host: `127.0.0.1:${bridge.port}`, cookie, 'sec-fetch-site': 'same-origin' },
        },
        (res) => {
          res.on('data', (c: Buffer) => {
            const text = c.toString();
            if (text.includes('data:')) {
              resolve(text);
              req.destroy();
            } else {
              events.emit({ type: 'scan-progress', jobId: 'j1', recordId: 'r', done: 1, total: 2 });
            }
          });
        },
      );
      req.end();
    });
    expect(await received).toContain('"jobId":"j1"');
  });
});
