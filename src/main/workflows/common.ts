import { modelSupport } from '../../core/support.js';
import type { DeviceIdentity } from '../../core/xapi/results.js';
import type { Journal } from '../vault/journal.js';
import type { SecretStore } from '../vault/secret-store.js';
import type { WorkflowDevice } from './device-port.js';
import { WorkflowError } from './errors.js';
import { deviceHolds } from './device-holds.js';
import { settleSecret } from './rotate.js';

/**
 * The device's current ClientSecret from the keychain, checked against the device with the harmless
 * probe. An unfinished secret change (a pending entry) is settled first, whichever way it went.
 */
export async function knownSecret(
  device: WorkflowDevice,
  secrets: SecretStore,
  journal: Journal,
  id: DeviceIdentity,
): Promise<string> {
  await settleSecret(device, id.serialNumber, { store: secrets, journal });
  const stored = await secrets.get(id.serialNumber);
  if (stored !== null && (await deviceHolds(device, stored))) return stored;
  throw new WorkflowError(
    'ERR_WORKFLOW_SECRET_UNKNOWN',
    stored === null
      ? `The keychain holds no client secret for device ${id.serialNumber}. Import it (e2ee-prov secret import) or provision the device first.`
      : `The device ${id.serialNumber} does not accept the client secret the keychain holds for it. Import the right secret, or factory reset the device.`,
    { serial: id.serialNumber },
  );
}

/** Refuses a model that cannot hold an external E2EE identity (before any blob is sent to it). */
export function requireE2eeModel(id: DeviceIdentity): void {
  const model = modelSupport(id.productId);
  if (model.capability === 'unsupported') {
    throw new WorkflowError(
      'ERR_WORKFLOW_MODEL_UNSUPPORTED',
      `${id.productId} (${model.family}) cannot join end-to-end encrypted meetings with an external identity. Only Board, Desk Pro, Desk, Room Kit and Room Kit Mini can.`,
      { productId: id.productId },
    );
  }
}
