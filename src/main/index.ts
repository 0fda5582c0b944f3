/**
 * The Electron shell: the only module (with window.ts) that imports electron. It wires the window, IPC,
 * the file dialog and the progress events to services that run in plain Node.
 */
import { type BrowserWindow, app, clipboard, dialog, ipcMain } from 'electron';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { WORKFLOW_EVENT_CHANNEL } from '../contract/index.js';
import { registerIpc } from './ipc/register.js';
import { isOwnPage } from './shell-policy.js';
import { type FileDialog, createServices } from './services.js';
import {
  createMainWindow,
  hardenSession,
  installApplicationMenu,
  openSignInPage,
  rendererPaths,
} from './window.js';

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
  const renderer = rendererPaths(appDir);
  let win: BrowserWindow | null = null;
  const fileDialog: FileDialog = {
    async openFile(request) {
      const options = { title: request.title, properties: ['openFile' as const], filters: request.filters };
      const result = win ? await dialog.showOpenDialog(win, options) : await dialog.showOpenDialog(options);
      return result.canceled ? null : (result.filePaths[0] ?? null);
    },
    async saveFile(request) {
      const options = { title: request.title, defaultPath: request.defaultName };
      const result = win ? await dialog.showSaveDialog(win, options) : await dialog.showSaveDialog(options);
      return result.canceled ? null : (result.filePath ?? null);
    },
  };
  const services = createServices({
    version: app.getVersion(),
    platform: process.platform,
    dialog: fileDialog,
    clipboard,
    openBrowser: openSignInPage,
    emit: (message) => {
      if (win && !win.isDestroyed()) win.webContents.send(WORKFLOW_EVENT_CHANNEL, message);
    },
  });
  // The sender's URL, parsed and normalised, must name a file in the renderer's folder (not a raw prefix).
  registerIpc(ipcMain, services.handlers, (url) => isOwnPage(url, renderer.dir));
  win = createMainWindow(appDir);
  // A generated secret the person has not acknowledged is lost with the app: closing asks first.
  win.on('close', (event) => {
    const question = services.quitQuestion();
    if (question === null || !win) return;
    const answer = dialog.showMessageBoxSync(win, {
      type: 'warning',
      buttons: question.buttons,
      defaultId: 0,
      cancelId: 0,
      title: question.title,
      message: question.message,
      detail: question.detail,
    });
    if (answer === 0) event.preventDefault();
  });
  app.on('window-all-closed', () => {
    void services.dispose().finally(() => app.quit());
  });
}

void start();
