/**
 * The Electron shell: the only module (with window.ts) that imports electron. It wires the window and
 * IPC to services that run in plain Node.
 */
import { app, ipcMain } from 'electron';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { registerIpc } from './ipc/register.js';
import { createHandlers } from './services.js';
import { createMainWindow, rendererPaths } from './window.js';

const appDir = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

/** Starts the app; resolves when the first window exists. Exported for the shell test. */
export async function start(): Promise<void> {
  if (!app.requestSingleInstanceLock()) {
    app.quit();
    return;
  }
  await app.whenReady();
  const { urlPrefix } = rendererPaths(appDir);
  registerIpc(ipcMain, createHandlers({ version: app.getVersion(), platform: process.platform }), (url) =>
    url.startsWith(urlPrefix),
  );
  createMainWindow(appDir);
  app.on('window-all-closed', () => app.quit());
}

void start();
