import { modelSupport } from '../../core/support.js';
import type { DeviceIdentity } from '../../core/xapi/results.js';
import type { SecretStore } from '../vault/secret-store.js';
import type { WorkflowDevice } from './device-port.js';
import { WorkflowError } from './errors.js';
import { deviceHoldsSecret } from './secret-probe.js';

/**
 * The device's current ClientSecret from the keychain, checked against the device with the harmless
 * probe. A pending secret that the device turns out to hold (an earlier change cut off) is settled here.
 */
export async function knownSecret(
  device: WorkflowDevice,
  secrets: SecretStore,
  id: DeviceIdentity,
): Promise<string> {
  const stored = await secrets.get(id.serialNumber);
  if (stored !== null && (await deviceHoldsSecret(device, stored))) return stored;
  const pending = await secrets.getPending(id.serialNumber);
  if (pending !== null && (await deviceHoldsSecret(device, pending))) {
    await secrets.set(id.serialNumber, pending);
    await secrets.deletePending(id.serialNumber);
    return pending;
  }
  throw new WorkflowError(
    'ERR_WORKFLOW_SECRET_UNKNOWN',
    stored === null && pending === null
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
