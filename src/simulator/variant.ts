/**
 * The simulated device's variants: behaviours where real devices may differ from the public facts (or
 * older simulator behaviour), and values no public source settles. Defaults (`DEFAULT_VARIANT`) are the
 * public facts; docs/simulator.md lists every guess.
 */

/**
 * Variants: behaviours that differ from the public facts (older simulator behaviour), and values no public
 * source settles. Defaults are in `DEFAULT_VARIANT`.
 */
export interface DeviceVariant {
  /** `labels` (default, ALD): `UsedFor: "SIP, HTTPS server"`; `purposes`: the Purpose literals (old simulator). */
  usedFor: 'labels' | 'purposes';
  /** The `UsedFor` label of WebexIdentity (default `Webex identity`, a guess: open question 2). */
  webexIdentityLabel: string;
  /** Chain certificates of an add become entries of their own (default true, ALD); false: old simulator. */
  chainEntries: boolean;
  /** A factory-fresh device holds its own self-signed certificate (default true). */
  selfSigned: boolean;
  /** `SystemUnit Software OptionKeys Encryption` (default True, RKM). */
  encryptionOptionKey: boolean;
  /** Refuse `ClientSecret Populate` on an unregistered device (schema registeredOnly). Default false (seed). */
  populateNeedsRegistration: boolean;
  /** How long a registration takes (default 100 ms). */
  registrationDelayMs: number;
  /** Activation codes (digits only) the simulated cloud refuses. */
  rejectActivationCodes: readonly string[];
  /** Every registration fails. */
  registrationFails: boolean;
  /** The org's domain: `InternalIdentity Identity` once registered (RKM shows the org's domain). */
  orgDomain: string;
  /** `ExternalIdentity Status` with an active external certificate (default `Valid`, a guess: open question 5). */
  externalStatus: string;
  /** `ExternalIdentity Verification` with an active external certificate (default `CAVerified`, a guess). */
  externalVerification: string;
  /**
   * A multiline body as the command receives it: `kept` (default: the body reaches the command with its
   * line breaks, Cisco's "Multiline commands" notes), so a JWE wrapped over lines does not open; `joined`:
   * whitespace is removed before the blob is opened (a device that joins wrapped lines; not public).
   */
  bodyLineBreaks: 'kept' | 'joined';
  /**
   * How an xCommand refusal reads: `worded` (default: the Reason of each failure) or `uniform` (every
   * failure reads `Invalid input.`, a device that resists guessing: open question 4).
   */
  refusals: 'worded' | 'uniform';
}

export const DEFAULT_VARIANT: Readonly<DeviceVariant> = Object.freeze({
  usedFor: 'labels',
  webexIdentityLabel: 'Webex identity',
  chainEntries: true,
  selfSigned: true,
  encryptionOptionKey: true,
  populateNeedsRegistration: false,
  registrationDelayMs: 100,
  rejectActivationCodes: [],
  registrationFails: false,
  orgDomain: 'example.com',
  externalStatus: 'Valid',
  externalVerification: 'CAVerified',
  bodyLineBreaks: 'kept',
  refusals: 'worded',
});
