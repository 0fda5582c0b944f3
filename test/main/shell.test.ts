/**
 * The Electron shell's decisions, in plain Node: which URLs leave for the browser, the packaged menu,
 * the CSP as the build writes it into the page, and the fuses electron-builder flips in the binary.
 * The wiring (handlers registered, devtools off when packaged) is in shell-packaged.test.ts and
 * test/e2e/app.test.ts; the policy the page runs under, in Chromium, is in test/e2e/app.test.ts.
 */
import type { Configuration } from 'electron-builder';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  CSP,
  DOCUMENTATION_HOSTS,
  isAllowedExternalUrl,
  packagedMenuTemplate,
} from '../../src/main/shell-policy.js';

const root = resolve(import.meta.dirname, '../..');

describe('openExternal allow-list', () => {
  it('allows https links to the documentation hosts', () => {
    expect(DOCUMENTATION_HOSTS).toEqual(['help.webex.com', 'roomos.cisco.com', 'www.cisco.com']);
    for (const url of [
      'https://help.webex.com/en-us/article/n2ur8bv/',
      'https://roomos.cisco.com/xapi/Command.Security.Certificates.Webex.Identity.Add',
      'https://www.cisco.com/c/en/us/support/index.html?q=e2ee#top',
      'https://ROOMOS.cisco.com/',
      'https://www.cisco.com:443/',
    ]) {
      expect(isAllowedExternalUrl(url), url).toBe(true);
    }
  });

  it('refuses every other scheme, host, look-alike and non-string', () => {
    for (const url of [
      'http://help.webex.com/',
      'file:///etc/passwd',
      'javascript:alert(1)',
      'smb://www.cisco.com/share',
      'ms-msdt:/id PCWDiagnostic',
      'https://evil.example/',
      'https://help.webex.com.evil.example/',
      'https://evilhelp.webex.com/',
      'https://cisco.com/',
      'https://sub.roomos.cisco.com/',
      'https://help.webex.com@evil.example/',
      'https://user:pw@help.webex.com/',
      'https://www.cisco.com:8443/',
      'https://www.cisco.com./',
      'https://',
      'help.webex.com',
      '',
    ]) {
      expect(isAllowedExternalUrl(url), url).toBe(false);
    }
    for (const value of [undefined, null, 42, { href: 'https://help.webex.com/' }]) {
      expect(isAllowedExternalUrl(value)).toBe(false);
    }
  });
});

describe('the packaged application menu', () => {
  const roles = (template: ReturnType<typeof packagedMenuTemplate>): string[] =>
    template
      .flatMap((m) => [m.role ?? '', ...(m.submenu ?? []).map((i) => i.role ?? i.type ?? '')])
      .filter(Boolean);

  it.each(['linux', 'win32', 'darwin'] as const)(
    'on %s: Quit and the Edit roles, nothing else',
    (platform) => {
      const template = packagedMenuTemplate(platform);
      expect(roles(template)).toEqual([
        'quit',
        'undo',
        'redo',
        'separator',
        'cut',
        'copy',
        'paste',
        'selectAll',
      ]);
      expect(JSON.stringify(template)).not.toMatch(/toggleDevTools|reload|forceReload|viewMenu|click/i);
    },
  );
});

describe('the Content-Security-Policy', () => {
  const directives = new Map(
    CSP.split(';').map((d) => {
      const [name, ...values] = d.trim().split(/\s+/);
      return [name!, values] as const;
    }),
  );

  it('allows our own scripts only, no network, no plugins, no base or form targets', () => {
    expect(directives.get('default-src')).toEqual(["'self'"]);
    expect(directives.get('script-src')).toEqual(["'self'"]);
    expect(directives.get('connect-src')).toEqual(["'none'"]);
    expect(directives.get('object-src')).toEqual(["'none'"]);
    expect(directives.get('base-uri')).toEqual(["'none'"]);
    expect(directives.get('form-action')).toEqual(["'none'"]);
    // A meta tag ignores frame-ancestors (and Chromium warns); it is not promised where it cannot hold.
    expect(directives.has('frame-ancestors')).toBe(false);
  });

  it('the source page has no policy of its own; the build writes the constant first in <head>', () => {
    expect(readFileSync(resolve(root, 'src/renderer/index.html'), 'utf8')).not.toMatch(
      /Content-Security-Policy/i,
    );
    // Built by `npm run build` (the test command runs it first).
    const built = readFileSync(resolve(root, 'dist/renderer/index.html'), 'utf8');
    const metas = [
      ...built.matchAll(/<meta\s+http-equiv="Content-Security-Policy"\s+content="([^"]*)"\s*\/?>/gi),
    ];
    expect(metas).toHaveLength(1);
    const content = metas[0]![1]!.replaceAll('&#39;', "'").replaceAll('&quot;', '"').replaceAll('&amp;', '&');
    expect(content).toBe(CSP);
    const head = built.slice(built.indexOf('<head>'), built.indexOf('</head>'));
    expect(head.indexOf('Content-Security-Policy')).toBeLessThan(head.search(/<script|<link/i));
  });
});

describe('Electron fuses in electron-builder.yml', () => {
  // js-yaml is electron-builder's own YAML reader (app-builder-lib depends on it).
  const yaml = createRequire(import.meta.url)('js-yaml') as { load(text: string): unknown };
  const config = yaml.load(readFileSync(resolve(root, 'electron-builder.yml'), 'utf8')) as Configuration;

  it('flips each fuse the shell relies on', () => {
    // Typed against electron-builder's own FuseOptionsV1: a misspelt option name fails the typecheck.
    const expected: Required<
      Pick<
        NonNullable<Configuration['electronFuses']>,
        | 'runAsNode'
        | 'enableCookieEncryption'
        | 'enableNodeOptionsEnvironmentVariable'
        | 'enableNodeCliInspectArguments'
        | 'enableEmbeddedAsarIntegrityValidation'
        | 'onlyLoadAppFromAsar'
        | 'grantFileProtocolExtraPrivileges'
      >
    > = {
      runAsNode: false,
      enableCookieEncryption: true,
      enableNodeOptionsEnvironmentVariable: false,
      enableNodeCliInspectArguments: false,
      enableEmbeddedAsarIntegrityValidation: true,
      onlyLoadAppFromAsar: true,
      grantFileProtocolExtraPrivileges: false,
    };
    expect(config.electronFuses).toEqual(expected);
  });

  it('packs the app into an asar (onlyLoadAppFromAsar needs one)', () => {
    expect(config.asar === undefined || config.asar === true || typeof config.asar === 'object').toBe(true);
  });
});
