import { describe, expect, it } from 'vitest';
import { ConsoleSession, DeviceError, Transcript } from '../../../src/main/device/index.js';
import { drive, ManualClock } from '../../helpers/manual-clock.js';
import { ScriptedConsole, roomOsBanner, shell, started, tagOf } from './scripted.js';
import { rejectionOf } from '../../helpers/rejection.js';

const rejection = rejectionOf(DeviceError);

describe('ConsoleSession set-up', () => {
  it('reads the banner, turns echo off, switches to JSON and checks the product', async () => {
    const { t, s } = await started();
    expect(s.banner).toEqual(roomOsBanner('Lobby'));
    expect(s.mode).toBe('json');
    expect(s.productId).toBe('Cisco Room Kit');
    expect(t.sent).toBe(
      'echo off\nxpreferences outputmode json\nxStatus SystemUnit ProductId | resultId="e2p1"\n',
    );
  });

  it('falls back to the terminal grammar when JSON is not available', async () => {
    const { s } = await started(undefined, { json: false });
    expect(s.mode).toBe('terminal');
    expect(s.productId).toBe('Cisco Room Kit');
  });

  it('logs in at the serial prompts, password redacted; refuses after Login incorrect', async () => {
    const transcript = new Transcript();
    let asked = 0;
    const t = new ScriptedConsole((line) => {
      if (line === '' && asked === 0) return '\r\nroomkit login: ';
      if (line === 'admin') {
        asked++;
        return 'admin\r\nPassword: ';
      }
      if (line === 's3cret!')
        return '\r\nWelcome to \r\nCisco Codec Release RoomOS 11.23.1.8 3963b07b5c5\r\nSW Release Date: 2024-12-12\r\n*r Login successful\r\nOK\r\n\r\n';
      if (line === 'wrong') return '\r\nLogin incorrect\r\nroomkit login: ';
      return shell()(line);
    });
    const s = new ConsoleSession(t, { transcript, timeoutMs: 2000 });
    const clock = new ManualClock();
    await drive(clock, s.start({ wake: true, passwords: ['wrong', 's3cret!'], wakeIntervalMs: 200, clock }));
    expect(s.banner).toMatchObject({ systemName: '', loggedInWithPrompt: true });
    expect(t.sent.startsWith('\radmin\rwrong\radmin\rs3cret!\recho off\n')).toBe(true);
    const log = transcript.toText();
    expect(log).not.toContain('s3cret!');
    expect(log).not.toContain('wrong');
    expect(log).toContain('> «password»');

    let state: 'getty' | 'password' = 'getty';
    const t2 = new ScriptedConsole((line) => {
      if (state === 'password') {
        state = 'getty';
        return '\r\nLogin incorrect\r\nlogin: ';
      }
      if (line === 'admin') {
        state = 'password';
        return 'Password: ';
      }
      return 'login: ';
    });
    const clock2 = new ManualClock();
    const e = await rejection(
      drive(
        clock2,
        new ConsoleSession(t2).start({ wake: true, passwords: [''], wakeIntervalMs: 200, clock: clock2 }),
      ),
    );
    expect(e.code).toBe('ERR_DEVICE_LOGIN_FAILED');
    expect(e.details).toEqual({ username: 'admin', attempts: 1 });
  });

  it('takes a console that stays quiet after two wakes as already logged in', async () => {
    const t = new ScriptedConsole(shell());
    const s = new ConsoleSession(t, { timeoutMs: 2000 });
    const clock = new ManualClock();
    await drive(clock, s.start({ wake: true, wakeIntervalMs: 100, clock }));
    expect(t.sent.startsWith('\r\r')).toBe(true);
    expect(s.mode).toBe('json');
  });

  it('ends a multi-line command left open by an earlier run, then sets up', async () => {
    let inBody = true;
    const body: string[] = [];
    const inner = shell();
    const t = new ScriptedConsole((line) => {
      if (inBody) {
        if (line === '.') {
          inBody = false;
          return '*r ServicesAddResult (status=Error):\r\n*r ServicesAddResult Reason: "Invalid PEM"\r\n** end\r\nERROR\r\n';
        }
        body.push(line);
        return undefined;
      }
      return inner(line);
    });
    // A command timeout far longer than the test's own limit: the body is ended at once, not after a
    // timeout (a stall would outlast the test, which then fails); no time is asserted.
    const s = new ConsoleSession(t, { timeoutMs: 10 * 60_000, statusGraceMs: 50 });
    const clock = new ManualClock();
    await drive(clock, s.start({ wake: true, wakeIntervalMs: 50, clock }));
    // Only the wake-up CRs went into the stale body: the login's and set-up's lines were not swallowed.
    expect(body).toEqual(['', '']);
    expect(s.mode).toBe('json');
    expect(s.productId).toBe('Cisco Room Kit');
  });

  it('says so when nothing answers at all', async () => {
    const t = new ScriptedConsole(() => undefined);
    const clock = new ManualClock();
    const e = await rejection(
      drive(
        clock,
        new ConsoleSession(t, { timeoutMs: 300 }).start({ wake: true, wakeIntervalMs: 50, clock }),
      ),
    );
    expect(e.code).toBe('ERR_DEVICE_TIMEOUT');
    expect(e.message).toContain('115200 baud');
  });

  it('reports a console that is not RoomOS', async () => {
    const t = new ScriptedConsole(() => '-bash: xStatus: command not found\r\nCommand not recognized.\r\n');
    const e = await rejection(
      new ConsoleSession(t, { timeoutMs: 10_000 }).start({ wake: false, wakeIntervalMs: 50 }),
    );
    expect(e.code).toBe('ERR_DEVICE_UNEXPECTED_OUTPUT');
  });
});

describe('ConsoleSession requests', () => {
  it('matches answers by tag, with OK before or after the *r block and feedback in between', async () => {
    const { s } = await started(
      (line, tag) => {
        if (line.startsWith('xCommand A'))
          return `OK\r\n*s Audio Volume: 50\r\n** end\r\n*r AResult (status=OK):\r\n*r AResult Value: "a"\r\n** resultId: "${tag}"\r\n** end\r\n`;
        if (line.startsWith('xCommand B'))
          return `*r BResult (status=OK):\r\n*r BResult Value: "b"\r\n** resultId: "${tag}"\r\n** end\r\nOK\r\n`;
        if (line.startsWith('xStatus C'))
          return `*s C: 1\r\n** resultId: "${tag}"\r\n** end\r\n\r\nERROR\r\n`;
        return undefined;
      },
      { json: false },
    );
    const feedback: string[] = [];
    s.on('feedback', (r: { entries: Array<{ path: string[]; value: string }> }) =>
      feedback.push(r.entries.map((e) => `${e.path.join(' ')}=${e.value}`).join()),
    );
    const a = await s.request('xCommand A');
    expect(a).toMatchObject({
      status: 'OK',
      resultName: 'AResult',
      entries: [{ path: ['Value'], value: 'a' }],
    });
    const b = await s.request('xCommand B');
    expect(b.entries).toEqual([{ path: ['Value'], value: 'b' }]);
    // B's trailing OK must not be taken as C's status: C is answered ERROR.
    const c = await s.request('xStatus C');
    expect(c.status).toBe('Error');
    expect(feedback).toEqual(['Audio Volume=50']);
  });

  it('stray bytes (BEL) before an answer do not confuse the reader, in either grammar', async () => {
    let lastTag = '';
    const { s } = await started(
      (line, tag) => {
        if (line.startsWith('xCommand Security Certificates Services Add')) {
          lastTag = tag;
          return undefined;
        }
        if (line === '.')
          return `\x07\x07ERROR\r\n\x07*r ServicesAddResult (status=Error):\r\n*r ServicesAddResult Reason: "Invalid input."\r\n** resultId: "${lastTag}"\r\n** end\r\n`;
        if (line.startsWith('xStatus B'))
          return `\x07*s B: 1\r\n** resultId: "${tag}"\r\n** end\r\n\r\nOK\r\n`;
        return undefined;
      },
      { json: false },
    );
    const first = s.request('xStatus B');
    expect(await first).toMatchObject({ status: 'OK', entries: [{ path: ['B'], value: '1' }] });
    const add = await s.request('xCommand Security Certificates Services Add IsEncrypted: True', {
      body: ['abc.def'],
    });
    expect(add).toMatchObject({ status: 'Error', resultName: 'ServicesAddResult', reason: 'Invalid input.' });
    const json = await started((line, tag) =>
      line.startsWith('xStatus J')
        ? `\x07{\r\n  "Status": {"J": {"Value": "2"}},\r\n  "ResultId": "${tag}"\r\n}\r\n`
        : undefined,
    );
    expect(await json.s.request('xStatus J')).toMatchObject({
      grammar: 'json',
      entries: [{ path: ['J'], value: '2' }],
    });
  });

  it('ignores stale answers with another tag and stray lines', async () => {
    const { s } = await started((line, tag) =>
      line.startsWith('xStatus X')
        ? `stray text\r\n{\r\n"ResultId": "e2p0"\r\n}\r\n{\r\n  "Status": {"X": {"Value": "1"}},\r\n  "ResultId": "${tag}"\r\n}\r\n`
        : undefined,
    );
    const r = await s.request('xStatus X');
    expect(r).toMatchObject({ grammar: 'json', kind: 'status', entries: [{ path: ['X'], value: '1' }] });
  });

  it('times out per command, says whether it may have run, and stays usable', async () => {
    let late: (() => void) | undefined;
    const { t, s } = await started((line, tag) => {
      if (line.startsWith('xCommand Slow')) {
        late = () => t.say(`{"CommandResponse":{"SlowResult":{"status":"OK"}},"ResultId":"${tag}"}\r\n`);
        return undefined;
      }
      if (line.startsWith('xCommand Fast'))
        return `{"CommandResponse":{"FastResult":{"status":"OK"}},"ResultId":"${tag}"}\r\n`;
      return undefined;
    });
    const e = await rejection(s.request('xCommand Slow', { timeoutMs: 100 }));
    expect(e.code).toBe('ERR_DEVICE_TIMEOUT');
    expect(e.details).toMatchObject({ mayHaveRun: true, timeoutMs: 100 });
    late?.();
    const r = await s.request('xCommand Fast');
    expect(r.resultName).toBe('FastResult');
  });

  it('a lone ERROR with no answer block is an error answer, not a timeout', async () => {
    const { s } = await started((line) => (line.startsWith('xCommand Broken') ? 'ERROR\r\n' : undefined), {
      json: false,
      statusGraceMs: 100,
    });
    const r = await s.request('xCommand Broken');
    expect(r).toMatchObject({
      status: 'Error',
      reason: 'The device answered ERROR without details.',
      lines: ['ERROR'],
    });
  });

  it('reports Command not recognized', async () => {
    const { s } = await started((line) =>
      line.startsWith('xCommand Nope') ? 'Command not recognized.\r\n' : undefined,
    );
    const e = await rejection(s.request('xCommand Nope'));
    expect(e.code).toBe('ERR_DEVICE_NOT_RECOGNIZED');
  });

  it('refuses a line longer than a measured limit before sending anything, and guesses none', async () => {
    const { t, s } = await started();
    // No limit is guessed: a 4,637-byte body line (a leaf, an RSA intermediate and a key) goes out.
    await rejection(s.request('xCommand X', { body: ['c'.repeat(4637)], timeoutMs: 100 }));
    expect(t.sent).toContain('c'.repeat(4637));
    s.lineLimit = 4000;
    const before = t.sent;
    const e = await rejection(s.request(`xCommand X Y: "${'a'.repeat(4000)}"`));
    expect(e.code).toBe('ERR_DEVICE_LINE_TOO_LONG');
    const e2 = await rejection(s.request('xCommand X', { body: ['b'.repeat(4001)] }));
    expect(e2.code).toBe('ERR_DEVICE_LINE_TOO_LONG');
    expect(t.sent).toBe(before);
  });

  it('sends a multi-line body ended by ".", paced in drained chunks', async () => {
    const body = 'Q'.repeat(1000);
    const { t, s } = await started(
      (line, tag) => {
        if (line === '.')
          return `{"CommandResponse":{"ServicesAddResult":{"status":"OK"}},"ResultId":"${lastTag}"}\r\n`;
        if (line.startsWith('xCommand Security')) lastTag = tag;
        return undefined;
      },
      { pacing: { chunkBytes: 100, chunkDelayMs: 1 } },
    );
    let lastTag = '';
    const n = t.writes.length;
    const r = await s.request('xCommand Security Certificates Services Add IsEncrypted: True', {
      body: [body],
    });
    expect(r.resultName).toBe('ServicesAddResult');
    const chunks = t.writes.slice(n);
    expect(chunks.join('')).toBe(
      `xCommand Security Certificates Services Add IsEncrypted: True | resultId="${lastTag}"\n${body}\n.\n`,
    );
    expect(chunks.every((c) => Buffer.byteLength(c) <= 100)).toBe(true);
    expect(chunks.length).toBe(Math.ceil(chunks.join('').length / 100));
  });

  it('a drop mid-command may have run; a drop before sending has not', async () => {
    const { t, s } = await started((line) => {
      if (line.startsWith('xCommand Drop')) setImmediate(() => t.drop());
      return undefined;
    });
    const e = await rejection(s.request('xCommand Drop'));
    expect(e.code).toBe('ERR_DEVICE_DISCONNECTED');
    expect(e.details.mayHaveRun).toBe(true);
    const e2 = await rejection(s.request('xStatus SystemUnit'));
    expect(e2.code).toBe('ERR_DEVICE_DISCONNECTED');
    expect(e2.details.mayHaveRun).toBe(false);
  });

  it('raw mode returns what the device printed for an untagged line', async () => {
    const { s } = await started((line) =>
      line === '?'
        ? ' - User Commands -\r\nhelp            xcommand        xconfiguration\r\nbye             echo            log\r\nOK\r\n'
        : line === 'frobnicate'
          ? 'Command not recognized.\r\n'
          : undefined,
    );
    expect(await s.raw('?')).toEqual({
      lines: [
        ' - User Commands -',
        'help            xcommand        xconfiguration',
        'bye             echo            log',
        'OK',
      ],
      notRecognized: false,
    });
    expect(await s.raw('frobnicate')).toEqual({ lines: ['Command not recognized.'], notRecognized: true });
  });
});

describe('RoomOsDevice on a serial line that stays open across a restart', () => {
  it('factoryReset waits, wakes the console, logs in again as admin with no password', async () => {
    const { connect } = await import('../../../src/main/device/index.js');
    let state: 'getty' | 'password' | 'shell' | 'down' = 'getty';
    let boots = 1;
    let mode: 'json' | 'terminal' = 'terminal';
    const t = new ScriptedConsole((line) => {
      if (state === 'down') return undefined;
      if (state === 'getty') {
        if (line === 'admin') {
          state = 'password';
          return 'Password: ';
        }
        return '\r\nlogin: ';
      }
      if (state === 'password') {
        if (line !== '') return '\r\nLogin incorrect\r\nlogin: ';
        state = 'shell';
        mode = 'terminal';
        return '\r\nWelcome to \r\nCisco Codec Release RoomOS 11.23.1.8 3963b07b5c5\r\nSW Release Date: 2024-12-12\r\n*r Login successful\r\nOK\r\n\r\n';
      }
      const tag = tagOf(line);
      if (line === 'xpreferences outputmode json') {
        mode = 'json';
        return undefined;
      }
      if (line.startsWith('xCommand SystemUnit FactoryReset Confirm: Yes TrailingAction: Restart')) {
        // Answer, then go quiet while "rebooting"; the port stays open.
        setTimeout(() => {
          state = 'down';
          setTimeout(() => {
            boots += 1;
            state = 'getty';
          }, 400);
        }, 10);
        return `{"CommandResponse":{"SystemUnitFactoryResetResult":{"status":"OK"}},"ResultId":"${tag}"}\r\n`;
      }
      if (line.startsWith('xStatus SystemUnit ProductId')) {
        return mode === 'json'
          ? `{"Status":{"SystemUnit":{"ProductId":{"Value":"Cisco Room Kit"}}},"ResultId":"${tag}"}\r\n`
          : `*s SystemUnit ProductId: "Cisco Room Kit"\r\n** resultId: "${tag}"\r\n** end\r\n\r\nOK\r\n`;
      }
      if (line === 'echo off') return 'OK\r\n';
      return undefined;
    });
    const dev = await connect('serial:/dev/fake', {
      transportFactory: async () => t,
      wakeIntervalMs: 100,
      restartTimeoutMs: 5000,
      loginTimeoutMs: 2000,
      timeoutMs: 1000,
    });
    expect(dev.banner.loggedInWithPrompt).toBe(true);
    await dev.factoryReset();
    expect(boots).toBe(2);
    expect(dev.connected).toBe(true);
    expect(dev.outputMode).toBe('json');
    expect(dev.banner.loggedInWithPrompt).toBe(true);
  });
});
