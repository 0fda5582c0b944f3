/**
 * A large batch: every row's files are read and checked in one pass before any device is touched, with
 * a progress event each second of the pass; a certificate listed twice is found by its fingerprint.
 *
 * The counts are the test (rows, progress reports, devices reached); how fast the pass is, is a figure
 * of the bench (`batch`: `validateMsPerRow`), not an assertion a busy machine could break. The pass's
 * clock (its `setInterval`) is driven by the test: each second it is moved on must bring one report.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { issueDeviceCert, makeDemoPki } from '../../../src/main/demo/pki.js';
import { Journal } from '../../../src/main/vault/journal.js';
import type { SecretStore } from '../../../src/main/vault/secret-store.js';
import { type BatchEvent, readBatchFile, runBatch } from '../../../src/main/workflows/batch.js';
import { WorkflowError } from '../../../src/main/workflows/errors.js';

const ROWS = 2000;

describe('batch validation of many rows', () => {
  let dir: string;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'e2ee-batch-validate-'));
    const pki = await makeDemoPki('Many');
    writeFileSync(join(dir, 'a.pem'), (await issueDeviceCert(pki, { cn: 'a.many.example' })).bundlePem);
    writeFileSync(join(dir, 'b.pem'), (await issueDeviceCert(pki, { cn: 'b.many.example' })).bundlePem);
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it(`checks ${ROWS} rows before any device, reporting each second of the pass`, async () => {
    let csv = 'target,cert,key\n';
    for (let i = 0; i < ROWS; i++)
      csv += `sim:?serial=FOCMANY${String(i).padStart(5, '0')},${i === 1 ? 'b' : 'a'}.pem,\n`;
    csv += 'sim:?serial=FOCMANYMISS,missing.pem,\n';
    const file = join(dir, 'many.csv');
    writeFileSync(file, csv);
    const rows = readBatchFile(csv, { file });
    expect(rows).toHaveLength(ROWS + 1);
    const events: Array<{ tick: number; e: BatchEvent }> = [];
    const opened: string[] = [];
    // The pass's clock: only its interval timer is simulated, the files are read for real.
    vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval'] });
    let ticks = 0;
    let passDone = false;
    const running = runBatch(
      rows,
      {
        secrets: {} as SecretStore,
        journal: new Journal(join(dir, 'home')),
        // No device is reachable: the rows that get this far fail at "connect".
        open: async (target) => {
          opened.push(JSON.stringify(target));
          throw Object.assign(new Error('no device here'), { code: 'ERR_DEVICE_PORT_MISSING' });
        },
      },
      {
        onEvent: (e) => {
          events.push({ tick: ticks, e });
          if (e.type === 'validate-progress' && e.done) passDone = true;
        },
      },
    );
    // One second of the pass's clock per turn of the event loop, until the pass says it is done.
    try {
      while (!passDone) {
        await new Promise((r) => setImmediate(r));
        if (passDone) break;
        ticks++;
        vi.advanceTimersByTime(1000);
      }
    } finally {
      vi.useRealTimers();
    }
    const result = await running;
    const firstDevice = events.findIndex((x) => x.e.type === 'device-start');
    const validation = events.slice(0, firstDevice).filter((x) => x.e.type === 'validate-progress');
    // The last one says the pass is done, with every row counted and the missing file noted.
    expect(validation.at(-1)!.e).toEqual({
      type: 'validate-progress',
      checked: ROWS + 1,
      total: ROWS + 1,
      failed: 1,
      done: true,
    });
    // One report for each second of the pass, each at that second, counting up to the total.
    const during = validation.slice(0, -1);
    expect(ticks).toBeGreaterThan(0);
    expect(during.map((x) => x.tick)).toEqual(Array.from({ length: ticks }, (_, i) => i + 1));
    for (const [i, x] of during.entries()) {
      const p = x.e as Extract<BatchEvent, { type: 'validate-progress' }>;
      expect([p.done, p.total]).toEqual([false, ROWS + 1]);
      if (i > 0)
        expect(p.checked).toBeGreaterThanOrEqual(
          (during[i - 1]!.e as Extract<BatchEvent, { type: 'validate-progress' }>).checked,
        );
    }
    // Two rows with their own certificate reach "connect"; the others share row 2's and never do.
    expect(opened).toHaveLength(2);
    expect(result.devices[2]!.error?.code).toBe('ERR_WORKFLOW_CERT_IN_USE');
    expect(result.devices.at(-1)!.error?.code).toBe('ERR_INPUT_READ');
    expect(result.devices.at(-1)!.failedStep).toBe('inputs');
  });

  it('a weak secret_file fails its row before its device is connected, unless the batch allows weak secrets', async () => {
    writeFileSync(join(dir, 'weak.txt'), 'letmein\n');
    const csv = 'target,cert,key,secret_file\nsim:?serial=FOCWEAK0001,a.pem,,weak.txt\n';
    const file = join(dir, 'weak.csv');
    const opened: string[] = [];
    const deps = {
      secrets: {} as SecretStore,
      journal: new Journal(join(dir, 'home-weak')),
      open: async (target: { text: string }) => {
        opened.push(target.text);
        throw new WorkflowError('ERR_WORKFLOW_CANCELLED', 'not connecting in this test');
      },
    };
    const refused = await runBatch(readBatchFile(csv, { file }), deps);
    expect(refused.devices.map((d) => [d.failedStep, d.error])).toEqual([
      [
        'inputs',
        {
          code: 'ERR_SECRET_WEAK',
          message:
            'Line 2: the secret in the secret_file is too easy to guess (about 10 bits: a common word, a short or repeated pattern); nothing was sent to the device. Put a longer one in the file, leave the column empty to have one generated, or run with --allow-weak-secret to take it anyway.',
        },
      ],
    ]);
    expect(opened).toEqual([]);
    const allowed = await runBatch(readBatchFile(csv, { file }), deps, { allowWeakSecret: true });
    expect(allowed.devices.map((d) => [d.failedStep, d.error?.code])).toEqual([
      ['connect', 'ERR_WORKFLOW_CANCELLED'],
    ]);
    expect(opened).toEqual(['sim:?serial=FOCWEAK0001']);
  });
});
