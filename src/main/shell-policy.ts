/**
 * The shell's security decisions as plain data and pure functions, so that plain-Node tests (and the
 * renderer build, which writes the CSP into index.html) can use them without Electron.
 */
import { isAbsolute, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The renderer's Content-Security-Policy: our own scripts only, no remote anything. The page is loaded
 * from `file://`, where no response header exists, so this is delivered as a `<meta>` tag that the
 * renderer build writes from this constant (vite.config.ts). A meta tag ignores `frame-ancestors`,
 * so it is not listed; nothing can frame the app's window anyway (`default-src 'self'` also bars
 * frames inside it from elsewhere).
 */
export const CSP =
  "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'none'; object-src 'none'; base-uri 'none'; form-action 'none'";

/** The only hosts the app opens in the person's browser: vendor documentation. */
export const DOCUMENTATION_HOSTS: readonly string[] = Object.freeze([
  'help.webex.com',
  'roomos.cisco.com',
  'www.cisco.com',
]);

/**
 * Whether `shell.openExternal` may open this URL: `https:` to a documentation host exactly (no
 * subdomain, no user info, no port other than 443). Everything else, including `http:`, `file:`,
 * custom schemes and look-alike hosts, is refused.
 */
export function isAllowedExternalUrl(url: unknown): boolean {
  const parsed = urlWithoutUserInfo(url);
  // `https://help.webex.com@evil.example/` parses with evil.example as the host; user info is refused.
  if (parsed === null || parsed.protocol !== 'https:') return false;
  if (parsed.port !== '') return false;
  return DOCUMENTATION_HOSTS.includes(parsed.hostname);
}

/**
 * Whether the OAuth sign-in may open this URL in the person's browser: the `authorize` address of the API
 * base the sign-in uses (`{apiBase}/authorize?…`, the same scheme, host and port; https, or http on a
 * loopback address as the API base allows), without user info or fragment. Anything else is refused.
 */
export function isAllowedSignInUrl(url: unknown, apiBase: string): boolean {
  const parsed = urlWithoutUserInfo(url);
  const base = urlWithoutUserInfo(apiBase);
  if (parsed === null || base === null || parsed.hash !== '') return false;
  const loopback = /^(127\.\d+\.\d+\.\d+|localhost|\[::1\])$/i.test(base.hostname);
  if (base.protocol !== 'https:' && !(base.protocol === 'http:' && loopback)) return false;
  return (
    parsed.origin === base.origin && parsed.pathname === `${base.pathname.replace(/\/+$/, '')}/authorize`
  );
}

/** A string parsed as a URL, or null when it is none or carries user info (`user:password@`). */
function urlWithoutUserInfo(url: unknown): URL | null {
  if (typeof url !== 'string') return null;
  try {
    const parsed = new URL(url);
    return parsed.username === '' && parsed.password === '' ? parsed : null;
  } catch {
    return null;
  }
}

/** One entry of the application menu (a structural subset of Electron's MenuItemConstructorOptions). */
export interface MenuEntry {
  label?: string;
  role?: 'quit' | 'undo' | 'redo' | 'cut' | 'copy' | 'paste' | 'selectAll';
  type?: 'separator';
  submenu?: MenuEntry[];
}

/**
 * The packaged build's application menu: Quit, and the Edit roles that give copy and paste their
 * keyboard shortcuts. Nothing that reloads the page or opens the developer tools.
 */
export function packagedMenuTemplate(platform: NodeJS.Platform): MenuEntry[] {
  const edit: MenuEntry = {
    label: 'Edit',
    submenu: [
      { role: 'undo' },
      { role: 'redo' },
      { type: 'separator' },
      { role: 'cut' },
      { role: 'copy' },
      { role: 'paste' },
      { role: 'selectAll' },
    ],
  };
  // On macOS the first menu is the app's own (its name), and Quit lives there.
  const first: MenuEntry =
    platform === 'darwin'
      ? { label: 'E2EE Identity Provisioner', submenu: [{ role: 'quit' }] }
      : { label: 'File', submenu: [{ role: 'quit' }] };
  return [first, edit];
}

/**
 * Whether an IPC sender is the app's own page: a `file:` URL with no host and no user info whose path,
 * parsed and normalised (`.` and `..` segments, their percent-encoded forms, doubled slashes), lies inside
 * the built renderer's folder. Percent-encoded slashes, backslashes and NUL are refused outright. A raw
 * prefix test took `<folder>/../../elsewhere.html`, which names a file outside the folder.
 */
export function isOwnPage(url: unknown, rendererDir: string): boolean {
  const parsed = urlWithoutUserInfo(url);
  if (parsed === null || parsed.protocol !== 'file:' || parsed.host !== '') return false;
  if (/%2f|%5c|%00|\\/i.test(parsed.pathname)) return false;
  let path: string;
  try {
    path = fileURLToPath(parsed);
  } catch {
    return false;
  }
  const rel = relative(resolve(rendererDir), resolve(path));
  return rel !== '' && rel !== '..' && !rel.startsWith(`..${sep}`) && !isAbsolute(rel);
}
