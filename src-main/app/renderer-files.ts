/**
 * Serves the built renderer (dist-renderer/) for both shells: Electron's `protocol.handle` on
 * the app's own scheme and the browser version's HTTP bridge. Only files inside the renderer
 * folder are served, each with the Content-Security-Policy as a real header.
 */
import { readFileSync, statSync } from 'node:fs';
import { extname, resolve, sep } from 'node:path';
import { RENDERER_CSP } from './csp';

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

/** Headers of every response the renderer gets, files and API answers alike. */
export const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'cache-control': 'no-store',
  'x-content-type-options': 'nosniff',
  'content-security-policy': RENDERER_CSP,
  'cross-origin-opener-policy': 'same-origin',
  'cross-origin-resource-policy': 'same-origin',
  'referrer-policy': 'no-referrer',
};

export interface FileResponse {
  status: number;
  headers: Record<string, string>;
  body: Uint8Array<ArrayBuffer> | string;
}

const answer = (status: number, body: string): FileResponse => ({
  status,
  headers: { ...SECURITY_HEADERS, 'content-type': 'text/plain; charset=utf-8' },
  body,
});

/**
 * The file of `root` that the URL path `pathname` (still percent-encoded, as in a URL) names;
 * '/' is index.html. A path that decodes to outside `root` (`/..%2f..%2fetc%2fpasswd`) is 403.
 */
export function rendererFile(root: string, pathname: string): FileResponse {
  let decoded: string;
  try {
    decoded = decodeURIComponent(pathname);
  } catch {
    return answer(400, 'bad path encoding');
  }
  if (decoded.includes('\0')) return answer(400, 'bad path');
  const base = resolve(root);
  const file = resolve(base, `.${sep}${decoded === '/' ? 'index.html' : decoded}`);
  if (!file.startsWith(base + sep)) return answer(403, 'forbidden path');
  const st = statSync(file, { throwIfNoEntry: false });
  if (!st?.isFile()) {
    return answer(404, file.endsWith(`${sep}index.html`) ? 'renderer not built' : 'not found');
  }
  return {
    status: 200,
    headers: {
      ...SECURITY_HEADERS,
      'content-type': MIME[extname(file)] ?? 'application/octet-stream',
    },
    body: readFileSync(file),
  };
}
