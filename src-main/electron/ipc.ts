/**
 * The one place Electron's `ipcMain.handle` is called. Every channel goes through the same
 * wrapper, which answers only the app's own top-level page (`event.senderFrame` at
 * beatlens://app, Electron's "validate the sender of all IPC messages"): a frame that navigated
 * elsewhere, a sub-frame or a destroyed frame gets a refusal envelope, and no handler runs.
 */
import type { IpcMain, IpcMainInvokeEvent } from 'electron';
import { CHANNELS, ipcChannel } from '../ipc/contract';
import type { Envelope } from '../ipc/contract';
import type { Handlers } from '../ipc/handlers';
import { isAppUrl } from './app-protocol';

/** Null when the message came from the app's own top-level page, else why it is refused. */
export function untrustedSender(event: IpcMainInvokeEvent): string | null {
  const frame = event.senderFrame;
  if (frame === null) return 'the sending frame is gone';
  if (frame.parent !== null) return 'it came from a sub-frame';
  if (!isAppUrl(frame.url)) return `it came from ${frame.url || 'a page without a URL'}`;
  return null;
}

export function registerIpcHandlers(ipcMain: Pick<IpcMain, 'handle'>, handlers: Handlers): void {
  for (const channel of CHANNELS) {
    ipcMain.handle(ipcChannel(channel), (event, raw): Promise<Envelope<unknown>> => {
      const why = untrustedSender(event);
      if (why !== null) {
        return Promise.resolve({
          ok: false,
          code: 'ipc-untrusted-sender',
          message: `${channel}: refused because ${why}, not from the app's own page`,
        });
      }
      return handlers[channel](raw);
    });
  }
}
