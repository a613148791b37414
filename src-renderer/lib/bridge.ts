/**
 * The renderer's only way to the data: `window.beatlens`. In Electron the preload installs it;
 * in a plain browser (tests, `npm run serve`) `installHttpShim` builds the same API on the
 * loopback HTTP bridge, using the token the bridge wrote into index.html.
 */
import type {
  AppEvent,
  Args,
  BeatlensApi,
  Channel,
  Envelope,
  Results,
} from '../../src-main/ipc/contract';

declare global {
  interface Window {
    beatlens?: BeatlensApi;
  }
}

export function installHttpShim(): void {
  if (window.beatlens) return;
  const token =
    document.querySelector('meta[name="beatlens-token"]')?.getAttribute('content') ?? '';
  const listeners = new Set<(e: AppEvent) => void>();
  let source: EventSource | null = null;
  const api: BeatlensApi = {
    async invoke(channel, args) {
      const res = await fetch(`./api/invoke/${channel}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-beatlens-token': token },
        body: JSON.stringify(args ?? {}),
      });
      if (!res.ok && res.headers.get('content-type') !== 'application/json') {
        throw new Error(`${channel}: HTTP ${res.status} ${await res.text()}`);
      }
      const envelope = (await res.json()) as Envelope<never>;
      if (!envelope.ok) throw new Error(envelope.message);
      return envelope.value;
    },
    onEvent(listener) {
      listeners.add(listener);
      if (!source) {
        source = new EventSource(`./api/events?token=${encodeURIComponent(token)}`);
        source.onmessage = (m) => {
          const event = JSON.parse(m.data as string) as AppEvent;
          for (const l of listeners) l(event);
        };
      }
      return () => listeners.delete(listener);
    },
  };
  Object.defineProperty(window, 'beatlens', { value: Object.freeze(api), configurable: false });
}

/** Typed call of one channel. */
export function call<C extends Channel>(channel: C, args: Args<C>): Promise<Results[C]> {
  if (!window.beatlens) throw new Error('window.beatlens is missing (no preload and no shim)');
  return window.beatlens.invoke(channel, args);
}

export function onEvent(listener: (e: AppEvent) => void): () => void {
  if (!window.beatlens) return () => undefined;
  return window.beatlens.onEvent(listener);
}

/** Saves text as a file through a temporary object URL (works in Electron and browsers). */
export function downloadText(fileName: string, mimeType: string, text: string): void {
  const url = URL.createObjectURL(new Blob([text], { type: mimeType }));
  const a = document.createElement('a');
  a.href = url;
  a.download = fileName;
  a.click();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}
