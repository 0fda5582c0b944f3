/**
 * The batch column `wrap_long_lines`: a certificate whose add blob is longer than the console's line is
 * refused before the device changes unless the row opts in; opted in, on a device that joins wrapped body
 * lines, it provisions as on one line.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readBatchFile, runBatch } from '../../../src/main/workflows/batch.js';
import { openDevice } from '../../../src/main/open.js';
import { Rig, longChain } from './rig.js';

const rig = new Rig({ secrets: 'memory' });

describe('batch: wrap_long_lines', () => {
  it('reads true, false or empty, and refuses any other value, naming the line', () => {
    const file = '/data/batch/devices.csv';
    const rows = readBatchFile(
      'target,cert,key,wrap_long_lines\nsim:?serial=A1,a.pem,,true\nsim:?serial=A2,b.pem,,FALSE\nsim:?serial=A3,c.pem,,\n',
      { file },
    );
    expect(rows.map((r) => r.wrapLongLines)).toEqual([true, undefined, undefined]);
    expect(() =>
      readBatchFile('target,cert,key,wrap_long_lines\nsim:?serial=A1,a.pem,,yes please\n', { file }),
    ).toThrow('line 2: wrap_long_lines must be true or false (or empty).');
  });

  describe('on devices with a 4,095-byte console', () => {
    beforeAll(() => rig.setUp('batch-wrap'));
    afterAll(() => rig.tearDown());

    it('a row without it is refused in the precheck; a row with it provisions a device that joins', async () => {
      const one = await longChain('wrap-one.batch.example');
      const two = await longChain('wrap-two.batch.example');
      writeFileSync(rig.path('one.pem'), one.bundlePem);
      writeFileSync(rig.path('two.pem'), two.bundlePem);
      const csv = rig.path('devices.csv');
      writeFileSync(
        csv,
        'target,cert,key,wrap_long_lines\n' +
          'sim:?serial=FOCWRAP0001&linelimit=4095&bodylines=joined,one.pem,,\n' +
          'sim:?serial=FOCWRAP0002&linelimit=4095&bodylines=joined,two.pem,,true\n',
      );
      const result = await runBatch(readBatchFile(readFileSync(csv), { file: csv }), {
        secrets: rig.secrets,
        journal: rig.journal,
        open: (target, password) => openDevice(target, { password }),
      });
      expect(result.devices.map((d) => [d.serial, d.status, d.failedStep, d.error?.code ?? null])).toEqual([
        ['FOCWRAP0001', 'failed', 'precheck', 'ERR_WORKFLOW_ADD_LINE_TOO_LONG'],
        ['FOCWRAP0002', 'ok', null, null],
      ]);
      expect(result.devices[1]!.fingerprint).toBe(two.fingerprint);
      expect(result.devices[1]!.warnings).toContain('WARN_LINE_LIMIT');
      // The refused device got nothing: no secret was made for it.
      expect(await rig.secrets.get('FOCWRAP0001')).toBeNull();
      expect(await rig.secrets.get('FOCWRAP0002')).not.toBeNull();
    });
  });
});
