/**
 * Compiled by test/electron/api-types.test.ts against Electron's own declarations (this folder's
 * tsconfig does not map 'electron' to the subset): every part of the subset in
 * src-main/electron/electron-api.d.ts must accept what Electron really provides, and what
 * beatlens builds (options, schemes) must be what Electron really accepts.
 */
import type * as Real from 'electron';
import type * as Sub from '../../../src-main/electron/electron-api';

/** Compiles only when T is assignable to U. */
type Assignable<T extends U, U> = T;

// What Electron provides, as beatlens declares it.
export type Provided = [
  Assignable<typeof Real.app, typeof Sub.app>,
  Assignable<typeof Real.ipcMain, typeof Sub.ipcMain>,
  Assignable<typeof Real.protocol, typeof Sub.protocol>,
  Assignable<typeof Real.session, typeof Sub.session>,
  Assignable<typeof Real.dialog, typeof Sub.dialog>,
  Assignable<typeof Real.contextBridge, typeof Sub.contextBridge>,
  Assignable<typeof Real.ipcRenderer, typeof Sub.ipcRenderer>,
  Assignable<typeof Real.BrowserWindow, typeof Sub.BrowserWindow>,
  Assignable<Real.BrowserWindow, Sub.BrowserWindow>,
  Assignable<Real.WebContents, Sub.WebContents>,
  Assignable<Real.WebFrameMain, Sub.WebFrameMain>,
  Assignable<Real.IpcMainInvokeEvent, Sub.IpcMainInvokeEvent>,
  Assignable<Real.IpcRendererEvent, Sub.IpcRendererEvent>,
  Assignable<Real.Session, Sub.Session>,
  Assignable<Real.OpenDialogReturnValue, Sub.OpenDialogReturnValue>,
];

// What beatlens passes in, as Electron declares it.
export type Accepted = [
  Assignable<Sub.CustomScheme, Real.CustomScheme>,
  Assignable<Sub.BrowserWindowConstructorOptions, Real.BrowserWindowConstructorOptions>,
  Assignable<Sub.OpenDialogOptions, Real.OpenDialogOptions>,
];

// The comparison is real (Electron's types are not `any` here): a member Electron lacks fails.
// @ts-expect-error -- Electron's app has no such method
export type NotProvided = Assignable<typeof Real.app, { notAnElectronMethod(): void }>;
