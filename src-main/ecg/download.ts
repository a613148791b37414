/**
 * Downloads a public WFDB database from PhysioNet with Node's fetch.
 * Files go to `<destDir>.partial/` (each written as `<file>.part`, then renamed), so a broken run
 * keeps every finished file and a rerun fetches only what is missing. When all files are there,
 * each record is read once (header checksums verified) and the folder is renamed to `destDir`:
 * `destDir` therefore only ever exists complete.
 */
import { existsSync, mkdirSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { BeatlensError, isBeatlensError } from '../errors';
import { readWfdbAnnotations } from './wfdb/annotations';
import { readWfdbAdc } from './wfdb/record';

export interface DatabaseSpec {
  defaultBaseUrl: string;
  records: readonly string[];
  extensions: readonly string[];
}

/** The 48 half-hour two-lead records of the MIT-BIH Arrhythmia Database. */
// prettier-ignore
export const MITDB_RECORDS = [
  '100', '101', '102', '103', '104', '105', '106', '107', '108', '109', '111', '112',
  '113', '114', '115', '116', '117', '118', '119', '121', '122', '123', '124', '200',
  '201', '202', '203', '205', '207', '208', '209', '210', '212', '213', '214', '215',
  '217', '219', '220', '221', '222', '223', '228', '230', '231', '232', '233', '234',
] as const;

export const DATABASES: Readonly<Record<'mitdb', DatabaseSpec>> = {
  mitdb: {
    defaultBaseUrl: 'https://physionet.org/files/mitdb/1.0.0/',
    records: MITDB_RECORDS,
    extensions: ['hea', 'dat', 'atr'],
  },
};

export type DatabaseName = keyof typeof DATABASES;

export interface DownloadOptions {
  /** Mirror or local server; default PhysioNet. */
  baseUrl?: string;
  /** Called after each file is on disk (also for files kept from an earlier run). */
  onProgress?(done: number, total: number, file: string): void;
  /** Per-file time limit in ms (default 120 000). */
  timeoutMs?: number;
  /** Files fetched at once (default 4). */
  concurrency?: number;
}

/** Downloads `name` into `destDir` and returns its absolute path. */
export async function downloadDatabase(
  name: DatabaseName,
  destDir: string,
  opts: DownloadOptions = {},
): Promise<string> {
  const spec = (DATABASES as Record<string, DatabaseSpec | undefined>)[name];
  if (!spec) {
    throw new BeatlensError(
      'download-unknown-database',
      `unknown database '${name}'; available: ${Object.keys(DATABASES).join(', ')}`,
    );
  }
  const dest = resolve(destDir);
  const files = spec.records.flatMap((r) => spec.extensions.map((e) => `${r}.${e}`));
  const total = files.length;
  if (existsSync(dest)) {
    const present = new Set(readdirSync(dest));
    if (files.every((f) => present.has(f))) {
      files.forEach((f, i) => opts.onProgress?.(i + 1, total, f));
      return dest;
    }
    throw new BeatlensError(
      'download-dest-exists',
      `${dest} exists but does not hold the complete ${name} database; remove it or choose another folder`,
    );
  }
  const partial = `${dest}.partial`;
  mkdirSync(partial, { recursive: true });

  let base = opts.baseUrl ?? spec.defaultBaseUrl;
  if (!base.endsWith('/')) base += '/';
  try {
    new URL(base);
  } catch {
    throw new BeatlensError('download-url', `base URL '${base}' is not a valid URL`);
  }

  const timeoutMs = opts.timeoutMs ?? 120_000;
  let done = 0;
  const todo: string[] = [];
  for (const f of files) {
    if (existsSync(join(partial, f))) opts.onProgress?.(++done, total, f);
    else todo.push(f);
  }

  let failure: unknown = null;
  const worker = async (): Promise<void> => {
    while (failure === null && todo.length > 0) {
      const file = todo.shift()!;
      try {
        await fetchFile(new URL(file, base).href, join(partial, file), timeoutMs);
        opts.onProgress?.(++done, total, file);
      } catch (e) {
        failure ??= e;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, opts.concurrency ?? 4) }, worker));
  if (failure !== null) {
    const kept = `${done}/${total} files are kept in ${partial}; rerun to resume`;
    if (isBeatlensError(failure)) {
      throw new BeatlensError(failure.code, `${failure.message}; ${kept}`, { cause: failure });
    }
    throw new BeatlensError(
      'download-failed',
      `${name} download failed (${String(failure)}); ${kept}`,
      {
        cause: failure,
      },
    );
  }

  // A file that arrived whole but wrong (proxy error page, bit rot) fails its record's checksum;
  // its files are removed so that the rerun fetches them again.
  for (const record of spec.records) {
    const recordPath = join(partial, record);
    try {
      readWfdbAdc(recordPath);
      if (spec.extensions.includes('atr')) readWfdbAnnotations(recordPath, 'atr');
    } catch (e) {
      for (const ext of spec.extensions) rmSync(`${recordPath}.${ext}`, { force: true });
      const why = isBeatlensError(e) ? e.message : String(e);
      throw new BeatlensError(
        'download-corrupt',
        `downloaded record ${record} is corrupt (${why}); its files were removed from ${partial}, rerun to fetch them again`,
        { cause: e },
      );
    }
  }
  renameSync(partial, dest);
  return dest;
}

async function fetchFile(url: string, target: string, timeoutMs: number): Promise<void> {
  let response: Response;
  try {
    response = await fetch(url, { signal: AbortSignal.timeout(timeoutMs) });
  } catch (e) {
    throw networkError(url, e);
  }
  if (!response.ok) {
    throw new BeatlensError(
      'download-http',
      `${url}: server answered HTTP ${response.status} ${response.statusText}`.trim(),
    );
  }
  let body: ArrayBuffer;
  try {
    body = await response.arrayBuffer();
  } catch (e) {
    throw networkError(url, e);
  }
  const declared = Number(response.headers.get('content-length'));
  if (Number.isFinite(declared) && declared > 0 && declared !== body.byteLength) {
    throw new BeatlensError(
      'download-network',
      `${url}: connection dropped after ${body.byteLength} of ${declared} bytes`,
    );
  }
  const part = `${target}.part`;
  writeFileSync(part, new Uint8Array(body));
  renameSync(part, target);
}

function networkError(url: string, e: unknown): BeatlensError {
  const err = e as { name?: string; cause?: { code?: string; message?: string }; message?: string };
  if (err?.name === 'TimeoutError' || err?.name === 'AbortError') {
    return new BeatlensError(
      'download-network',
      `${url}: no complete answer within the time limit`,
      {
        cause: e,
      },
    );
  }
  const code = err?.cause?.code ?? err?.cause?.message ?? err?.message ?? String(e);
  return new BeatlensError(
    'download-network',
    `cannot reach ${new URL(url).host} (${code}): the network is unreachable or the server is down; check the connection or pass another baseUrl`,
    { cause: e },
  );
}
