import { BrowserWindow, session, shell } from 'electron';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

/** The renderer's Content-Security-Policy: our own scripts only, no remote anything. */
export const CSP =
  "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'none'; object-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

/** Where the built renderer lives, and the URL prefix IPC trusts. */
export function rendererPaths(appDir: string): { html: string; urlPrefix: string; preload: string } {
  const html = join(appDir, 'dist', 'renderer', 'index.html');
  return {
    html,
    urlPrefix: pathToFileURL(join(appDir, 'dist', 'renderer')).href + '/',
    preload: join(appDir, 'dist', 'preload', 'index.cjs'),
  };
}

/** The one window: isolated, sandboxed, no Node in the page, navigation and new windows denied. */
export function createMainWindow(appDir: string): BrowserWindow {
  const paths = rendererPaths(appDir);
  session.defaultSession.webRequest.onHeadersReceived((details, callback) => {
    callback({ responseHeaders: { ...details.responseHeaders, 'Content-Security-Policy': [CSP] } });
  });
  const win = new BrowserWindow({
    width: 1180,
    height: 800,
    show: false,
    webPreferences: {
      preload: paths.preload,
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      webSecurity: true,
      spellcheck: false,
    },
  });
  win.webContents.on('will-navigate', (event) => event.preventDefault());
  win.webContents.setWindowOpenHandler(({ url }) => {
    // Links to documentation open in the person's browser; nothing opens inside the app.
    if (url.startsWith('https://')) void shell.openExternal(url);
    return { action: 'deny' };
  });
  win.once('ready-to-show', () => win.show());
  void win.loadFile(paths.html);
  return win;
}
