import type { DeviceState, Inventory, InventoryDevice } from '../../contract/shapes.js';
import type { JournalRecord } from './journal-types.js';

export type { DeviceState, Inventory, InventoryDevice };

/**
 * Derives the device inventory from the journal records (oldest first): the journal is the record, and
 * the inventory is only a view of it.
 */
export function deriveInventory(records: readonly JournalRecord[]): Inventory {
  const devices = new Map<
    string,
    InventoryDevice & { settledState: Exclude<DeviceState, 'unsettled'>; activeFingerprint?: string }
  >();
  const intents = new Map<string, JournalRecord & { kind: 'intent' }>();
  const device = (serial: string) => {
    let d = devices.get(serial);
    if (!d) {
      d = { serial, state: 'seen', settledState: 'seen', unsettled: [] };
      devices.set(serial, d);
    }
    return d;
  };
  for (const r of records) {
    if (r.serial === undefined) continue;
    const d = device(r.serial);
    if (r.kind === 'event') {
      if (r.event === 'device.identified' && typeof r.productId === 'string') d.productId = r.productId;
      if (r.event === 'device.observed') {
        // What the device showed outranks what the journal inferred before it.
        const seen = r.webexIdentity;
        if (seen) {
          d.certificate = {
            cn: seen.cn,
            fingerprint: seen.fingerprint,
            notAfter: seen.notAfter,
            active: true,
          };
          d.activeFingerprint = seen.fingerprint;
          d.settledState = 'active';
        } else if (d.settledState === 'active') {
          if (d.certificate) d.certificate.active = false;
          delete d.activeFingerprint;
          d.settledState = 'deactivated';
        }
      }
      continue;
    }
    if (r.kind === 'intent') {
      intents.set(r.op, r);
      if (!d.unsettled.includes(r.op)) d.unsettled.push(r.op);
      d.lastAction = { action: r.action, result: 'started', at: r.at, op: r.op };
      continue;
    }
    d.lastAction = { action: r.action, result: r.result, at: r.at, op: r.op };
    if (r.result === 'unknown') continue;
    d.unsettled = d.unsettled.filter((op) => op !== r.op);
    // A settled secret change (taken or not) shows the device holds a secret.
    if (r.action === 'secret.rotate' && r.result === 'failed' && d.settledState === 'seen') {
      d.settledState = 'secret-set';
    }
    if (r.result !== 'ok') continue;
    const intent = intents.get(r.op);
    switch (r.action) {
      case 'secret.populate-plain':
      case 'secret.rotate':
        if (d.settledState === 'seen' || d.settledState === 'factory-reset') d.settledState = 'secret-set';
        break;
      case 'cert.add':
        if (intent?.kind === 'intent' && intent.action === 'cert.add') {
          // An add settled late (found on the device by a re-run) after its activation: still active.
          const active = d.activeFingerprint === intent.fingerprint;
          d.certificate = {
            cn: intent.cn,
            fingerprint: intent.fingerprint,
            notAfter: intent.notAfter,
            active,
          };
          d.settledState = active ? 'active' : 'certificate-added';
        } else d.settledState = 'certificate-added';
        break;
      case 'cert.activate':
        if (intent?.kind === 'intent' && intent.action === 'cert.activate') {
          d.activeFingerprint = intent.fingerprint;
          if (d.certificate?.fingerprint !== intent.fingerprint) {
            // The add of this certificate may still be open (settled later): its facts are in its intent.
            const added = [...intents.values()]
              .filter((x) => x.action === 'cert.add' && x.serial === r.serial)
              .findLast(
                (x) => x.kind === 'intent' && x.action === 'cert.add' && x.fingerprint === intent.fingerprint,
              );
            if (added?.kind === 'intent' && added.action === 'cert.add')
              d.certificate = {
                cn: added.cn,
                fingerprint: added.fingerprint,
                notAfter: added.notAfter,
                active: true,
              };
          }
          if (d.certificate?.fingerprint === intent.fingerprint) d.certificate.active = true;
        }
        d.settledState = 'active';
        break;
      case 'cert.deactivate':
        if (d.certificate) d.certificate.active = false;
        delete d.activeFingerprint;
        d.settledState = 'deactivated';
        break;
      case 'device.factory-reset':
        delete d.certificate;
        delete d.activeFingerprint;
        d.settledState = 'factory-reset';
        break;
      default:
        break;
    }
  }
  return {
    records: records.length,
    devices: [...devices.values()]
      .map(({ settledState, activeFingerprint: _active, ...d }): InventoryDevice => ({
        ...d,
        state: d.unsettled.length > 0 ? 'unsettled' : settledState,
      }))
      .sort((a, b) => a.serial.localeCompare(b.serial)),
  };
}
