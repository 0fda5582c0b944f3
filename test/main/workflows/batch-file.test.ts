/** The batch file: RFC 4180 CSV read robustly, and every refusal typed with its line. */
import { describe, expect, it } from 'vitest';
import { leavesFolder, readBatchFile } from '../../../src/main/workflows/batch.js';
import { csvField, parseCsv, toCsv } from '../../../src/main/workflows/csv.js';

function refusal(f: () => unknown): { code: string; message: string; details: unknown } {
  try {
    f();
  } catch (e) {
    const x = e as { code: string; message: string; details: unknown };
    return { code: x.code, message: x.message, details: x.details };
  }
  throw new Error('expected a refusal');
}

describe('parseCsv', () => {
  it('reads quoted fields with commas, doubled quotes and line breaks; CRLF, LF, CR; a BOM; blank lines', () => {
    const text =
      '\uFEFFa,b,c\r\n' +
      '"x, y","say ""hi""","two\r\nlines"\r\n' +
      '\r\n' +
      '  plain  , " kept " ,\n' +
      'last,"",end\r' +
      'no,final,break';
    expect(parseCsv(text)).toEqual([
      { line: 1, fields: ['a', 'b', 'c'] },
      { line: 2, fields: ['x, y', 'say "hi"', 'two\r\nlines'] },
      { line: 5, fields: ['plain', ' kept ', ''] },
      { line: 6, fields: ['last', '', 'end'] },
      { line: 7, fields: ['no', 'final', 'break'] },
    ]);
  });

  it('reads bytes as UTF-8 and refuses bytes that are not', () => {
    expect(parseCsv(new TextEncoder().encode('\uFEFFnäme,ü\n'))).toEqual([
      { line: 1, fields: ['näme', 'ü'] },
    ]);
    expect(refusal(() => parseCsv(new Uint8Array([0x61, 0xff, 0x0a]), 'x.csv'))).toEqual({
      code: 'ERR_WORKFLOW_BATCH_FILE',
      message: 'x.csv, line 1: the file is not UTF-8 text (save it as "CSV UTF-8").',
      details: { line: 1, file: 'x.csv' },
    });
  });

  it('refuses a quote inside an unquoted value, text after a closing quote, and a quote never closed', () => {
    expect(refusal(() => parseCsv('a,b\nab"c,d\n'))).toEqual({
      code: 'ERR_WORKFLOW_BATCH_FILE',
      message:
        'line 2: a quote inside an unquoted value (value 1); quote the whole value and double the quote.',
      details: { line: 2 },
    });
    expect(refusal(() => parseCsv('a,b\n"x"y,d\n')).message).toBe(
      'line 2: text after a closing quote; a quoted value ends at its comma or line end.',
    );
    expect(refusal(() => parseCsv('a,b\n1,2\n"open\nstill open\n')).message).toBe(
      'line 3: a quote opened here is never closed.',
    );
  });

  it('writes what it reads back', () => {
    const rows = [
      ['plain', 'with, comma', 'a "quote"', 'line\nbreak', ' edge ', ''],
      ['x', 'y', 'z', 'w', 'v', 'u'],
    ];
    const text = toCsv(rows);
    expect(text).toBe('plain,"with, comma","a ""quote""","line\nbreak"," edge ",\r\nx,y,z,w,v,u\r\n');
    expect(parseCsv(text).map((r) => r.fields)).toEqual(rows);
    expect(csvField('=1+1')).toBe('=1+1');
  });
});

describe('readBatchFile', () => {
  const file = '/data/batch/devices.csv';
  const read = (text: string) => readBatchFile(text, { file });

  it('reads every column in any order and case, resolving paths against the file’s folder', () => {
    const rows = read(
      'Key,TARGET,cert,passphrase-file,secret_file,enc,factory_reset,backup,activation_code_file,password_file\r\n' +
        'k1.pem,serial:/dev/ttyUSB0,c1.pem,pp.txt,s1.txt,A256GCM,yes,b1.json,code.txt,creds/pw.txt\r\n' +
        ',ssh://admin@10.0.0.7,"bundle, 2.pem",,,,no,,,\r\n',
    );
    expect(rows).toEqual([
      {
        line: 2,
        target: 'serial:/dev/ttyUSB0',
        cert: '/data/batch/c1.pem',
        key: '/data/batch/k1.pem',
        passphraseFile: '/data/batch/pp.txt',
        secretFile: '/data/batch/s1.txt',
        enc: 'A256GCM',
        factoryReset: true,
        backup: '/data/batch/b1.json',
        activationCodeFile: '/data/batch/code.txt',
        passwordFile: '/data/batch/creds/pw.txt',
        confinedTo: '/data/batch',
      },
      {
        line: 3,
        target: 'ssh://admin@10.0.0.7',
        cert: '/data/batch/bundle, 2.pem',
        factoryReset: false,
        confinedTo: '/data/batch',
      },
    ]);
  });

  it('reads the action column: renew rows (a webex: target too), provision by default', () => {
    const rows = read(
      'target,cert,key,action,factory_reset\n' +
        'webex:FOC2214N0AB,c1.pem,,Renew,\n' +
        'sim:,c2.pem,,,no\n' +
        'ssh://admin@10.0.0.8,c3.pem,,provision,yes\n' +
        'serial:/dev/ttyUSB0,c4.pem,,renew,no\n',
    );
    expect(rows.map((r) => [r.line, r.target, r.action ?? 'provision', r.factoryReset])).toEqual([
      [2, 'webex:FOC2214N0AB', 'renew', false],
      [3, 'sim:', 'provision', false],
      [4, 'ssh://admin@10.0.0.8', 'provision', true],
      [5, 'serial:/dev/ttyUSB0', 'renew', false],
    ]);
  });

  it('refuses a webex: provision row, a renew row with a provisioning column, a webex: password file (ERR_WORKFLOW_BATCH_ACTION, line and column)', () => {
    const cases: [string, number, string][] = [
      ['target,cert,key\nwebex:FOC1,c.pem,\n', 2, 'target'],
      ['target,cert,key,action\nsim:,c.pem,,\nwebex:FOC1,c.pem,,provision\n', 3, 'target'],
      ['target,cert,key,action,secret_file\nwebex:FOC1,c.pem,,renew,s.txt\n', 2, 'secret_file'],
      ['target,cert,key,action,backup\nsim:,c.pem,,renew,b.json\n', 2, 'backup'],
      ['target,cert,key,action,activation_code_file\nsim:,c.pem,,renew,a.txt\n', 2, 'activation_code_file'],
      ['target,cert,key,action,factory_reset\nsim:,c.pem,,renew,yes\n', 2, 'factory_reset'],
      ['target,cert,key,action,password_file\nwebex:FOC1,c.pem,,renew,pw.txt\n', 2, 'password_file'],
    ];
    for (const [text, line, column] of cases) {
      let error: unknown;
      try {
        read(text);
      } catch (e) {
        error = e;
      }
      expect(error, text).toMatchObject({
        code: 'ERR_WORKFLOW_BATCH_ACTION',
        details: { line, column, file },
      });
      expect((error as Error).message.startsWith(`${file}, line ${line}, column ${column}: `)).toBe(true);
    }
    expect(() => read('target,cert,key,action\nsim:,c.pem,,rotate\n')).toThrow(
      `${file}, line 2: action must be provision or renew (or empty: provision).`,
    );
  });

  it('confines paths to the CSV’s folder, unless told the CSV is trusted', () => {
    const leaving = [
      '../x.pem',
      'a/../../x.pem',
      'a/..',
      '..\\x.pem',
      '/etc/passwd',
      '\\\\server\\share\\x.pem',
      'C:\\keys\\x.pem',
      'c:x.pem',
      '~/x.pem',
    ];
    for (const v of leaving) expect([v, leavesFolder(v)]).toEqual([v, true]);
    for (const v of ['x.pem', 'a/b/x.pem', '..x.pem', 'x..pem', 'a/.../x.pem', './x.pem'])
      expect([v, leavesFolder(v)]).toEqual([v, false]);
    const csv = 'target,cert,key,backup\r\nsim:,c.pem,,../../outside/backup.json\r\n';
    expect(() => read(csv)).toThrow(
      expect.objectContaining({
        code: 'ERR_WORKFLOW_BATCH_PATH_OUTSIDE',
        message:
          "/data/batch/devices.csv, line 2: the backup path leaves the batch file's folder (it is absolute or has a .. part). Put the file in the CSV's folder (or below it) and name it relative to it, or, for a CSV you trust, run with --allow-paths-outside.",
        details: { line: 2, column: 'backup', file: '/data/batch/devices.csv' },
      }),
    );
    expect(() => read('target,cert,key\r\n"sim:?state=/tmp/s.json",c.pem,\r\n')).toThrow(
      expect.objectContaining({
        code: 'ERR_WORKFLOW_BATCH_PATH_OUTSIDE',
        details: expect.objectContaining({ column: 'target state' }),
      }),
    );
    expect(readBatchFile(csv, { file, allowPathsOutside: true })).toEqual([
      {
        line: 2,
        target: 'sim:',
        cert: '/data/batch/c.pem',
        factoryReset: false,
        backup: '/outside/backup.json',
      },
    ]);
    expect(read('target,cert,key\r\n"sim:?state=s.json&serial=X",c.pem,\r\n')).toEqual([
      {
        line: 2,
        target: 'sim:?state=s.json&serial=X',
        cert: '/data/batch/c.pem',
        factoryReset: false,
        confinedTo: '/data/batch',
        simStateFile: '/data/batch/s.json',
      },
    ]);
  });

  const CASES: Array<[string, string, string]> = [
    [
      'an empty file',
      '',
      'line 1: the file is empty; its first line names the columns (target,cert,key at least).',
    ],
    [
      'an unknown column',
      'target,cert,key,secret\n',
      'line 1: column 4 is not a known column name; the columns are target, cert, key, passphrase_file, secret_file, enc, factory_reset, backup, activation_code_file, password_file, wrap_long_lines, action.',
    ],
    ['a column twice', 'target,cert,key,Cert\n', 'line 1: the column cert appears twice.'],
    [
      'a required column missing',
      'target,cert\nsim:,c.pem\n',
      'line 1: the column key is missing (key may be left empty in a row whose cert file holds the key).',
    ],
    ['no devices', 'target,cert,key\r\n\r\n', 'line 1: the file lists no devices below its header.'],
    ['a short row', 'target,cert,key\nsim:,c.pem\n', 'line 2: 2 values, and the header names 3 columns.'],
    ['an empty target', 'target,cert,key\n,c.pem,k.pem\n', 'line 2: the target is empty.'],
    [
      'a bad target',
      'target,cert,key\ntelnet://x,c.pem,\n',
      'line 2: the target is not a device target; use serial:/dev/ttyUSB0[?baud=N], ssh://user@host[:port], sim:, or webex:SERIAL (or webex:DEVICE_ID).',
    ],
    [
      'a device twice',
      'target,cert,key\nserial:/dev/ttyUSB0,a.pem,\nsim:,"multi\nline.pem",\nserial:/dev/ttyUSB0?baud=115200,c.pem,\n',
      'line 5: the device serial:/dev/ttyUSB0 is listed already on line 2; list each device once.',
    ],
    [
      'no cert',
      'target,cert,key\nsim:,,k.pem\n',
      'line 2: the cert column is empty; every device needs its own certificate.',
    ],
    [
      'a bad enc',
      'target,cert,key,enc\nsim:,c.pem,,A192GCM\n',
      'line 2: enc must be A128GCM or A256GCM (or empty).',
    ],
    [
      'a bad factory_reset',
      'target,cert,key,factory_reset\nsim:,c.pem,,maybe\n',
      'line 2: factory_reset must be yes or no (or empty).',
    ],
  ];
  for (const [name, text, message] of CASES) {
    it(`refuses ${name}, naming the line`, () => {
      const e = refusal(() => read(text));
      expect(e.code).toBe('ERR_WORKFLOW_BATCH_FILE');
      expect(e.message).toBe(`${file}, ${message}`);
      expect(e.details).toEqual({ line: Number(/line (\d+)/.exec(message)![1]), file });
    });
  }
});
