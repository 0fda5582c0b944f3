/** Interop both ways with an independent JWE implementation: Debian's python3-jwcrypto. */
import { execFile } from 'node:child_process';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ACTIONS, type Action, ENCS, type Enc, inspect, open, seal } from '../../../src/core/jwe/index.js';
import { SYSTEM_PYTHON, systemHas } from '../../helpers/system.js';

const PEER = resolve(import.meta.dirname, '../../interop/jwcrypto_peer.py');

function peer(mode: 'seal' | 'open', request: object): Promise<string> {
  return new Promise((res, rej) => {
    const child = execFile(SYSTEM_PYTHON, [PEER, mode], (err, stdout, stderr) =>
      err ? rej(new Error(`${err.message}\n${stderr}`)) : res(stdout.trim()),
    );
    child.stdin?.end(JSON.stringify(request));
  });
}

const PAYLOADS: Record<Action, string> = {
  add: '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n',
  populate: 'ünïcode secret ✓',
  activate: 'c28a0e6d3f5b7a9e1d2c4b6a8f0e1d3c5b7a9f2e',
  deactivate: 'c28a0e6d3f5b7a9e1d2c4b6a8f0e1d3c5b7a9f2e',
};

const cases: [Action, Enc][] = ACTIONS.flatMap((a) => ENCS.map((e): [Action, Enc] => [a, e]));

describe.runIf(systemHas('jwcrypto'))('interop with python3-jwcrypto', () => {
  it.each(cases)('a %s blob (%s) sealed here opens there', async (action, enc) => {
    const blob = await seal(action, PAYLOADS[action], 'shared secret ✓', { enc });
    const out = JSON.parse(await peer('open', { secret: 'shared secret ✓', blob })) as Record<string, string>;
    expect(out).toEqual({ action, enc, payload_b64: Buffer.from(PAYLOADS[action]).toString('base64url') });
  });

  it.each(cases)('a %s blob (%s) sealed there opens here', async (action, enc) => {
    const payload_b64 = Buffer.from(PAYLOADS[action]).toString('base64url');
    const blob = await peer('seal', { secret: 'shared secret ✓', action, enc, payload_b64 });
    expect(inspect(blob)).toMatchObject({ action, enc, headerCanonical: true });
    const opened = await open(blob, 'shared secret ✓');
    expect(Buffer.from(opened.payload).toString('utf8')).toBe(PAYLOADS[action]);
  });

  it('an empty populate (a reset) sealed there opens here', async () => {
    const there = await peer('seal', { secret: 'old', action: 'populate', enc: 'A256GCM', payload_b64: '' });
    expect(inspect(there).ciphertextBytes).toBe(0);
    expect((await open(there, 'old')).payload.length).toBe(0);
  });

  it('an empty populate cannot be checked there: jwcrypto refuses every empty ciphertext, even its own', async () => {
    const here = await seal('populate', '', 'old');
    const there = await peer('seal', { secret: 'old', action: 'populate', enc: 'A128GCM', payload_b64: '' });
    // Both fail the same way in the peer, so the limit is the peer's, not a fault of our blob.
    await expect(peer('open', { secret: 'old', blob: here })).rejects.toThrow(
      'No recipient matched the provided key',
    );
    await expect(peer('open', { secret: 'old', blob: there })).rejects.toThrow(
      'No recipient matched the provided key',
    );
  });

  it('the worked example opens there', async () => {
    const blob =
      'eyJhbGciOiJkaXIiLCJjaXNjby1hY3Rpb24iOiJhZGQiLCJjaXNjby1rZGYiOnsic2FsdCI6IjVlWlRDQVA0TV9ZIiwidmVyc2lvbiI6IjEifSwiZW5jIjoiQTEyOEdDTSJ9..NLNd3V9Te68tkpWD.f5lLVuWNfKfmzYCo1YJfODhQ.PE-wDFWGXFFBeo928cfZ1Q';
    expect(JSON.parse(await peer('open', { secret: 'ossifrage', blob }))).toEqual({
      action: 'add',
      enc: 'A128GCM',
      payload_b64: Buffer.from('this is a PEM file').toString('base64url'),
    });
  });
});
