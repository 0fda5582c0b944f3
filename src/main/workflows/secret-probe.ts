import { isProvisionerError } from '../../core/errors.js';
import { seal } from '../../core/jwe/index.js';
import type { WorkflowDevice } from './device-port.js';

/**
 * Asks the device, harmlessly, whether it holds `secret`: a populate blob of the secret under itself
 * changes nothing and succeeds only under the right secret. True or false; a device that does not
 * answer is an error (nothing is known).
 */
export async function deviceHoldsSecret(
  device: Pick<WorkflowDevice, 'populateSecret'>,
  secret: string,
): Promise<boolean> {
  const blob = await seal('populate', secret, secret);
  try {
    await device.populateSecret(blob);
    return true;
  } catch (e) {
    if (isProvisionerError(e) && e.code === 'ERR_DEVICE_COMMAND_FAILED') return false;
    throw e;
  }
}
