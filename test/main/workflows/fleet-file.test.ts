/**
 * The fleet renewal CSV (`serial,cert,key,passphrase_file`): paths resolved from and confined to its
 * folder (`..`, absolute, a symbolic link out refused naming line and column, never the value), the
 * allow flag, the files read into jobs; and the terminal progress bar's text.
 */
import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isProvisionerError } from '../../../src/core/errors.js';
import { loadFleetCsv, readFleetCsv } from '../../../src/main/workflows/fleet/index.js';
import { progressBarText } from '../../../src/cli/progress-bar.js';

let dir: string;

function codeAndMessage(f: () => unknown): [string, string] {
  try {
    f();
  } catch (e) {
    if (isProvisionerError(e)) return [e.code, e.message];
    throw e;
  }
  return ['', ''];
}

describe('fleet renewal CSV', () => {
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'e2ee-fleet-file-'));
    await mkdir(join(dir, 'csv'));
    await writeFile(join(dir, 'csv', 'a.pem'), 'CERT-A');
    await writeFile(join(dir, 'csv', 'a.key'), 'KEY-A');
    await writeFile(join(dir, 'csv', 'a.pass'), 'pass phrase A\n');
    await writeFile(join(dir, 'outside.pem'), 'OUTSIDE');
    await symlink(join(dir, 'outside.pem'), join(dir, 'csv', 'link.pem'));
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('reads rows, resolves paths from the CSV’s folder, and reads each row’s files into a job', async () => {
    const file = join(dir, 'csv', 'fleet.csv');
    const rows = readFleetCsv('serial,cert,key,passphrase_file\nFOC1,a.pem,a.key,a.pass\nFOC2,a.pem,,\n', {
      file,
    });
    expect(rows).toEqual([
      {
        line: 2,
        serial: 'FOC1',
        cert: join(dir, 'csv', 'a.pem'),
        key: join(dir, 'csv', 'a.key'),
        passphraseFile: join(dir, 'csv', 'a.pass'),
        confinedTo: join(dir, 'csv'),
      },
      { line: 3, serial: 'FOC2', cert: join(dir, 'csv', 'a.pem'), confinedTo: join(dir, 'csv') },
    ]);
    expect(await loadFleetCsv(rows)).toEqual([
      { workflow: 'renew', serial: 'FOC1', cert: 'CERT-A', key: 'KEY-A', passphrase: 'pass phrase A' },
      { workflow: 'renew', serial: 'FOC2', cert: 'CERT-A', key: '' },
    ]);
  });

  it('refuses a path leaving the folder (.., absolute, a link out) naming line and column, never the value', async () => {
    const how = `the CSV's folder. Put the file in the CSV's folder (or below it) and name it relative to it, or, for a CSV you trust, run with --allow-paths-outside. Nothing was sent.`;
    for (const [cert, column] of [
      ['../outside.pem', 'cert'],
      ['/etc/passwd', 'cert'],
    ] as const) {
      expect(codeAndMessage(() => readFleetCsv(`serial,cert\nFOC1,${cert}\n`, { file: 'f.csv' }))).toEqual([
        'ERR_WORKFLOW_BATCH_PATH_OUTSIDE',
        `f.csv, line 2: the ${column} path leaves (it is absolute or has a .. part) ${how}`,
      ]);
    }
    expect(
      codeAndMessage(() => readFleetCsv('serial,cert,key\nFOC1,a.pem,..\\\\x.key\n', { file: 'f.csv' })),
    ).toEqual([
      'ERR_WORKFLOW_BATCH_PATH_OUTSIDE',
      `f.csv, line 2: the key path leaves (it is absolute or has a .. part) ${how}`,
    ]);
    const linked = readFleetCsv('serial,cert\nFOC1,link.pem\n', { file: join(dir, 'csv', 'f.csv') });
    await expect(loadFleetCsv(linked)).rejects.toMatchObject({
      code: 'ERR_WORKFLOW_BATCH_PATH_OUTSIDE',
      message: `line 2: the cert path is reached through a symbolic link that leaves ${how}`,
    });
    // Trusted: the same CSV with --allow-paths-outside reads the file.
    const allowed = readFleetCsv('serial,cert\nFOC1,../outside.pem\n', {
      file: join(dir, 'csv', 'f.csv'),
      allowPathsOutside: true,
    });
    expect(await loadFleetCsv(allowed)).toEqual([
      { workflow: 'renew', serial: 'FOC1', cert: 'OUTSIDE', key: '' },
    ]);
  });

  it('refuses unknown columns, a bad serial and a device listed twice', () => {
    expect(codeAndMessage(() => readFleetCsv('serial,cert,secret\nA,a.pem,x\n'))).toEqual([
      'ERR_WORKFLOW_BATCH_FILE',
      'line 1: column 3 is not a known column name; the columns are serial, cert, key, passphrase_file.',
    ]);
    expect(codeAndMessage(() => readFleetCsv('serial,cert\n../A,a.pem\n'))).toEqual([
      'ERR_WORKFLOW_BATCH_FILE',
      'line 2: the serial is not a device serial number (letters, digits, - and _).',
    ]);
    expect(codeAndMessage(() => readFleetCsv('serial,cert\nA,a.pem\nA,b.pem\n'))).toEqual([
      'ERR_WORKFLOW_BATCH_FILE',
      'line 3: the device A is listed already on line 2; list each device once.',
    ]);
  });
});

describe('the terminal progress bar', () => {
  it('fills in proportion and counts failures', () => {
    expect(progressBarText(0, 0, 4, 8)).toBe('[--------] 0/4');
    expect(progressBarText(3, 1, 4, 8)).toBe('[######--] 3/4 (1 failed)');
    expect(progressBarText(4, 0, 4, 8)).toBe('[########] 4/4');
  });
});
