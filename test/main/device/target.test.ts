import { describe, expect, it } from 'vitest';
import { DeviceError, describeTarget, parseTarget, Transcript } from '../../../src/main/device/index.js';

function code(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    return e instanceof DeviceError ? e.code : String(e);
  }
  return 'no error';
}

describe('parseTarget', () => {
  it('serial, with 115200 8N1 and no flow control by default', () => {
    expect(parseTarget('serial:/dev/ttyUSB0')).toEqual({
      kind: 'serial',
      path: '/dev/ttyUSB0',
      serial: { baudRate: 115200, dataBits: 8, parity: 'none', stopBits: 1, rtscts: false, xonxoff: false },
      text: 'serial:/dev/ttyUSB0',
    });
    expect(parseTarget('serial:/dev/ttyUSB0?baud=9600&flow=rtscts')).toMatchObject({
      serial: { baudRate: 9600, rtscts: true, xonxoff: false },
    });
    expect(parseTarget('serial:COM3')).toMatchObject({ path: 'COM3' });
    expect(code(() => parseTarget('serial:'))).toBe('ERR_DEVICE_TARGET');
    expect(code(() => parseTarget('serial:/dev/x?baud=fast'))).toBe('ERR_DEVICE_TARGET');
    expect(code(() => parseTarget('serial:/dev/x?parity=odd'))).toBe('ERR_DEVICE_TARGET');
  });

  it('ssh, user admin by default, never a password', () => {
    expect(parseTarget('ssh://admin@10.0.0.5')).toEqual({
      kind: 'ssh',
      host: '10.0.0.5',
      port: 22,
      username: 'admin',
      text: 'ssh://admin@10.0.0.5',
    });
    expect(parseTarget('ssh://room.example.com:2222')).toMatchObject({
      host: 'room.example.com',
      port: 2222,
      username: 'admin',
    });
    expect(parseTarget('ssh://tech@[fe80::1]:22')).toMatchObject({ host: 'fe80::1', username: 'tech' });
    expect(code(() => parseTarget('ssh://admin:secret@10.0.0.5'))).toBe('ERR_DEVICE_TARGET');
    expect(code(() => parseTarget('ssh://'))).toBe('ERR_DEVICE_TARGET');
  });

  it('sim, with options', () => {
    expect(parseTarget('sim:')).toEqual({ kind: 'sim', options: {}, text: 'sim:' });
    expect(
      parseTarget('sim:?state=/tmp/s.json&model=Cisco%20Desk%20Pro&software=RoomOS%2010.3.1.0&login=off'),
    ).toMatchObject({
      options: {
        stateFile: '/tmp/s.json',
        model: 'Cisco Desk Pro',
        software: 'RoomOS 10.3.1.0',
        loginRequired: false,
      },
    });
    expect(code(() => parseTarget('sim:?colour=red'))).toBe('ERR_DEVICE_TARGET');
  });

  it('anything else is ERR_DEVICE_TARGET with the forms in the message', () => {
    let message = '';
    try {
      parseTarget('/dev/ttyUSB0');
    } catch (e) {
      message = (e as Error).message;
    }
    expect(message).toContain(
      'serial:/dev/ttyUSB0[?baud=N], ssh://user@host[:port], sim:, or webex:SERIAL (or webex:DEVICE_ID)',
    );
  });

  it('webex: names a device by serial number or device id', () => {
    expect(parseTarget('webex:FOC2214N0AB')).toEqual({
      kind: 'webex',
      ref: 'FOC2214N0AB',
      text: 'webex:FOC2214N0AB',
    });
    const id = 'Y2lzY29zcGFyazovL3VzL0RFVklDRS81MTAxYjA3Yi00ZjhmLTRlZjctYjU2NS1kYjE5YzdiNzIzZjc=';
    expect(describeTarget(parseTarget(` WEBEX:${id} `))).toBe(`webex:${id}`);
    for (const bad of ['webex:', 'webex:FOC 1', 'webex:a/b', 'webex:?x=1'])
      expect(
        code(() => parseTarget(bad)),
        bad,
      ).toBe('ERR_DEVICE_TARGET');
  });

  it('describes targets back', () => {
    expect(describeTarget(parseTarget('ssh://admin@h:22'))).toBe('ssh://admin@h');
    expect(describeTarget(parseTarget('serial:/dev/x?baud=9600'))).toBe('serial:/dev/x?baud=9600');
  });
});

describe('Transcript', () => {
  it('records both directions, redacts secrets split across reads, shortens blobs, notifies listeners', async () => {
    const t = new Transcript();
    const seen: string[] = [];
    t.subscribe((e) => seen.push(`${e.direction}:${e.text}`));
    t.addSecret('s3cret-value');
    t.recordOut('xCommand Security ClientSecret Populate Secret: "czNjcmV0"\n');
    t.recordIn('echo of s3cr');
    t.recordIn('et-value here\r\n');
    t.note('closed');
    const text = t.toText();
    expect(text).not.toContain('s3cret-value');
    expect(text).not.toContain('czNjcmV0');
    expect(seen).toEqual([
      'out:xCommand Security ClientSecret Populate Secret: «redacted»\n',
      'in:echo of «redacted» here\r\n',
      'note:closed',
    ]);
    expect(text.split('\n').map((l) => l.replace(/^\S+ /, ''))).toEqual([
      '> xCommand Security ClientSecret Populate Secret: «redacted»',
      '< echo of «redacted» here',
      '# closed',
      '',
    ]);
  });

  it('flushes a prompt that has no line break after a quiet spell', async () => {
    const t = new Transcript();
    t.recordIn('login: ');
    expect(t.list()).toHaveLength(1);
    expect(t.list()[0]?.text).toBe('login: ');
  });
});
