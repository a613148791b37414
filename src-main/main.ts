/**
 * Electron wiring only: create the app services (the main process owns data, model and SQLite),
 * register one ipcMain handler per channel, forward progress events, and open a locked-down
 * window (context isolation, no Node integration, sandbox, no navigation, no new windows, no
 * permission grants, a strict Content-Security-Policy).
 */
import { app, BrowserWindow, ipcMain, session } from 'electron';
import { join } from 'node:path';
import { CHANNELS, EVENT_CHANNEL, ipcChannel } from './ipc/contract';
import { createHandlers, invokeChannel } from './ipc/handlers';
import { createEventBus } from './ipc/events';
import { createAppServices } from './app/services';

const CSP =
  "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'";

async function createWindow(): Promise<void> {
  const events = createEventBus();
  const services = await createAppServices({
    shell: 'electron',
    events,
    demo: true,
    version: app.getVersion(),
  });
  const handlers = createHandlers(services.impl);
  for (const channel of CHANNELS) {
    ipcMain.handle(ipcChannel(channel), (_e, raw: unknown) =>
      invokeChannel(handlers, channel, raw),
    );
  }

  session.defaultSession.setPermissionRequestHandler((_wc, _perm, callback) => callback(false));
  session.defaultSession.webRequest.onHeadersReceived((details, callback) => {
    callback({ responseHeaders: { ...details.responseHeaders, 'Content-Security-Policy': [CSP] } });
  });

  const win = new BrowserWindow({
    width: 1400,
    height: 900,
    title: 'beatlens',
    webPreferences: {
      preload: join(__dirname, 'preload.cjs'),
      contextIsolation: true,
      nodeIntegration: false,
      sandbox: true,
      webSecurity: true,
    },
  });
  win.webContents.setWindowOpenHandler(() => ({ action: 'deny' }));
  win.webContents.on('will-navigate', (e) => e.preventDefault());
  const unsubscribe = events.subscribe((event) => {
    if (!win.isDestroyed()) win.webContents.send(EVENT_CHANNEL, event);
  });
  win.on('closed', () => {
    unsubscribe();
    services.close();
  });
  await win.loadFile(join(__dirname, '..', 'dist-renderer', 'index.html'));
}

app.whenReady().then(createWindow, (e: unknown) => {
  console.error(e instanceof Error ? e.message : String(e));
  app.exit(1);
});
app.on('window-all-closed', () => app.quit());
