/**
 * The app's CSV exports and the batch result CSV share one formula guard: a cell a spreadsheet would run
 * as a formula (a device-sourced product name, an error message) is written as text.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { SecretCustody } from '../../../src/main/app/custody.js';
import { AppExports } from '../../../src/main/app/exports.js';
import { AppVault } from '../../../src/main/app/vault.js';
import { type BatchDeviceResult, batchResultCsvRow } from '../../../src/main/workflows/batch.js';
import { spreadsheetSafe } from '../../../src/main/workflows/csv.js';

const dirs: string[] = [];
afterEach(async () => {
  for (const d of dirs.splice(0)) await rm(d, { recursive: true, force: true });
});

describe('the formula guard', () => {
  it('writes a cell starting with = + - @ tab or CR as text, and leaves the others as they are', () => {
    expect(['=1+1', '+1', '-1', '@SUM(A1)', '\tx', '\rx', 'a=1', ' =1', ''].map(spreadsheetSafe)).toEqual([
      "'=1+1",
      "'+1",
      "'-1",
      "'@SUM(A1)",
      "'\tx",
      "'\rx",
      'a=1',
      ' =1',
      '',
    ]);
  });

  it('guards the batch result CSV: a device that names itself with a formula is written as text', () => {
    const row: BatchDeviceResult = {
      line: 2,
      target: 'sim:?serial=FOC0001',
      serial: 'FOC0001',
      productId: '=HYPERLINK("http://x.example","open")',
      status: 'failed',
      error: { code: 'ERR_DEVICE_TIMEOUT', message: '-the device said @once' },
      failedStep: 'connect',
      identity: null,
      fingerprint: null,
      notAfter: null,
      secret: null,
      warnings: [],
      startedAt: '2026-12-07T02:00:00.000Z',
      finishedAt: '2026-12-07T02:00:01.000Z',
    };
    expect(batchResultCsvRow(row)).toBe(
      `2,sim:?serial=FOC0001,FOC0001,"'=HYPERLINK(""http://x.example"",""open"")",failed,ERR_DEVICE_TIMEOUT,'-the device said @once,connect,,,,,,2026-12-07T02:00:00.000Z,2026-12-07T02:00:01.000Z\r\n`,
    );
  });

  it('guards the inventory CSV the app exports (a product name the device reported)', async () => {
    const home = await mkdtemp(join(tmpdir(), 'e2ee-exports-'));
    dirs.push(home);
    const vault = new AppVault({ E2EE_PROV_HOME: join(home, 'data') }, () => {
      throw new Error('the inventory export never opens the keychain');
    });
    const journal = await vault.records();
    await journal.append({
      kind: 'event',
      event: 'device.identified',
      serial: 'FOC0001',
      productId: '+cmd|calc',
    });
    const saved = join(home, 'inventory.csv');
    const exports = new AppExports(vault, new SecretCustody(), {
      openFile: async () => null,
      saveFile: async () => saved,
    });
    expect(await exports.exportInventory()).toEqual({ name: 'inventory.csv', rows: 1 });
    expect(await readFile(saved, 'utf8')).toBe(
      'serial,product,identity,fingerprint,valid_until,state,last_action,last_result,last_at\r\n' +
        "FOC0001,'+cmd|calc,,,,seen,,,\r\n",
    );
  });
});
