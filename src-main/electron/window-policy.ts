/**
 * What a window's contents may do: nothing beyond the one app page. No navigation (a dropped
 * file or a link would otherwise replace the app), no new windows, no <webview>, no permission
 * (camera, notifications, …). main.ts applies `lockDownContents` to every webContents Electron
 * creates, so a window added later is covered too.
 */
import type { Event, Session, WebContents } from 'electron';

const deny = (event: Event): void => event.preventDefault();

export function lockDownContents(contents: WebContents): void {
  contents.setWindowOpenHandler(() => ({ action: 'deny' }));
  contents.on('will-navigate', deny);
  contents.on('will-frame-navigate', deny);
  contents.on('will-attach-webview', deny);
}

export function denyAllPermissions(session: Session): void {
  session.setPermissionRequestHandler((_contents, _permission, callback) => callback(false));
  session.setPermissionCheckHandler(() => false);
}
