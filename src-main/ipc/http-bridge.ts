/**
 * Serves the built renderer and the same IPC handlers over loopback HTTP: the browser version of
 * the app (`npm run serve`, `npm start` where Electron is missing) and the e2e tests in Chromium.
 *
 * Who may call the API: whoever holds the launch secret, which is in the fragment of the address
 * the launcher prints (`http://127.0.0.1:PORT/#secret=…`; a fragment never reaches the server or
 * a Referer). The page exchanges it once (POST /api/session) for an HttpOnly SameSite=Strict
 * session cookie; the secret is then spent, so another local process or OS user that connects to
 * the port gets the renderer's public files and nothing else. Besides the cookie every API
 * request must come from the page's own origin (Origin header, required on POST; Sec-Fetch-Site)
 * and name this server in its Host header (DNS rebinding); bodies must be JSON (no form posts).
 * No credential is accepted in a query string. The server binds 127.0.0.1 only.
 *
 * Routes: POST /api/session ({ secret }), POST /api/invoke/<channel> (JSON argument → JSON
 * envelope), GET /api/events (server-sent events of progress), GET anything else → a file of
 * `staticDir` (renderer-files.ts). Every refusal is a JSON envelope with a code.
 */
import { createServer } from 'node:http';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { invokeChannel } from './handlers';
import type { Handlers } from './handlers';
import type { EventBus } from './events';
import { MAX_UPLOAD_BYTES } from './contract';
import type { Envelope } from './contract';
import { rendererFile, SECURITY_HEADERS } from '../app/renderer-files';

export interface HttpBridgeOptions {
  handlers: Handlers;
  events: EventBus;
  /** The built renderer (vite output). */
  staticDir: string;
  /** 0 (default) = a free port chosen by the system. */
  port?: number;
  /** Largest accepted request body, except for `files:upload`. */
  maxBodyBytes?: number;
}

export interface HttpBridge {
  /** The server's origin, e.g. http://127.0.0.1:41234 (no credential in it). */
  url: string;
  port: number;
  /** The address to open once: `url` with the launch secret in its fragment. */
  launchUrl: string;
  close(): Promise<void>;
}

export const SESSION_COOKIE = 'beatlens-session';
/** A `files:upload` body: base64 of MAX_UPLOAD_BYTES plus the JSON around it. */
const MAX_UPLOAD_BODY = Math.ceil((MAX_UPLOAD_BYTES * 4) / 3) + 64 * 1024;

type Refusal = { ok: false; code: string; message: string };
const refusal = (code: string, message: string): Refusal => ({ ok: false, code, message });

function sendJson(
  res: ServerResponse,
  status: number,
  body: Envelope<unknown>,
  headers: Record<string, string> = {},
): void {
  res.writeHead(status, {
    ...SECURITY_HEADERS,
    'content-type': 'application/json',
    ...headers,
  });
  res.end(JSON.stringify(body));
}

class BodyTooLarge extends Error {}

function readBody(req: IncomingMessage, maxBytes: number): Promise<string> {
  return new Promise((resolveBody, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > maxBytes) {
        reject(new BodyTooLarge(`request body over ${maxBytes} bytes`));
        req.destroy();
      } else chunks.push(c);
    });
    req.on('end', () => resolveBody(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

/** Constant-time comparison of two secrets (false for different lengths). */
function sameSecret(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

function cookieValue(req: IncomingMessage, name: string): string | null {
  for (const part of (req.headers.cookie ?? '').split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return null;
}

export function startHttpBridge(opts: HttpBridgeOptions): Promise<HttpBridge> {
  const launchSecret = randomBytes(32).toString('base64url');
  /** The session the secret was exchanged for (null until then: the secret is not yet spent). */
  let session: string | null = null;
  const maxBody = opts.maxBodyBytes ?? 1_000_000;
  let port = 0;
  const sseClients = new Set<ServerResponse>();

  /** Why an API request is refused (origin, then session), or null when it may go on. */
  const refuseApi = (req: IncomingMessage, needSession: boolean): Refusal | null => {
    const origin = req.headers.origin;
    const fetchSite = req.headers['sec-fetch-site'];
    const ownOrigin = `http://${req.headers.host}`;
    if (req.method !== 'GET' && origin === undefined) {
      return refusal('http-origin', 'requests that change anything must carry an Origin header');
    }
    if (origin !== undefined && origin !== ownOrigin) {
      return refusal('http-origin', `origin ${origin} may not call this server`);
    }
    if (fetchSite !== undefined && fetchSite !== 'same-origin') {
      return refusal('http-origin', `a ${fetchSite} request may not call this server`);
    }
    if (!needSession) return null;
    const token = cookieValue(req, SESSION_COOKIE);
    if (token === null || session === null || !sameSecret(token, session)) {
      return refusal(
        'http-no-session',
        'no session: open the address the launcher printed (it holds a one-time secret)',
      );
    }
    return null;
  };

  const server = createServer((req, res) => {
    void (async () => {
      const host = req.headers.host ?? '';
      if (host !== `127.0.0.1:${port}` && host !== `localhost:${port}`) {
        return sendJson(res, 403, refusal('http-host', `host '${host}' is not this server`));
      }
      const url = new URL(req.url ?? '/', `http://127.0.0.1:${port}`);
      if (url.pathname.startsWith('/api/')) return await api(req, res, url);
      if (req.method !== 'GET' && req.method !== 'HEAD') {
        return sendJson(res, 405, refusal('http-method', `${req.method} is not allowed here`));
      }
      const file = rendererFile(opts.staticDir, url.pathname);
      res.writeHead(file.status, file.headers);
      res.end(req.method === 'HEAD' ? undefined : file.body);
    })().catch((e: unknown) => {
      const message = (e instanceof Error ? e.message : String(e)).split('\n')[0];
      if (!res.headersSent) sendJson(res, 500, refusal('internal', message));
      else res.destroy();
    });
  });

  async function api(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
    if (url.search !== '') {
      return sendJson(res, 400, refusal('http-query', 'the API takes no query string'));
    }
    const isSession = url.pathname === '/api/session';
    const refused = refuseApi(req, !isSession);
    if (refused) return sendJson(res, 403, refused);

    if (url.pathname === '/api/events' && req.method === 'GET') {
      res.writeHead(200, {
        ...SECURITY_HEADERS,
        'content-type': 'text/event-stream',
        connection: 'keep-alive',
      });
      res.write(': connected\n\n');
      sseClients.add(res);
      req.on('close', () => sseClients.delete(res));
      return;
    }
    const m = /^\/api\/invoke\/([a-z:]+)$/.exec(url.pathname);
    if (req.method !== 'POST' || (!m && !isSession)) {
      return sendJson(res, 404, refusal('http-not-found', `no ${req.method} ${url.pathname}`));
    }
    if (!(req.headers['content-type'] ?? '').startsWith('application/json')) {
      return sendJson(
        res,
        415,
        refusal('http-content-type', 'content-type must be application/json'),
      );
    }
    let raw: unknown;
    try {
      const body = await readBody(req, m?.[1] === 'files:upload' ? MAX_UPLOAD_BODY : maxBody);
      raw = body ? JSON.parse(body) : {};
    } catch (e) {
      const message = (e instanceof Error ? e.message : String(e)).split('\n')[0];
      const tooLarge = e instanceof BodyTooLarge;
      return sendJson(
        res,
        tooLarge ? 413 : 400,
        refusal(tooLarge ? 'http-too-large' : 'ipc-bad-json', message),
      );
    }
    if (isSession) return exchangeSecret(res, raw);
    return sendJson(res, 200, await invokeChannel(opts.handlers, m![1], raw));
  }

  /** The one exchange of the launch secret for a session cookie. */
  function exchangeSecret(res: ServerResponse, raw: unknown): void {
    const given = (raw as { secret?: unknown } | null)?.secret;
    if (session !== null || typeof given !== 'string' || !sameSecret(given, launchSecret)) {
      return sendJson(
        res,
        403,
        refusal(
          'http-bad-secret',
          session !== null
            ? 'the launch secret was already used; restart the server for a new address'
            : 'wrong launch secret',
        ),
      );
    }
    session = randomBytes(32).toString('base64url');
    sendJson(
      res,
      200,
      { ok: true, value: null },
      { 'set-cookie': `${SESSION_COOKIE}=${session}; HttpOnly; SameSite=Strict; Path=/` },
    );
  }

  const unsubscribe = opts.events.subscribe((event) => {
    const line = `data: ${JSON.stringify(event)}\n\n`;
    for (const c of sseClients) c.write(line);
  });

  return new Promise((resolveBridge, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, '127.0.0.1', () => {
      port = (server.address() as AddressInfo).port;
      const url = `http://127.0.0.1:${port}`;
      resolveBridge({
        url,
        port,
        launchUrl: `${url}/#secret=${launchSecret}`,
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
