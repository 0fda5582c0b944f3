import { describe, expect, it } from 'vitest';
import {
  DeviceError,
  bodyLines,
  checkLineLength,
  isTaggable,
  lit,
  quote,
  withResultId,
  xCommand,
  xConfigurationGet,
  xConfigurationSet,
  xStatus,
} from '../../../src/core/xapi/index.js';

function code(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    return e instanceof DeviceError ? e.code : `not a DeviceError: ${String(e)}`;
  }
  return 'no error';
}

describe('command lines', () => {
  it('quotes strings as jsxapi does (spec §3.2: Text: "foo \\"bar\\" bin")', () => {
    expect(quote('foo "bar" bin')).toBe('"foo \\"bar\\" bin"');
    expect(quote('a\\b')).toBe('"a\\\\b"');
    expect(quote('')).toBe('""');
    expect(quote('한국어 ✓')).toBe('"한국어 ✓"');
  });

  it('refuses line breaks and control characters in parameters', () => {
    expect(code(() => quote('a\nb'))).toBe('ERR_DEVICE_PARAMETER');
    expect(code(() => quote('a\rb'))).toBe('ERR_DEVICE_PARAMETER');
    expect(code(() => quote('a\u0000b'))).toBe('ERR_DEVICE_PARAMETER');
    expect(code(() => xCommand('Dial', [['Number', 'x\ny']]))).toBe('ERR_DEVICE_PARAMETER');
  });

  it('builds the provisioning commands exactly (spec §5, jwe-blobs.md)', () => {
    expect(xCommand('Security ClientSecret Populate', [['Secret', 'MDEyMzQ1Njc4OWFiY2RlZg']])).toBe(
      'xCommand Security ClientSecret Populate Secret: "MDEyMzQ1Njc4OWFiY2RlZg"',
    );
    expect(xCommand('Security Certificates Services Add', [['IsEncrypted', true]])).toBe(
      'xCommand Security Certificates Services Add IsEncrypted: True',
    );
    expect(
      xCommand('Security Certificates Services Activate', [
        ['Purpose', lit('WebexIdentity')],
        ['Fingerprint', 'eyJ.a.b.c'],
      ]),
    ).toBe(
      'xCommand Security Certificates Services Activate Purpose: WebexIdentity Fingerprint: "eyJ.a.b.c"',
    );
    expect(
      xCommand('SystemUnit FactoryReset', [
        ['Confirm', lit('Yes')],
        ['Keep', [lit('Network'), lit('SerialPort')]],
        ['TrailingAction', lit('Restart')],
      ]),
    ).toBe(
      'xCommand SystemUnit FactoryReset Confirm: Yes Keep: Network Keep: SerialPort TrailingAction: Restart',
    );
    expect(xCommand('Audio Volume Set', [['Level', 50]])).toBe('xCommand Audio Volume Set Level: 50');
    expect(xStatus('SystemUnit   ProductId')).toBe('xStatus SystemUnit ProductId');
    expect(xStatus()).toBe('xStatus');
    expect(xConfigurationGet()).toBe('xConfiguration');
    expect(xConfigurationSet('SystemUnit Name', 'my-device')).toBe(
      'xConfiguration SystemUnit Name: "my-device"',
    );
    expect(xConfigurationSet('Network 1 IPv4 Assignment', lit('DHCP'))).toBe(
      'xConfiguration Network 1 IPv4 Assignment: DHCP',
    );
  });

  it('refuses bad paths, literals and numbers', () => {
    expect(code(() => xStatus('SystemUnit; bye'))).toBe('ERR_DEVICE_PARAMETER');
    expect(code(() => lit('Two words'))).toBe('ERR_DEVICE_PARAMETER');
    expect(code(() => xCommand('Audio Volume Set', [['Level', 1.5]]))).toBe('ERR_DEVICE_PARAMETER');
  });

  it('tags requests (spec §2.1 "Tagged request")', () => {
    expect(withResultId('xStatus SystemUnit ProductId', 'e2p7')).toBe(
      'xStatus SystemUnit ProductId | resultId="e2p7"',
    );
    expect(() => withResultId('x', 'a"b')).toThrow(TypeError);
    expect(isTaggable('xcommand Dial')).toBe(true);
    expect(isTaggable('XSTATUS SystemUnit')).toBe(true);
    expect(isTaggable('xConfiguration')).toBe(true);
    expect(isTaggable('xFeedback register /Status/Audio')).toBe(true);
    expect(isTaggable('echo off')).toBe(false);
    expect(isTaggable('help')).toBe(false);
    expect(isTaggable('xstatus X | resultId="a"')).toBe(false);
  });

  it('refuses lines longer than a measured console limit, counting UTF-8 bytes', () => {
    expect(code(() => checkLineLength('a'.repeat(4095), 4095))).toBe('no error');
    expect(code(() => checkLineLength('a'.repeat(4096), 4095))).toBe('ERR_DEVICE_LINE_TOO_LONG');
    // 1365 three-byte characters: 4095 bytes; one more is 4098
    expect(code(() => checkLineLength('한'.repeat(1365), 4095))).toBe('no error');
    expect(code(() => checkLineLength('한'.repeat(1366), 4095))).toBe('ERR_DEVICE_LINE_TOO_LONG');
    // No limit is guessed: without a measured one, a 4.6 KB line is not refused.
    expect(code(() => checkLineLength('a'.repeat(4637), Number.POSITIVE_INFINITY))).toBe('no error');
    try {
      checkLineLength('a'.repeat(5000), 4000, 'body line 1');
    } catch (e) {
      expect((e as DeviceError).details).toEqual({ bytes: 5000, limit: 4000, what: 'body line 1' });
    }
  });

  it('ends multi-line bodies with a "." line and refuses a "." inside (spec §2.1 Multiline)', () => {
    expect(bodyLines('Hello!\nThis is the second line of text.\n')).toEqual([
      'Hello!',
      'This is the second line of text.',
      '.',
    ]);
    expect(bodyLines('a\r\nb')).toEqual(['a', 'b', '.']);
    expect(code(() => bodyLines('a\n.\nb'))).toBe('ERR_DEVICE_PARAMETER');
    expect(bodyLines('x'.repeat(4637))).toEqual(['x'.repeat(4637), '.']);
    expect(code(() => bodyLines('x'.repeat(4096), 4095))).toBe('ERR_DEVICE_LINE_TOO_LONG');
  });
});
