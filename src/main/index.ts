/**
 * The Electron shell: the only module (with window.ts) that imports electron. It wires the window, IPC,
 * the file dialog and the progress events to services that run in plain Node.
 */
import { type BrowserWindow, app, dialog, ipcMain } from 'electron';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { WORKFLOW_EVENT_CHANNEL } from '../contract/index.js';
import { registerIpc } from './ipc/register.js';
import { type FileDialog, createServices } from './services.js';
import { createMainWindow, hardenSession, installApplicationMenu, rendererPaths } from './window.js';

const appDir = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

/** Starts the app; resolves when the first window exists. Exported for the shell test. */
export async function start(): Promise<void> {
  if (!app.requestSingleInstanceLock()) {
    app.quit();
    return;
  }
  await app.whenReady();
  hardenSession();
  installApplicationMenu();
  const { urlPrefix } = rendererPaths(appDir);
  let win: BrowserWindow | null = null;
  const fileDialog: FileDialog = {
    async openFile(request) {
      const options = { title: request.title, properties: ['openFile' as const], filters: request.filters };
      const result = win ? await dialog.showOpenDialog(win, options) : await dialog.showOpenDialog(options);
      return result.canceled ? null : (result.filePaths[0] ?? null);
    },
  };
  const services = createServices({
    version: app.getVersion(),
    platform: process.platform,
    dialog: fileDialog,
    emit: (message) => {
      if (win && !win.isDestroyed()) win.webContents.send(WORKFLOW_EVENT_CHANNEL, message);
    },
  });
  registerIpc(ipcMain, services.handlers, (url) => url.startsWith(urlPrefix));
  win = createMainWindow(appDir);
  app.on('window-all-closed', () => {
    void services.dispose().finally(() => app.quit());
  });
}

void start();
