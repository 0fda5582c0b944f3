import { BrowserWindow, Menu, app, session, shell } from 'electron';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { isAllowedExternalUrl, packagedMenuTemplate } from './shell-policy.js';

/** Where the built renderer lives, and the URL prefix IPC trusts. */
export function rendererPaths(appDir: string): {
  html: string;
  dir: string;
  urlPrefix: string;
  preload: string;
} {
  const html = join(appDir, 'dist', 'renderer', 'index.html');
  return {
    html,
    dir: join(appDir, 'dist', 'renderer'),
    urlPrefix: pathToFileURL(join(appDir, 'dist', 'renderer')).href + '/',
    preload: join(appDir, 'dist', 'preload', 'index.cjs'),
  };
}

/**
 * Session-wide defences, before any page loads: every permission request (camera, notifications,
 * serial, HID, clipboard read …) is refused and every permission check answers no. The app talks to
 * devices from main (serialport, ssh2), never through web APIs, so the page needs none.
 */
export function hardenSession(): void {
  session.defaultSession.setPermissionRequestHandler((_webContents, _permission, callback) =>
    callback(false),
  );
  session.defaultSession.setPermissionCheckHandler(() => false);
}

/**
 * The application menu: in a packaged build a minimal one (Quit, Edit roles), which has no reload and no
 * developer tools; during development Electron's default menu stays.
 */
export function installApplicationMenu(): void {
  if (!app.isPackaged) return;
  Menu.setApplicationMenu(Menu.buildFromTemplate(packagedMenuTemplate(process.platform)));
}

/** Opens a documentation link in the person's browser when its host is on the allow-list; else nothing. */
export function openExternalIfAllowed(url: string): boolean {
  if (!isAllowedExternalUrl(url)) return false;
  void shell.openExternal(url);
  return true;
}

/**
 * Opens the OAuth sign-in page in the person's browser. The services have checked it against the sign-in's
 * API base first (`isAllowedSignInUrl`); here only an http(s) address without user info is passed on.
 */
export async function openSignInPage(url: string): Promise<void> {
  const parsed = URL.canParse(url) ? new URL(url) : null;
  if (parsed === null || !/^https?:$/.test(parsed.protocol) || parsed.username || parsed.password)
    throw new Error('not a sign-in address');
  await shell.openExternal(url);
}

/** The one window: isolated, sandboxed, no Node in the page, navigation and new windows denied. */
export function createMainWindow(appDir: string): BrowserWindow {
  const paths = rendererPaths(appDir);
  // The CSP reaches the page as the meta tag the renderer build writes (shell-policy.ts): a file://
  // load has no response headers for webRequest to add one to.
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
      devTools: !app.isPackaged,
    },
  });
  win.webContents.on('will-navigate', (event) => event.preventDefault());
  win.webContents.setWindowOpenHandler(({ url }) => {
    // Documentation links open in the person's browser; nothing opens inside the app.
    openExternalIfAllowed(url);
    return { action: 'deny' };
  });
  win.once('ready-to-show', () => win.show());
  void win.loadFile(paths.html);
  return win;
}
