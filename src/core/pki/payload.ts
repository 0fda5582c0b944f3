import { addPayload } from '../jwe/payloads.js';
import { checkCredentials, type CheckOptions } from './check.js';
import { sha1Fingerprint, sha256Fingerprint } from './describe.js';
import { PkiError, type PkiIssue, type PkiWarningCode } from './errors.js';
import type { Credentials } from './read.js';

/** The plaintext of the `add` blob, and what the next steps need to know about it. */
export interface AddPayload {
  /** Device certificate PEM, intermediates in chain order (no root), then the unencrypted key PEM. A secret. */
  payload: string;
  /** The device certificate's SHA-1 fingerprint (40 lower-case hex): what `activate` takes. */
  sha1: string;
  sha256: string;
  /** What the check found that does not stop provisioning (near expiry, self-signed ...). */
  warnings: PkiIssue<PkiWarningCode>[];
}

/**
 * Checks the credentials and builds the `add` payload (`shared/spec/jwe-blobs.md`). Throws `PkiError` with the
 * first error's code (all of them in `details.errors`) when the device would refuse them.
 */
export function buildAddPayload(credentials: Credentials, options: CheckOptions = {}): AddPayload {
  const result = checkCredentials(credentials, options);
  const first = result.errors[0];
  if (first) {
    throw new PkiError(first.code, first.message, {
      errors: result.errors.map((e) => ({ code: e.code, message: e.message })),
    });
  }
  // checkCredentials reports ERR_KEY_MISSING when there is no key, so here there is one.
  const payload = addPayload({
    certificate: credentials.certificate,
    chain: credentials.chain,
    privateKey: credentials.privateKey!,
  });
  return {
    payload,
    sha1: sha1Fingerprint(credentials.certificate),
    sha256: sha256Fingerprint(credentials.certificate),
    warnings: result.warnings,
  };
}
