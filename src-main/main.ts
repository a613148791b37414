/**
 * Electron wiring only: create the app services (the main process owns data, model and SQLite),
 * register every channel through the one sender-checking wrapper, forward progress events, serve
 * the renderer on the app's own scheme, and open a locked-down window (context isolation, no Node
 * integration, sandbox, no navigation, no new windows, no permission grants).
 */
import { app, BrowserWindow, dialog, ipcMain, protocol, session } from 'electron';
import { join } from 'node:path';
import { EVENT_CHANNEL } from './ipc/contract';
import { createHandlers } from './ipc/handlers';
import { createEventBus } from './ipc/events';
import { createAppServices } from './app/services';
import { IMPORT_EXTENSIONS } from './ecg/import/load';
import {
  APP_SCHEME,
  APP_SCHEME_PRIVILEGES,
  APP_URL,
  appProtocolHandler,
} from './electron/app-protocol';
import { registerIpcHandlers } from './electron/ipc';
import { electronPdfPrinter } from './electron/pdf-printer';
import { denyAllPermissions, lockDownContents } from './electron/window-policy';

// Before `ready`: the scheme must be privileged to have an origin, fetch and storage.
protocol.registerSchemesAsPrivileged([APP_SCHEME_PRIVILEGES]);
app.on('web-contents-created', (_event, contents) => lockDownContents(contents));

/** The system file dialog, run here in main: the renderer only ever gets opaque file ids. */
async function pickFiles(kind: 'records' | 'model'): Promise<string[]> {
  const { filePaths } = await dialog.showOpenDialog(
    kind === 'model'
      ? {
          title: 'Import a model (its model.json, beside weights.bin)',
          properties: ['openFile'],
          filters: [{ name: 'beatlens model (model.json)', extensions: ['json'] }],
        }
      : {
          title: 'Import ECG records',
          properties: ['openFile', 'multiSelections'],
          filters: [
            {
              name: 'ECG records (WFDB .hea, CSV, EDF)',
              extensions: IMPORT_EXTENSIONS.map((e) => e.slice(1)),
            },
          ],
        },
  );
  return filePaths;
}

async function createWindow(): Promise<void> {
  const events = createEventBus();
  const services = await createAppServices({
    shell: 'electron',
    events,
    demo: true,
    version: app.getVersion(),
    pickFiles,
    printPdf: electronPdfPrinter(),
  });
  registerIpcHandlers(ipcMain, createHandlers(services.impl));
  denyAllPermissions(session.defaultSession);
  protocol.handle(APP_SCHEME, appProtocolHandler(join(__dirname, '..', 'dist-renderer')));

  const win = new BrowserWindow({
    width: 1400,
    height: 900,
    title: 'beatlens',
    webPreferences: {
      preload: join(__dirname, 'preload.cjs'),
      contextIsolation: true,
      nodeIntegration: false,
      nodeIntegrationInSubFrames: false,
      sandbox: true,
      webSecurity: true,
      webviewTag: false,
    },
  });
  const unsubscribe = events.subscribe((event) => {
    if (!win.isDestroyed()) win.webContents.send(EVENT_CHANNEL, event);
  });
  win.on('closed', () => {
    unsubscribe();
    services.close();
  });
  await win.loadURL(APP_URL);
}

app.whenReady().then(createWindow, (e: unknown) => {
  console.error(e instanceof Error ? e.message : String(e));
  app.exit(1);
});
app.on('window-all-closed', () => app.quit());
