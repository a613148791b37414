/**
 * The preload bridge: runs sandboxed with context isolation and exposes exactly one object,
 * `window.beatlens`, with one method per channel of the contract (each bound to its own channel;
 * main validates every argument) answering the `{ ok, value } | { ok, code, message }` envelope,
 * and `onEvent`, which only relays progress events. The renderer never sees ipcRenderer, Node or
 * Electron objects. No zod here: the contract it imports is types and names only.
 */
import { contextBridge, ipcRenderer } from 'electron';
import type { IpcRendererEvent } from 'electron';
import { bindApiMethods, EVENT_CHANNEL, ipcChannel } from './ipc/contract';
import type { AppEvent, BeatlensApi, Envelope } from './ipc/contract';

const api: BeatlensApi = {
  ...bindApiMethods(
    (channel, args) => ipcRenderer.invoke(ipcChannel(channel), args) as Promise<Envelope<unknown>>,
  ),
  onEvent(listener) {
    const relay = (_e: IpcRendererEvent, event: unknown) => listener(event as AppEvent);
    ipcRenderer.on(EVENT_CHANNEL, relay);
    return () => void ipcRenderer.removeListener(EVENT_CHANNEL, relay);
  },
};

contextBridge.exposeInMainWorld('beatlens', api);
