/**
 * A batch device failing now and then with ERR_JOURNAL_SECRET_REFUSED (docs/performance.md): the journal
 * took a random op id for a generated ClientSecret. About one `randomUUID()` in 17,000 holds four groups
 * of the digits 2-9 in a row (`3a204842-5235-4265-8479-1b71627ccc83`), which the generated-secret
 * pattern (groups of four of the secret alphabet) matches. A batch writes a handful of ids per device, so
 * a bench run of 30 devices met one about once in fifty runs, on whichever device drew it.
 *
 * The seeded stress test repeats a real batch's records with fresh seeded ids until one is refused (a
 * bounded count) and names the record refused (kind, action, field: never a value). The deterministic
 * test gives a real batch that very id at a chosen point.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connect } from '../../../src/main/device/index.js';
import { Journal, type JournalRecord, deriveInventory } from '../../../src/main/vault/index.js';
import { checkNoSecret } from '../../../src/main/vault/journal.js';
import { type BatchRow, runBatch } from '../../../src/main/workflows/batch.js';
import { createSimulator } from '../../../src/simulator/index.js';
import { prng } from '../../helpers/prng.js';
import { type IssuedFiles, Rig } from './rig.js';

/** An op id a real run drew and the journal refused (four groups of 2-9 digits from its 5th character). */
const REFUSED_ID = '3a204842-5235-4265-8479-1b71627ccc83';

/** UUIDs in `randomUUID()`'s form (version 4, variant 10xx), from a seed. */
function seededIds(seed: number): () => string {
  const rand = prng(seed);
  const hex = (n: number): string =>
    Array.from({ length: n }, () => Math.floor(rand() * 16).toString(16)).join('');
  return () => `${hex(8)}-${hex(4)}-4${hex(3)}-${'89ab'[Math.floor(rand() * 4)]}${hex(3)}-${hex(12)}`;
}

const rig = new Rig({ secrets: 'memory' });
const certs: IssuedFiles[] = [];
let records: JournalRecord[] = [];

/** Runs a batch of two simulated Room Kits with the journal's ids from `newId`. */
async function batchOfTwo(home: string, newId: () => string, serials: [string, string]) {
  const journal = new Journal(home, { newId });
  const sims = await Promise.all(serials.map((serialNumber) => createSimulator({ serialNumber })));
  const rows: BatchRow[] = serials.map((s, i) => ({
    line: i + 2,
    target: `sim:?serial=${s}`,
    cert: certs[i]!.bundlePath,
    factoryReset: false,
  }));
  try {
    const result = await runBatch(rows, {
      secrets: rig.secrets,
      journal,
      open: async (target) => {
        const sim = sims[serials.findIndex((s) => target.text.endsWith(s))]!;
        return connect('sim:', { simulator: sim, timeoutMs: 5000 });
      },
    });
    return { result, journal, sims };
  } finally {
    await Promise.all(sims.map((s) => s.close()));
  }
}

describe('a batch and the ids its journal draws', () => {
  beforeAll(async () => {
    await rig.setUp('batch-ids');
    certs.push(await rig.issue('ids-a.example'), await rig.issue('ids-b.example'));
  });
  afterAll(async () => {
    await rig.tearDown();
  });

  it('an op id that reads like a generated secret (injected at each record of a device) is taken: both devices provisioned', async () => {
    // A clean batch first, to count the ids a batch of two draws.
    const clean = await batchOfTwo(rig.path('clean'), seededIds(7), ['FOCIDS0001', 'FOCIDS0002']);
    expect(clean.result.devices.map((d) => [d.serial, d.status, d.error?.code ?? null])).toEqual([
      ['FOCIDS0001', 'ok', null],
      ['FOCIDS0002', 'ok', null],
    ]);
    records = await clean.journal.read();
    const ops = new Set(records.filter((r) => r.kind !== 'event').map((r) => r.op));
    // journal.created's id, and one per operation: provision, populate, add, activate for each device.
    expect(ops.size).toBe(8);

    // The same batch again, on devices of their own, with the refused id drawn at the n-th id: the first
    // device's populate (3rd id), the second device's add (8th id).
    for (const [n, serials] of [
      [3, ['FOCIDS0003', 'FOCIDS0004']],
      [8, ['FOCIDS0005', 'FOCIDS0006']],
    ] as const) {
      const ids = seededIds(100 + n);
      let drawn = 0;
      const { result, journal } = await batchOfTwo(
        rig.path(`injected-${n}`),
        () => (++drawn === n ? REFUSED_ID : ids()),
        [...serials],
      );
      expect(drawn).toBe(9);
      expect(result.devices.map((d) => [d.serial, d.status, d.error?.code ?? null])).toEqual([
        [serials[0], 'ok', null],
        [serials[1], 'ok', null],
      ]);
      const written = await journal.read();
      expect(written.filter((r) => r.kind !== 'event' && r.op === REFUSED_ID).length).toBe(2);
      expect((await journal.verify()).ok).toBe(true);
      expect(deriveInventory(written).devices.map((d) => [d.serial, d.state, d.unsettled.length])).toEqual([
        [serials[0], 'active', 0],
        [serials[1], 'active', 0],
      ]);
    }
  });

  it('seeded stress: a real batch’s records, repeated with fresh ids (up to 5,000 batches), are never refused', () => {
    expect(records.length).toBeGreaterThan(0);
    const BATCHES = 5_000;
    const ids = seededIds(20_2612);
    let refused: { batch: number; seq: number; kind: string; name: string; field: string } | null = null;
    let checked = 0;
    for (let b = 1; b <= BATCHES && refused === null; b++) {
      const fresh = new Map<string, string>();
      for (const r of records) {
        const { seq, at: _at, prev: _prev, ...entry } = r;
        const copy: Record<string, unknown> = { ...entry };
        if (typeof copy.op === 'string') {
          const op = copy.op;
          copy.op = fresh.get(op) ?? fresh.set(op, ids()).get(op);
        }
        if (typeof copy.journalId === 'string') copy.journalId = ids();
        try {
          checkNoSecret(copy, []);
          checked++;
        } catch (e) {
          const d = (e as { details: { field: string; kind?: string; action?: string; event?: string } })
            .details;
          refused = { batch: b, seq, kind: d.kind ?? '', name: d.action ?? d.event ?? '', field: d.field };
        }
      }
    }
    // With the old check, this seed's batch 970 had its device.provision outcome refused (field "op").
    expect(refused).toBeNull();
    expect(checked).toBe(BATCHES * records.length);
  });
});
