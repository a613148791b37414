/**
 * The desktop app's PDF printer (the `PdfPrinter` of src-main/holter/pdf.ts): the report page
 * loaded into a hidden, sandboxed window with JavaScript off (the page has none), printed with
 * Electron's `webContents.printToPDF`, the window destroyed whatever happens.
 */
import { BrowserWindow } from 'electron';
import type { PdfPrinter } from '../holter/pdf';

export function electronPdfPrinter(): PdfPrinter {
  return {
    name: 'electron printToPDF',
    async print(html) {
      const win = new BrowserWindow({
        show: false,
        webPreferences: {
          contextIsolation: true,
          nodeIntegration: false,
          sandbox: true,
          javascript: false,
        },
      });
      try {
        const page = Buffer.from(html, 'utf8').toString('base64');
        await win.loadURL(`data:text/html;charset=utf-8;base64,${page}`);
        const pdf = await win.webContents.printToPDF({ pageSize: 'A4', printBackground: true });
        return new Uint8Array(pdf);
      } finally {
        win.destroy();
      }
    },
  };
}
