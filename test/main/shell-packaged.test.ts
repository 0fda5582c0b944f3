/**
 * The shell's wiring as a packaged build, with `electron` replaced by the test shim: the real main code
 * starts with `app.isPackaged` true and must deny every permission, turn the developer tools off, set the
 * minimal menu, and open only allow-listed documentation links outside the app.
 */
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { packagedMenuTemplate } from '../../src/main/shell-policy.js';
import { app, recorded } from '../e2e/electron-main-shim.js';

vi.mock('electron', () => import('../e2e/electron-main-shim.js'));

beforeAll(async () => {
  app.isPackaged = true;
  await import('../../src/main/index.js');
  await vi.waitFor(() => expect(recorded.windows).toHaveLength(1));
});

describe('the shell, packaged', () => {
  it('denies every permission request and check', () => {
    const request = recorded.permissionRequestHandler!;
    const check = recorded.permissionCheckHandler!;
    expect(request).toBeTypeOf('function');
    expect(check).toBeTypeOf('function');
    for (const permission of [
      'media',
      'notifications',
      'serial',
      'hid',
      'usb',
      'clipboard-read',
      'openExternal',
    ]) {
      const answers: boolean[] = [];
      request({}, permission, (granted) => answers.push(granted), {});
      expect(answers, permission).toEqual([false]);
      expect(check(null, permission, 'file:///', {}), permission).toBe(false);
    }
  });

  it('turns the developer tools off and keeps the window’s isolation', () => {
    expect(recorded.windows[0]!.options.webPreferences).toMatchObject({
      devTools: false,
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
    });
  });

  it('sets the minimal menu: Quit and Edit, no reload, no developer tools', () => {
    expect(recorded.applicationMenu).toEqual({ template: packagedMenuTemplate(process.platform) });
  });

  it('opens only allow-listed documentation links, and never a window inside the app', () => {
    const open = recorded.windows[0]!.webContents.windowOpenHandler!;
    for (const url of [
      'https://help.webex.com/en-us/article/n2ur8bv/',
      'https://evil.example/',
      'http://roomos.cisco.com/',
      'file:///etc/passwd',
      'https://help.webex.com@evil.example/',
    ]) {
      expect(open({ url }), url).toEqual({ action: 'deny' });
    }
    expect(recorded.openedExternally).toEqual(['https://help.webex.com/en-us/article/n2ur8bv/']);
  });
});
