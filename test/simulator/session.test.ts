import { afterEach, describe, expect, it } from 'vitest';
import { type RoomOsSimulator, createSimulator } from '../../src/simulator/index.js';
import { RawClient, serialLogin } from './client.js';

let sim: RoomOsSimulator | undefined;
afterEach(async () => {
  await sim?.close();
  sim = undefined;
});

async function start(options: Parameters<typeof createSimulator>[0] = {}): Promise<RoomOsSimulator> {
  sim = await createSimulator({ rebootDelayMs: 50, ...options });
  return sim;
}

describe('serial login and banner', () => {
  it('asks login: on CR, hides the password, prints the banner exactly', async () => {
    const s = await start({ systemName: 'Lab Kit' });
    const c = new RawClient(s.openStream('serial'));
    c.send('\r');
    expect(await c.until('login: ')).toBe('\r\nlogin: ');
    c.send('admin\r');
    expect(await c.until('Password: ')).toBe('admin\r\nPassword: ');
    c.send('\r');
    expect(await c.until('OK\r\n\r\n')).toBe(
      '\r\nWelcome to Lab Kit\r\nCisco Codec Release RoomOS 11.23.1.8 3963b07b5c5\r\nSW Release Date: 2024-12-12\r\n*r Login successful\r\nOK\r\n\r\n',
    );
  });

  it('refuses a wrong password with Login incorrect and asks again, never echoing it', async () => {
    const s = await start({ adminPassword: 'hunter2' });
    const c = new RawClient(s.openStream());
    c.send('admin\r');
    await c.until('Password: ');
    c.send('wrong\r');
    expect(await c.until('login: ')).toBe('\r\nLogin incorrect\r\nlogin: ');
    c.send('admin\rhunter2\r');
    await c.until('*r Login successful\r\nOK\r\n\r\n');
    expect(c.all).not.toContain('hunter2');
    expect(c.all).not.toContain('wrong');
    expect(s.events.filter((e) => e.type === 'login').map((e) => e.type === 'login' && e.ok)).toEqual([
      false,
      true,
    ]);
  });

  it('with LoginRequired Off goes straight to the shell, no banner', async () => {
    const s = await start({ loginRequired: false });
    const c = new RawClient(s.openStream());
    expect(await c.command('xStatus SystemUnit ProductId')).toBe(
      'xStatus SystemUnit ProductId\r\n*s SystemUnit ProductId: "Cisco Room Kit"\r\n** end\r\n\r\nOK\r\n',
    );
    expect(c.all).not.toContain('Welcome');
  });

  it('legacy banner has a blank line before OK; an empty name prints "Welcome to "', async () => {
    const s = await start({ banner: 'legacy' });
    const c = new RawClient(s.openStream('ssh'));
    expect(await c.until('OK\r\n\r\n')).toMatch(
      /^Welcome to \r\nCisco Codec Release .*\r\nSW Release Date: .*\r\n\*r Login successful\r\n\r\nOK\r\n\r\n$/,
    );
  });

  it('bye returns a serial line to login:', async () => {
    const s = await start();
    const c = new RawClient(s.openStream());
    await serialLogin(c);
    c.send('bye\r');
    expect(await c.until('login: ')).toBe('bye\r\nlogin: ');
  });

  it('bye ends an SSH-kind session', async () => {
    const s = await start();
    const c = new RawClient(s.openStream('ssh'));
    await c.until('OK\r\n\r\n');
    c.send('bye\n');
    await c.closed();
  });
});

describe('TShell grammar', () => {
  async function shell(options: Parameters<typeof createSimulator>[0] = {}): Promise<RawClient> {
    const s = await start({ loginRequired: false, ...options });
    return new RawClient(s.openStream());
  }

  it('echoes by default; echo off answers ESC[?1034h then OK and stops echoing', async () => {
    const c = await shell();
    c.send('echo off\r');
    expect(await c.until('OK\r\n')).toBe('echo off\r\n\x1b[?1034h\r\nOK\r\n');
    expect(await c.command('xStatus SystemUnit ProductId')).toBe(
      '*s SystemUnit ProductId: "Cisco Room Kit"\r\n** end\r\n\r\nOK\r\n',
    );
  });

  it('accepts CR, LF and CRLF; verbs, paths and values are case-insensitive', async () => {
    const c = await shell();
    c.send('echo off\n');
    await c.until('OK\r\n');
    c.send('XSTATUS systemunit PRODUCTID\r\n');
    expect(await c.until('OK\r\n')).toBe('*s SystemUnit ProductId: "Cisco Room Kit"\r\n** end\r\n\r\nOK\r\n');
    c.send('xconfiguration serialport loginrequired: off\n');
    expect(await c.until('OK\r\n')).toBe('** end\r\n\r\nOK\r\n');
    c.send('xConfiguration SerialPort LoginRequired\r');
    expect(await c.until('OK\r\n')).toBe(
      '*c xConfiguration SerialPort LoginRequired: Off\r\n** end\r\n\r\nOK\r\n',
    );
  });

  it('says Command not recognized. for an unknown verb', async () => {
    const c = await shell();
    expect(await c.command('frobnicate now')).toBe('frobnicate now\r\nCommand not recognized.\r\n');
  });

  it('tags answers with resultId (key case-insensitive, spaces optional)', async () => {
    const c = await shell({ selfSignedCertificate: false });
    c.send('echo off\r');
    await c.until('OK\r\n');
    c.send('xStatus SystemUnit ProductId|resultid="a1"\r');
    expect(await c.until('OK\r\n')).toBe(
      '*s SystemUnit ProductId: "Cisco Room Kit"\r\n** resultId: "a1"\r\n** end\r\n\r\nOK\r\n',
    );
    c.send('xCommand Security Certificates Services Show | resultId="x 2"\r');
    expect(await c.until('** end\r\n')).toBe(
      'OK\r\n*r ServicesShowResult (status=OK):\r\n*r ServicesShowResult Format: Text\r\n** resultId: "x 2"\r\n** end\r\n',
    );
  });

  it('prints errors: unknown status path, unknown command, ParameterError, illegal configuration value', async () => {
    const c = await shell();
    c.send('echo off\r');
    await c.until('OK\r\n');
    c.send('xStatus Foo Bar 2\r');
    expect(await c.until('ERROR\r\n')).toBe(
      '*r Status (status=Error):\r\n*r Status Reason: "No match on address expression."\r\n*r Status XPath: "Status/Foo/Bar[2]"\r\n** end\r\n\r\nERROR\r\n',
    );
    c.send('xCommand Dila Number: 1\r');
    expect(await c.until('** end\r\n')).toBe(
      'ERROR\r\n*r Result (status=Error):\r\n*r Result Reason: "Unknown command"\r\n*r Result XPath: "/Dila"\r\n** end\r\n',
    );
    c.send('xCommand Webex Registration Start ActivationCode: "1234"\r');
    expect(await c.until('** end\r\n')).toBe(
      'ERROR\r\n*r RegistrationStartResult (status=ParameterError):\r\n** end\r\n',
    );
    c.send('xConfiguration SerialPort LoginRequired: Maybe\r');
    expect(await c.until('ERROR\r\n')).toBe(
      '*r Configuration (status=Error):\r\n*r Configuration Reason: "Illegal value"\r\n*r Configuration XPath: "Configuration/SerialPort/LoginRequired"\r\n** end\r\n\r\nERROR\r\n',
    );
    const pe = sim!.events.filter((e) => e.type === 'command' && e.status === 'ParameterError');
    expect(pe).toHaveLength(1);
  });

  it('dumps the whole configuration with xConfiguration alone', async () => {
    const c = await shell({ systemName: 'Board 7' });
    c.send('echo off\r');
    await c.until('OK\r\n');
    c.send('xConfiguration\r');
    const dump = await c.until('OK\r\n');
    expect(dump).toContain('*c xConfiguration SystemUnit Name: "Board 7"\r\n');
    expect(dump).toContain(
      '*c xConfiguration Conference EndToEndEncryption Identity PreferredDomain: ""\r\n',
    );
    expect(dump).toContain('*c xConfiguration Network 1 IPv4 Assignment: DHCP\r\n');
    expect(dump).toContain('*c xConfiguration SerialPort LoginRequired: Off\r\n');
    expect(dump.endsWith('** end\r\n\r\nOK\r\n')).toBe(true);
    expect(dump.split('\r\n').filter((l) => l.startsWith('*c ')).length).toBeGreaterThan(10);
  });

  it('enforces PreferredDomain 255 and ActivationCode 128', async () => {
    const c = await shell();
    c.send('echo off\r');
    await c.until('OK\r\n');
    c.send(`xConfiguration Conference EndToEndEncryption Identity PreferredDomain: "${'a'.repeat(255)}"\r`);
    expect(await c.until('OK\r\n')).toBe('** end\r\n\r\nOK\r\n');
    c.send(`xConfiguration Conference EndToEndEncryption Identity PreferredDomain: "${'a'.repeat(256)}"\r`);
    expect(await c.until('ERROR\r\n')).toContain('Illegal value');
    c.send(
      `xCommand Webex Registration Start SecurityAction: NoAction ActivationCode: "${'1'.repeat(129)}"\r`,
    );
    expect(await c.until('** end\r\n')).toContain('(status=ParameterError)');
  });

  it('switches to JSON: no OK, pretty objects, ResultId, Command not recognized. still plain', async () => {
    const c = await shell();
    c.send('echo off\r');
    await c.until('OK\r\n');
    c.send('xpreferences outputmode json\r');
    c.send('xStatus SystemUnit ProductId | resultId="r1"\r');
    const text = await c.until(/\r\n}\r\n/);
    expect(JSON.parse(text)).toEqual({
      Status: { SystemUnit: { ProductId: { Value: 'Cisco Room Kit' } } },
      ResultId: 'r1',
    });
    expect(text.startsWith('{\r\n')).toBe(true);
    c.send('xCommand Nope | resultId="r2"\r');
    expect(JSON.parse(await c.until(/\r\n}\r\n/))).toEqual({
      CommandResponse: {
        Result: { status: 'Error', Reason: { Value: 'Unknown command' }, XPath: { Value: '/Nope' } },
      },
      ResultId: 'r2',
    });
    c.send('xConfiguration SystemUnit Name: "x" | resultId="r3"\r');
    expect(JSON.parse(await c.until(/\r\n}\r\n/))).toEqual({ ResultId: 'r3' });
    c.send('nonsense\r');
    expect(await c.until('\r\n')).toBe('Command not recognized.\r\n');
    c.send('xpreferences outputmode terminal\r');
    expect(await c.until('OK\r\n')).toBe('\r\nOK\r\n');
  });

  it('runs a multi-line command ended by a line holding only "."', async () => {
    const c = await shell();
    c.send('echo off\r');
    await c.until('OK\r\n');
    c.send('xCommand SystemUnit SignInBanner Set\rHello!\rSecond line.\r.\r');
    expect(await c.until('** end\r\n')).toBe('OK\r\n*r SignInBannerSetResult (status=OK):\r\n** end\r\n');
  });

  it("accepts jsxapi's {N} length-prefixed multi-line form", async () => {
    const c = await shell();
    c.send('echo off\n');
    await c.until('OK\r\n');
    const cmd = 'xCommand SystemUnit SignInBanner Set | resultId="request-1"\n(╯°□°)╯︵ ┻━┻\n';
    c.send(`{${Buffer.byteLength(cmd)}} \n${cmd}`);
    expect(await c.until('** end\r\n')).toBe(
      'OK\r\n*r SignInBannerSetResult (status=OK):\r\n** resultId: "request-1"\r\n** end\r\n',
    );
  });

  it('dumps the configuration as one JSON object, indexed nodes as arrays', async () => {
    const c = await shell();
    c.send('echo off\r');
    await c.until('OK\r\n');
    c.send('xpreferences outputmode json\r');
    c.send('xConfiguration * | resultId="all"\r');
    const all = JSON.parse(await c.until(/\r\n}\r\n/)) as { Configuration: Record<string, unknown> };
    expect(Object.keys(all.Configuration)).toEqual(
      expect.arrayContaining(['Conference', 'Network', 'SerialPort', 'SystemUnit']),
    );
    c.send('xConfiguration Network | resultId="n"\r');
    const obj = JSON.parse(await c.until(/\r\n}\r\n/)) as {
      Configuration: { Network: { id: string; IPv4: { Assignment: { Value: string } } }[] };
      ResultId: string;
    };
    expect(obj.ResultId).toBe('n');
    expect(obj.Configuration.Network[0]?.id).toBe('1');
    expect(obj.Configuration.Network[0]?.IPv4.Assignment).toEqual({ Value: 'DHCP' });
  });

  it('logs a session closed by the client', async () => {
    const s = await start({ loginRequired: false });
    const stream = s.openStream();
    stream.end();
    await new Promise((r) => setTimeout(r, 20));
    expect(s.events.some((e) => e.type === 'session-close' && e.reason === 'closed')).toBe(true);
    expect(s.state.sessions).toBe(0);
  });

  it('lists help and ignores empty lines', async () => {
    const c = await shell();
    c.send('echo off\r');
    await c.until('OK\r\n');
    c.send('\r\r?\r');
    expect(await c.until('OK\r\n')).toBe(
      ' - User Commands -\r\n' +
        'help            xcommand        xconfiguration  xdocument       xevent\r\n' +
        'xfeedback       xgetxml         xpreferences    xstatus         xtransaction\r\n' +
        'bye             echo            log             systemtools\r\n' +
        'OK\r\n',
    );
  });
});

describe('device facts', () => {
  it('reports product, software and serial; hides Webex on CE models', async () => {
    const s = await start({
      model: 'Cisco TelePresence MX300 G2',
      serialNumber: 'FTT1234ABCD',
      loginRequired: false,
    });
    const c = new RawClient(s.openStream());
    c.send('echo off\r');
    await c.until('OK\r\n');
    c.send('xStatus SystemUnit\r');
    const text = await c.until('OK\r\n');
    expect(text).toContain('*s SystemUnit ProductId: "Cisco TelePresence MX300 G2"\r\n');
    expect(text).toContain('*s SystemUnit Hardware Module SerialNumber: "FTT1234ABCD"\r\n');
    expect(text).toContain('*s SystemUnit Software Version: "ce9.15.18.5.a6e2b8bf6f4"\r\n');
    expect(s.state.e2eeCapable).toBe(false);
    // The E2EE commands do not exist there.
    c.send('xCommand Security ClientSecret Populate Secret: "MDEyMzQ1Njc4OWFiY2RlZg"\r');
    expect(await c.until('** end\r\n')).toContain('*r Result Reason: "Unknown command"');
  });

  it('old RoomOS (before 10.6.1) cannot hold an E2EE identity', async () => {
    const s = await start({ software: 'RoomOS 10.5.1.0 2f1e0a0b1c2' });
    expect(s.state.e2eeCapable).toBe(false);
    expect(s.state.softwareVersion).toBe('ce10.5.1.0.2f1e0a0b1c2');
  });
});
