/**
 * The renderer's Content-Security-Policy, one definition for every way the renderer is served:
 * a real response header from Electron's `protocol.handle` and from the HTTP bridge
 * (`renderer-files.ts`), and the `<meta>` tag Vite writes into index.html (vite.config.ts), which
 * cannot carry `frame-ancestors`. No inline or remote script, no plug-ins, no forms, no framing.
 */
const DIRECTIVES: ReadonlyArray<readonly [string, string]> = [
  ['default-src', "'self'"],
  ['script-src', "'self'"],
  ['style-src', "'self' 'unsafe-inline'"],
  ['img-src', "'self' data: blob:"],
  ['connect-src', "'self'"],
  ['object-src', "'none'"],
  ['base-uri', "'none'"],
  ['form-action', "'none'"],
  ['frame-ancestors', "'none'"],
];

const join = (ds: ReadonlyArray<readonly [string, string]>): string =>
  ds.map(([name, value]) => `${name} ${value}`).join('; ');

/** The policy as a response header. */
export const RENDERER_CSP = join(DIRECTIVES);

/** The same policy for a `<meta http-equiv>` tag (where `frame-ancestors` is ignored). */
export const RENDERER_CSP_META = join(DIRECTIVES.filter(([name]) => name !== 'frame-ancestors'));
