/**
 * The renderer's only way to the data: `window.beatlens`, one method per channel (BeatlensApi in
 * the contract), each answering an envelope. In Electron the preload installs it; in a plain
 * browser (tests, `npm run serve`) `installHttpShim` builds the same API on the loopback HTTP
 * bridge, after exchanging the one-time launch secret in the address's fragment for a session
 * cookie. `call` unwraps the envelope and throws an AppError that keeps main's error code.
 */
import { bindApiMethods, MAX_UPLOAD_BYTES, METHOD_OF } from '../../src-main/ipc/contract';
import type {
  AppEvent,
  Args,
  BeatlensApi,
  Channel,
  Envelope,
  FileExport,
  FileRef,
  Results,
} from '../../src-main/ipc/contract';

declare global {
  interface Window {
    beatlens?: BeatlensApi;
  }
}

/** A call main refused: its code (e.g. 'wfdb-unsafe-file-name') and one-line message. */
export class AppError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'AppError';
  }
}

const firstLine = (e: unknown): string =>
  (e instanceof Error ? e.message : String(e)).split('\n')[0];

/** Typed call of one channel through its bridge method. */
export async function call<C extends Channel>(channel: C, args: Args<C>): Promise<Results[C]> {
  const api = window.beatlens;
  if (!api) throw new AppError('no-bridge', 'window.beatlens is missing (no preload and no shim)');
  const method = api[METHOD_OF[channel]] as unknown as (
    a: Args<C>,
  ) => Promise<Envelope<Results[C]>>;
  let envelope: Envelope<Results[C]>;
  try {
    envelope = await method(args);
  } catch (e) {
    throw new AppError('bridge-failed', `${channel}: ${firstLine(e)}`);
  }
  if (!envelope.ok) throw new AppError(envelope.code, envelope.message);
  return envelope.value;
}

export function onEvent(listener: (e: AppEvent) => void): () => void {
  if (!window.beatlens) return () => undefined;
  return window.beatlens.onEvent(listener);
}

/**
 * Uploads files the person chose or dropped, as one batch (a WFDB header with its .dat and .atr),
 * and answers the ones to import. Works in both shells; the renderer never learns a path.
 */
export async function uploadFiles(files: readonly File[]): Promise<FileRef[]> {
  const big = files.find((f) => f.size > MAX_UPLOAD_BYTES);
  if (big) {
    throw new AppError(
      'upload-too-large',
      `${big.name} is ${big.size} bytes, over the ${MAX_UPLOAD_BYTES} bytes an upload takes; open it with the file dialog of the desktop app`,
    );
  }
  let batchId: string | undefined;
  const refs: FileRef[] = [];
  for (const file of files) {
    const data = await readBase64(file);
    const r = await call(
      'files:upload',
      batchId ? { batchId, name: file.name, data } : { name: file.name, data },
    );
    batchId = r.batchId;
    if (r.file) refs.push(r.file);
  }
  return refs;
}

function readBase64(file: File): Promise<string> {
  return new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () => {
      const url = String(reader.result);
      resolve(url.slice(url.indexOf(',') + 1));
    };
    reader.onerror = () =>
      reject(
        new AppError('upload-read', `${file.name}: ${reader.error?.message ?? 'cannot be read'}`),
      );
    reader.readAsDataURL(file);
  });
}

/** The browser's own file chooser (a browser has no system dialog run by main). */
function chooseFiles(): Promise<File[]> {
  return new Promise((resolve) => {
    const input = document.createElement('input');
    input.type = 'file';
    input.multiple = true;
    input.addEventListener('change', () => resolve([...(input.files ?? [])]));
    input.addEventListener('cancel', () => resolve([]));
    input.click();
  });
}

/**
 * Exchanges the one-time secret of the launcher's address (`#secret=…`) for the session cookie,
 * and takes it out of the address bar and history.
 */
async function openSession(): Promise<void> {
  const m = /^#secret=([A-Za-z0-9_-]+)$/.exec(location.hash);
  if (!m) return;
  history.replaceState(null, '', `${location.pathname}${location.search}#/`);
  await fetch('./api/session', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ secret: m[1] }),
  });
}

export function installHttpShim(): void {
  if (window.beatlens) return;
  const session = openSession().catch(() => undefined);
  const post = async (path: string, body: unknown): Promise<Envelope<unknown>> => {
    await session;
    const res = await fetch(path, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body ?? {}),
    });
    if ((res.headers.get('content-type') ?? '').startsWith('application/json')) {
      return (await res.json()) as Envelope<unknown>;
    }
    return {
      ok: false,
      code: `http-${res.status}`,
      message: `HTTP ${res.status} ${await res.text()}`,
    };
  };
  const listeners = new Set<(e: AppEvent) => void>();
  let streaming = false;
  const api: BeatlensApi = {
    ...bindApiMethods((channel, args) => post(`./api/invoke/${channel}`, args)),
    async openFiles() {
      try {
        return { ok: true, value: await uploadFiles(await chooseFiles()) };
      } catch (e) {
        return e instanceof AppError
          ? { ok: false, code: e.code, message: e.message }
          : { ok: false, code: 'internal', message: firstLine(e) };
      }
    },
    onEvent(listener) {
      listeners.add(listener);
      if (!streaming) {
        streaming = true;
        void session.then(() => {
          const source = new EventSource('./api/events');
          source.onmessage = (m) => {
            const event = JSON.parse(m.data as string) as AppEvent;
            for (const l of listeners) l(event);
          };
        });
      }
      return () => void listeners.delete(listener);
    },
  };
  Object.defineProperty(window, 'beatlens', { value: Object.freeze(api), configurable: false });
}

/** Saves a blob as a file through a temporary object URL (works in Electron and browsers). */
function downloadBlob(fileName: string, blob: Blob): void {
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = fileName;
  a.click();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

/** Saves text as a file. */
export function downloadText(fileName: string, mimeType: string, text: string): void {
  downloadBlob(fileName, new Blob([text], { type: mimeType }));
}

/** Saves an exported file: its text, or its bytes from base64 (a WFDB annotation file, a PDF). */
export function downloadExport(f: FileExport): void {
  if (f.text !== null) return downloadText(f.fileName, f.mimeType, f.text);
  const bytes = Uint8Array.from(atob(f.base64 ?? ''), (c) => c.charCodeAt(0));
  downloadBlob(f.fileName, new Blob([bytes], { type: f.mimeType }));
}
