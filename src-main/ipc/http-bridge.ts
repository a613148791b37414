/**
 * Serves the built renderer and the same IPC handlers over loopback HTTP, so the real UI can be
 * driven in headless Chromium (tests, `npm run serve`) where the Electron binary is unavailable.
 *
 * Security: binds 127.0.0.1 only; rejects Host headers other than the loopback address (DNS
 * rebinding); every API call must carry the per-server token that is written into the served
 * index.html (other origins cannot read it), and POST bodies must be JSON (no form posts).
 *
 * Routes: POST /api/invoke/<channel> (JSON argument → JSON envelope), GET /api/events
 * (server-sent events of progress), everything else → files of `staticDir`.
 */
import { createServer } from 'node:http';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { extname, join, normalize, resolve, sep } from 'node:path';
import type { AddressInfo } from 'node:net';
import { invokeChannel } from './handlers';
import type { Handlers } from './handlers';
import type { EventBus } from './events';

export interface HttpBridgeOptions {
  handlers: Handlers;
  events: EventBus;
  /** The built renderer (vite output). */
  staticDir: string;
  /** 0 = any free port. */
  port?: number;
  /** Largest accepted request body. */
  maxBodyBytes?: number;
}

export interface HttpBridge {
  url: string;
  port: number;
  token: string;
  close(): Promise<void>;
}

const MIME: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.json': 'application/json',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
};

export const TOKEN_HEADER = 'x-beatlens-token';

function send(res: ServerResponse, status: number, body: string, type = 'text/plain'): void {
  res.writeHead(status, {
    'content-type': type,
    'cache-control': 'no-store',
    'x-content-type-options': 'nosniff',
  });
  res.end(body);
}

function readBody(req: IncomingMessage, maxBytes: number): Promise<string> {
  return new Promise((resolveBody, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > maxBytes) {
        reject(new Error(`request body over ${maxBytes} bytes`));
        req.destroy();
      } else chunks.push(c);
    });
    req.on('end', () => resolveBody(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

export function startHttpBridge(opts: HttpBridgeOptions): Promise<HttpBridge> {
  const token = randomBytes(16).toString('hex');
  const root = resolve(opts.staticDir);
  const maxBody = opts.maxBodyBytes ?? 1_000_000;
  let port = 0;
  const sseClients = new Set<ServerResponse>();

  const server = createServer((req, res) => {
    void (async () => {
      const host = req.headers.host ?? '';
      if (host !== `127.0.0.1:${port}` && host !== `localhost:${port}`) {
        return send(res, 403, 'forbidden host');
      }
      const url = new URL(req.url ?? '/', `http://127.0.0.1:${port}`);
      if (url.pathname.startsWith('/api/')) {
        const given = req.headers[TOKEN_HEADER] ?? url.searchParams.get('token');
        if (given !== token) return send(res, 403, 'missing or wrong token');
        if (url.pathname === '/api/events' && req.method === 'GET') {
          res.writeHead(200, {
            'content-type': 'text/event-stream',
            'cache-control': 'no-store',
            connection: 'keep-alive',
          });
          res.write(': connected\n\n');
          sseClients.add(res);
          req.on('close', () => sseClients.delete(res));
          return;
        }
        const m = /^\/api\/invoke\/([a-z:]+)$/.exec(url.pathname);
        if (!m || req.method !== 'POST') return send(res, 404, 'not found');
        if (!(req.headers['content-type'] ?? '').startsWith('application/json')) {
          return send(res, 415, 'content-type must be application/json');
        }
        let raw: unknown;
        try {
          const body = await readBody(req, maxBody);
          raw = body ? JSON.parse(body) : {};
        } catch (e) {
          const message = e instanceof Error ? e.message : String(e);
          return send(
            res,
            400,
            JSON.stringify({ ok: false, code: 'ipc-bad-json', message: message.split('\n')[0] }),
            'application/json',
          );
        }
        const envelope = await invokeChannel(opts.handlers, m[1], raw);
        return send(res, 200, JSON.stringify(envelope), 'application/json');
      }
      if (req.method !== 'GET' && req.method !== 'HEAD')
        return send(res, 405, 'method not allowed');
      const rel = normalize(decodeURIComponent(url.pathname)).replace(/^([/\\])+/, '');
      let file = resolve(join(root, rel || 'index.html'));
      if (file !== root && !file.startsWith(root + sep)) return send(res, 403, 'forbidden path');
      if (!existsSync(file) || statSync(file).isDirectory()) file = join(root, 'index.html');
      if (!existsSync(file)) return send(res, 404, `renderer not built: ${file} missing`);
      let body: Buffer | string = readFileSync(file);
      if (file.endsWith('.html')) {
        body = body
          .toString('utf8')
          .replace('<head>', `<head><meta name="beatlens-token" content="${token}">`);
      }
      res.writeHead(200, {
        'content-type': MIME[extname(file)] ?? 'application/octet-stream',
        'cache-control': 'no-store',
        'x-content-type-options': 'nosniff',
      });
      res.end(body);
    })().catch((e: unknown) => {
      if (!res.headersSent) send(res, 500, e instanceof Error ? e.message : String(e));
    });
  });

  const unsubscribe = opts.events.subscribe((event) => {
    const line = `data: ${JSON.stringify(event)}\n\n`;
    for (const c of sseClients) c.write(line);
  });

  return new Promise((resolveBridge, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, '127.0.0.1', () => {
      port = (server.address() as AddressInfo).port;
      resolveBridge({
        url: `http://127.0.0.1:${port}`,
        port,
        token,
        close: () =>
          new Promise<void>((done) => {
            unsubscribe();
            for (const c of sseClients) c.end();
            sseClients.clear();
            server.closeAllConnections();
            server.close(() => done());
          }),
      });
    });
  });
}
