import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Journal, deriveInventory } from '../../../src/main/vault/index.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'e2ee-inventory-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** A certificate's facts as the journal keeps them: `cn`, a SHA-1 of `byte` repeated, valid to 2027-05-01. */
function certFacts(cn: string, byte: string): { cn: string; fingerprint: string; notAfter: string } {
  return { cn, fingerprint: byte.repeat(20), notAfter: '2027-05-01T00:00:00.000Z' };
}

describe('deriveInventory', () => {
  it('follows each device through provisioning, rotation and reset', async () => {
    const j = new Journal(dir);
    const cert = certFacts('room-1.example.com', 'ab');
    await j.append({
      kind: 'event',
      event: 'device.identified',
      serial: 'FOC1',
      productId: 'Cisco Room Kit',
    });
    let op = await j.intent('secret.populate-plain', 'FOC1', {});
    await j.outcome('secret.populate-plain', op, 'FOC1', 'ok', 'response');
    op = await j.intent('cert.add', 'FOC1', cert);
    await j.outcome('cert.add', op, 'FOC1', 'ok', 'response');
    op = await j.intent('cert.activate', 'FOC1', { fingerprint: cert.fingerprint, purpose: 'WebexIdentity' });
    await j.outcome('cert.activate', op, 'FOC1', 'ok', 'response');

    await j.append({
      kind: 'event',
      event: 'device.identified',
      serial: 'FOC2',
      productId: 'Cisco Desk Pro',
    });
    const rot = await j.intent('secret.rotate', 'FOC2', { enc: 'A128GCM' });
    await j.outcome('secret.rotate', rot, 'FOC2', 'unknown', 'response', {
      error: { code: 'ERR_DEVICE_TIMEOUT' },
    });

    op = await j.intent('cert.add', 'FOC3', {
      ...cert,
      cn: 'room-3.example.com',
      fingerprint: 'cd'.repeat(20),
    });
    await j.outcome('cert.add', op, 'FOC3', 'ok', 'response');
    op = await j.intent('device.factory-reset', 'FOC3', {});
    await j.outcome('device.factory-reset', op, 'FOC3', 'ok', 'response');

    let inv = deriveInventory(await j.read());
    expect(inv.devices).toEqual([
      {
        serial: 'FOC1',
        productId: 'Cisco Room Kit',
        certificate: { ...cert, active: true },
        state: 'active',
        lastAction: expect.objectContaining({ action: 'cert.activate', result: 'ok' }),
        unsettled: [],
      },
      {
        serial: 'FOC2',
        productId: 'Cisco Desk Pro',
        state: 'unsettled',
        lastAction: expect.objectContaining({ action: 'secret.rotate', result: 'unknown', op: rot }),
        unsettled: [rot],
      },
      {
        serial: 'FOC3',
        state: 'factory-reset',
        lastAction: expect.objectContaining({ action: 'device.factory-reset', result: 'ok' }),
        unsettled: [],
      },
    ]);

    await j.outcome('secret.rotate', rot, 'FOC2', 'ok', 'probe');
    op = await j.intent('cert.deactivate', 'FOC1', {
      fingerprint: cert.fingerprint,
      purpose: 'WebexIdentity',
    });
    await j.outcome('cert.deactivate', op, 'FOC1', 'ok', 'response');
    inv = deriveInventory(await j.read());
    expect(inv.devices[0]).toMatchObject({ state: 'deactivated', certificate: { active: false } });
    expect(inv.devices[1]).toMatchObject({ state: 'secret-set', unsettled: [] });
  });

  it('re-learns a device from what a connection observed: its identity active, or none any more', async () => {
    const j = new Journal(dir);
    const cert = certFacts('room-9.example.com', 'cd');
    // A new journal: a rotation alone says only that a secret is set.
    const op = await j.intent('secret.rotate', 'FOC9', { enc: 'A128GCM' });
    await j.outcome('secret.rotate', op, 'FOC9', 'ok', 'response');
    expect(deriveInventory(await j.read()).devices[0]).toMatchObject({ state: 'secret-set' });
    await j.append({ kind: 'event', event: 'device.observed', serial: 'FOC9', webexIdentity: cert });
    const seen = deriveInventory(await j.read()).devices[0]!;
    expect([seen.state, seen.certificate]).toEqual(['active', { ...cert, active: true }]);
    // Seen later with no identity: no longer active (the certificate is remembered, inactive).
    await j.append({ kind: 'event', event: 'device.observed', serial: 'FOC9', webexIdentity: null });
    const gone = deriveInventory(await j.read()).devices[0]!;
    expect([gone.state, gone.certificate]).toEqual(['deactivated', { ...cert, active: false }]);
    // A device never active and seen without one stays where the journal had it.
    await j.append({ kind: 'event', event: 'device.observed', serial: 'FOC8', webexIdentity: null });
    expect(deriveInventory(await j.read()).devices.find((d) => d.serial === 'FOC8')?.state).toBe('seen');
  });
});
