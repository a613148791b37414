import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startHttpBridge } from '../../src-main/ipc/http-bridge';
import type { HttpBridge } from '../../src-main/ipc/http-bridge';
import { createHandlers } from '../../src-main/ipc/handlers';
import type { ChannelImpl } from '../../src-main/ipc/handlers';
import { createEventBus } from '../../src-main/ipc/events';
import { CHANNELS } from '../../src-main/ipc/contract';

/** A raw request, so the Host header can be forged (fetch does not allow that). */
function raw(
  port: number,
  opts: { method?: string; path: string; headers?: Record<string, string>; body?: string },
): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: '127.0.0.1',
        port,
        method: opts.method ?? 'GET',
        path: opts.path,
        headers: opts.headers,
      },
      (res) => {
        let body = '';
        res.on('data', (c: Buffer) => (body += c.toString()));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      },
    );
    req.on('error', reject);
    req.end(opts.body);
  });
}

describe('HTTP bridge', () => {
  let dir: string;
  let bridge: HttpBridge;
  const events = createEventBus();

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'beatlens-bridge-'));
    writeFileSync(
      join(dir, 'index.html'),
      '<!doctype html><html><head></head><body>hi</body></html>',
    );
    const impl = Object.fromEntries(CHANNELS.map((c) => [c, () => []])) as unknown as ChannelImpl;
    impl['records:list'] = ({ search }) => [{ id: search ?? 'none' }] as never;
    bridge = await startHttpBridge({ handlers: createHandlers(impl), events, staticDir: dir });
  });
  afterAll(async () => {
    await bridge.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const post = (path: string, body: unknown, token = bridge.token) =>
    raw(bridge.port, {
      method: 'POST',
      path,
      headers: {
        host: `127.0.0.1:${bridge.port}`,
        'content-type': 'application/json',
        'x-beatlens-token': token,
      },
      body: JSON.stringify(body),
    });

  it('listens on loopback and writes the token into index.html', async () => {
    expect(bridge.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const res = await raw(bridge.port, {
      path: '/',
      headers: { host: `127.0.0.1:${bridge.port}` },
    });
    expect(res.status).toBe(200);
    expect(res.body).toContain(`<meta name="beatlens-token" content="${bridge.token}">`);
  });

  it('invokes handlers with the token, and validates arguments', async () => {
    const ok = await post('/api/invoke/records:list', { search: 'abc' });
    expect(JSON.parse(ok.body)).toEqual({ ok: true, value: [{ id: 'abc' }] });
    const bad = await post('/api/invoke/records:list', { search: 7 });
    expect(JSON.parse(bad.body)).toMatchObject({ ok: false, code: 'ipc-bad-argument' });
  });

  it('refuses a wrong token, a foreign Host, form posts and path traversal', async () => {
    expect((await post('/api/invoke/records:list', {}, 'nope')).status).toBe(403);
    const rebinding = await raw(bridge.port, {
      path: '/',
      headers: { host: `evil.example:${bridge.port}` },
    });
    expect(rebinding.status).toBe(403);
    const form = await raw(bridge.port, {
      method: 'POST',
      path: '/api/invoke/records:list',
      headers: {
        host: `127.0.0.1:${bridge.port}`,
        'content-type': 'application/x-www-form-urlencoded',
        'x-beatlens-token': bridge.token,
      },
      body: 'a=1',
    });
    expect(form.status).toBe(415);
    const traversal = await raw(bridge.port, {
      path: '/../../../../etc/passwd',
      headers: { host: `127.0.0.1:${bridge.port}` },
    });
    expect(traversal.body).not.toContain('root:');
  });

  it('streams events as server-sent events', async () => {
    const received = new Promise<string>((resolve) => {
      const req = request(
        {
          host: '127.0.0.1',
          port: bridge.port,
          path: `/api/events?token=${bridge.token}`,
          headers: { host: `127.0.0.1:${bridge.port}` },
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
