/**
 * Printing a report page to PDF behind one interface: headless Chromium for the CLI and the
 * browser version (`chromium --headless --print-to-pdf`), Electron's `webContents.printToPDF`
 * in the desktop app (src-main/electron/pdf-printer.ts). The page is self-contained, so either
 * prints it without any network.
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { BeatlensError } from '../errors';

export interface PdfPrinter {
  /** What prints, for messages ('chromium /usr/bin/chromium', 'electron'). */
  readonly name: string;
  /** The PDF bytes of a self-contained HTML page. */
  print(html: string): Promise<Uint8Array>;
}

/** Where Chromium is looked for when BEATLENS_CHROMIUM is not set. */
export const CHROMIUM_CANDIDATES = [
  '/usr/bin/chromium',
  '/usr/bin/chromium-browser',
  '/usr/bin/google-chrome',
  '/Applications/Google Chrome.app/Contents/MacOS/Google Chrome',
] as const;

/** Headless, no sandbox, GPU, QUIC or background network traffic (also the e2e tests' flags). */
export const CHROMIUM_FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
] as const;

/** The Chromium executable (BEATLENS_CHROMIUM, else the first candidate present), or why none. */
export function findChromium(
  env: NodeJS.ProcessEnv = process.env,
): { path: string } | { path: null; reason: string } {
  const set = env.BEATLENS_CHROMIUM;
  if (set) {
    return existsSync(set)
      ? { path: set }
      : { path: null, reason: `BEATLENS_CHROMIUM=${set} does not exist` };
  }
  const found = CHROMIUM_CANDIDATES.find((p) => existsSync(p));
  return found
    ? { path: found }
    : {
        path: null,
        reason: `no Chromium found (looked for ${CHROMIUM_CANDIDATES.join(', ')}; set BEATLENS_CHROMIUM)`,
      };
}

/** Headless Chromium as a printer: one fresh profile per page, no sandbox, GPU or network. */
export function chromiumPrinter(executable: string, timeoutMs = 120_000): PdfPrinter {
  return {
    name: `chromium ${executable}`,
    print: (html) =>
      new Promise((resolve, reject) => {
        const dir = mkdtempSync(join(tmpdir(), 'beatlens-pdf-'));
        const page = join(dir, 'report.html');
        const pdf = join(dir, 'report.pdf');
        writeFileSync(page, html);
        const done = (e: Error | null): void => {
          try {
            if (e) throw e;
            const bytes = existsSync(pdf) ? readFileSync(pdf) : null;
            if (!bytes || bytes.subarray(0, 5).toString('latin1') !== '%PDF-') {
              throw new Error('it wrote no PDF');
            }
            resolve(new Uint8Array(bytes));
          } catch (err) {
            const why = (err instanceof Error ? err.message : String(err)).split('\n')[0];
            reject(
              new BeatlensError(
                'report-pdf',
                `printing the report with ${executable} failed: ${why}`,
              ),
            );
          } finally {
            rmSync(dir, { recursive: true, force: true });
          }
        };
        execFile(
          executable,
          [
            ...CHROMIUM_FLAGS,
            '--no-pdf-header-footer',
            `--user-data-dir=${join(dir, 'profile')}`,
            `--print-to-pdf=${pdf}`,
            pathToFileURL(page).href,
          ],
          { timeout: timeoutMs },
          (e) => done(e),
        );
      }),
  };
}

/** The printer to use here: Chromium when it can be found, else null with the reason. */
export function defaultPdfPrinter(
  env: NodeJS.ProcessEnv = process.env,
): { printer: PdfPrinter; reason: null } | { printer: null; reason: string } {
  const c = findChromium(env);
  if (c.path === null) return { printer: null, reason: c.reason };
  return { printer: chromiumPrinter(c.path), reason: null };
}
