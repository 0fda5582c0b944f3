/**
 * Security item 11 (escrow): a file whose KDF cost was edited (and its checksum recomputed, which anyone
 * can do) said "wrong passphrase" to the person holding the right one; it says "damaged". A file with
 * lines after its checksum (not covered by it) is refused.
 */
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { EscrowError, openEscrow, sealEscrow } from '../../src/main/vault/index.js';

const PASS = 'plaid walrus orbit 47 tangerine';

async function refusal(p: Promise<unknown>): Promise<{ code: string; message: string }> {
  try {
    await p;
  } catch (e) {
    if (e instanceof EscrowError) return { code: e.code, message: e.message };
    throw e;
  }
  throw new Error('expected an EscrowError');
}

/** Rewrites the header with `edit` and recomputes the SHA-256 line, as an attacker (or a careless editor) can. */
function reheader(text: string, edit: (h: { kdf: { log2N: number } }) => void): string {
  const [header, body] = text.split('\n') as [string, string];
  const h = JSON.parse(header) as { kdf: { log2N: number } };
  edit(h);
  const signed = `${JSON.stringify(h)}\n${body}\n`;
  return `${signed}sha256:${createHash('sha256').update(signed, 'utf8').digest('hex')}\n`;
}

describe('escrow files that were edited', () => {
  it('an edited KDF cost (checksum recomputed) is "damaged", not "wrong passphrase"', async () => {
    const text = await sealEscrow([{ serial: 'FOCSECX001', secret: 's3cret value' }], PASS, { log2N: 14 });
    for (const n of [15, 16]) {
      const edited = reheader(text, (h) => {
        h.kdf.log2N = n;
      });
      expect(await refusal(openEscrow(edited, PASS))).toEqual({
        code: 'ERR_ESCROW_CORRUPT',
        message:
          'The escrow file is damaged: its key-derivation parameters were changed after it was written. Use another copy of it; nothing was imported.',
      });
    }
    // The wrong passphrase is still that, on the unedited file and on an edited one.
    expect((await refusal(openEscrow(text, `${PASS}!`))).code).toBe('ERR_ESCROW_PASSPHRASE');
    expect((await openEscrow(text, PASS)).entries).toEqual([
      { serial: 'FOCSECX001', secret: 's3cret value' },
    ]);
  });

  it('lines after the checksum are refused', async () => {
    const text = await sealEscrow([{ serial: 'FOCSECX002', secret: 'another secret' }], PASS, { log2N: 14 });
    for (const extra of ['injected line\n', '\n', '{"devices":[]}\n', 'x']) {
      expect(await refusal(openEscrow(text + extra, PASS)), JSON.stringify(extra)).toEqual({
        code: 'ERR_ESCROW_CORRUPT',
        message:
          'The escrow file is damaged: it has lines after its checksum. Use another copy of it; nothing was imported.',
      });
    }
    // Without the final line break it is still whole.
    expect((await openEscrow(text.replace(/\n$/, ''), PASS)).entries).toHaveLength(1);
    expect((await openEscrow(text.replace(/\n/g, '\r\n'), PASS)).entries).toHaveLength(1);
  });
});
