/**
 * The part of Electron's API that beatlens uses. tsconfig.json maps the module name 'electron'
 * to this file on every machine, so the typecheck does not depend on the `electron` package:
 * its postinstall downloads the Electron binary, and where that download fails npm drops the
 * optional package (types included). Where the package is installed,
 * test/electron/api-types.test.ts checks that Electron's own declarations are assignable to
 * these, so this file cannot drift from the real API unnoticed.
 */

export interface Event {
  preventDefault(): void;
}

export interface WebFrameMain {
  readonly url: string;
  readonly parent: WebFrameMain | null;
}

export interface WebContents {
  readonly mainFrame: WebFrameMain;
  send(channel: string, ...args: unknown[]): void;
  setWindowOpenHandler(handler: (details: { url: string }) => { action: 'deny' }): void;
  on(event: 'will-navigate', listener: (event: Event, url: string) => void): this;
  on(event: 'will-frame-navigate', listener: (event: Event) => void): this;
  on(event: 'will-attach-webview', listener: (event: Event) => void): this;
  /** The loaded page as PDF bytes (a Buffer in Electron). */
  printToPDF(options: {
    pageSize?: 'A4' | 'Letter';
    printBackground?: boolean;
  }): Promise<Uint8Array>;
}

export interface WebPreferences {
  preload?: string;
  contextIsolation?: boolean;
  nodeIntegration?: boolean;
  nodeIntegrationInSubFrames?: boolean;
  sandbox?: boolean;
  webSecurity?: boolean;
  webviewTag?: boolean;
  javascript?: boolean;
}

export interface BrowserWindowConstructorOptions {
  width?: number;
  height?: number;
  title?: string;
  show?: boolean;
  webPreferences?: WebPreferences;
}

export class BrowserWindow {
  constructor(options?: BrowserWindowConstructorOptions);
  readonly webContents: WebContents;
  loadURL(url: string): Promise<void>;
  isDestroyed(): boolean;
  destroy(): void;
  on(event: 'closed', listener: () => void): this;
}

export interface App {
  whenReady(): Promise<void>;
  getVersion(): string;
  quit(): void;
  exit(exitCode?: number): void;
  on(event: 'window-all-closed', listener: () => void): this;
  on(
    event: 'web-contents-created',
    listener: (event: Event, webContents: WebContents) => void,
  ): this;
}

export interface IpcMainInvokeEvent {
  readonly sender: WebContents;
  /** The frame that sent the message; null once it navigated away or was destroyed. */
  readonly senderFrame: WebFrameMain | null;
}

export interface IpcMain {
  handle(
    channel: string,
    listener: (event: IpcMainInvokeEvent, ...args: unknown[]) => Promise<unknown> | unknown,
  ): void;
}

export interface Privileges {
  standard?: boolean;
  secure?: boolean;
  supportFetchAPI?: boolean;
  corsEnabled?: boolean;
  stream?: boolean;
  codeCache?: boolean;
}

export interface CustomScheme {
  scheme: string;
  privileges?: Privileges;
}

export interface Protocol {
  registerSchemesAsPrivileged(customSchemes: CustomScheme[]): void;
  handle(scheme: string, handler: (request: Request) => Response | Promise<Response>): void;
}

export interface Session {
  setPermissionRequestHandler(
    handler:
      | ((
          webContents: WebContents,
          permission: string,
          callback: (permissionGranted: boolean) => void,
        ) => void)
      | null,
  ): void;
  setPermissionCheckHandler(
    handler: ((webContents: WebContents | null, permission: string) => boolean) | null,
  ): void;
}

export interface FileFilter {
  name: string;
  extensions: string[];
}

export interface OpenDialogOptions {
  title?: string;
  filters?: FileFilter[];
  properties?: Array<'openFile' | 'multiSelections'>;
}

export interface OpenDialogReturnValue {
  canceled: boolean;
  filePaths: string[];
}

export interface Dialog {
  showOpenDialog(options: OpenDialogOptions): Promise<OpenDialogReturnValue>;
}

export interface IpcRenderer {
  invoke(channel: string, ...args: unknown[]): Promise<unknown>;
  on(channel: string, listener: (event: IpcRendererEvent, ...args: unknown[]) => void): this;
  removeListener(
    channel: string,
    listener: (event: IpcRendererEvent, ...args: unknown[]) => void,
  ): this;
}

export interface IpcRendererEvent {
  readonly sender: IpcRenderer;
}

export interface ContextBridge {
  exposeInMainWorld(apiKey: string, api: unknown): void;
}

export const app: App;
export const ipcMain: IpcMain;
export const protocol: Protocol;
export const session: { readonly defaultSession: Session };
export const dialog: Dialog;
export const contextBridge: ContextBridge;
export const ipcRenderer: IpcRenderer;
