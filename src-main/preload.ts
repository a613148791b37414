/**
 * The preload bridge: runs sandboxed with context isolation and exposes exactly one object,
 * `window.beatlens`, whose `invoke` only forwards known channel names to main (where every
 * argument is validated) and whose `onEvent` only relays progress events. The renderer never
 * sees ipcRenderer, Node or Electron objects.
 */
import { contextBridge, ipcRenderer } from 'electron';
import type { IpcRendererEvent } from 'electron';
import { CHANNELS, EVENT_CHANNEL, ipcChannel } from './ipc/contract';
import type { AppEvent, BeatlensApi, Channel, Envelope } from './ipc/contract';

const api: BeatlensApi = {
  async invoke(channel, args) {
    if (!(CHANNELS as string[]).includes(channel)) throw new Error(`unknown channel '${channel}'`);
    const envelope = (await ipcRenderer.invoke(
      ipcChannel(channel as Channel),
      args,
    )) as Envelope<never>;
    if (!envelope.ok) throw new Error(envelope.message);
    return envelope.value;
  },
  onEvent(listener) {
    const relay = (_e: IpcRendererEvent, event: AppEvent) => listener(event);
    ipcRenderer.on(EVENT_CHANNEL, relay);
    return () => ipcRenderer.removeListener(EVENT_CHANNEL, relay);
  },
};

contextBridge.exposeInMainWorld('beatlens', api);
