/** What the window sends: the plainest provisioning request, for tests to vary one field of. */
import type { ProvisionRequest } from '../../src/contract/index.js';

/**
 * A provisioning with a generated secret and AES-128-GCM, nothing else: no dry run, backup, factory reset,
 * name restored, registration or plain populate over the network; `changes` replace fields.
 */
export function plainProvision(changes: Partial<ProvisionRequest> = {}): ProvisionRequest {
  return {
    dryRun: false,
    secret: { mode: 'generate' },
    enc: 'A128GCM',
    backup: false,
    factoryReset: null,
    restoreName: false,
    activationCode: null,
    allowPlainOverNetwork: false,
    ...changes,
  };
}
