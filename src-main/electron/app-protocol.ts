/**
 * The renderer's own origin in Electron, `beatlens://app`: a standard, secure custom scheme whose
 * files `protocol.handle` serves from dist-renderer/ with the Content-Security-Policy as a real
 * response header (a header set by `webRequest` does not apply to `file://`, and neither has an
 * origin that the IPC sender check could compare).
 */
import type { CustomScheme } from 'electron';
import { rendererFile } from '../app/renderer-files';

export const APP_SCHEME = 'beatlens';
export const APP_HOST = 'app';
/** The page the window loads. */
export const APP_URL = `${APP_SCHEME}://${APP_HOST}/index.html`;

/** Registered before the app is ready: standard (an origin, relative URLs), secure, no CORS. */
export const APP_SCHEME_PRIVILEGES: CustomScheme = {
  scheme: APP_SCHEME,
  privileges: { standard: true, secure: true, supportFetchAPI: true },
};

/** True for a page of the app itself (`beatlens://app/…`). */
export function isAppUrl(url: string): boolean {
  try {
    const u = new URL(url);
    return u.protocol === `${APP_SCHEME}:` && u.host === APP_HOST;
  } catch {
    return false;
  }
}

/** The `protocol.handle(APP_SCHEME, …)` handler: GETs of `root`'s files, nothing else. */
export function appProtocolHandler(root: string): (request: Request) => Response {
  return (request) => {
    const url = new URL(request.url);
    if (url.host !== APP_HOST || (request.method !== 'GET' && request.method !== 'HEAD')) {
      return new Response('not found', { status: 404 });
    }
    const file = rendererFile(root, url.pathname);
    return new Response(file.body, { status: file.status, headers: file.headers });
  };
}
