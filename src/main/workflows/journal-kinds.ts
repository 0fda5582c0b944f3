/** Journal records the workflows add (declaration merging into the vault's record types). */
declare module '../vault/journal-types.js' {
  interface JournalActions {
    /** A certificate removed from the device's store. */
    'cert.delete': { intent: { fingerprint: string }; outcome: Record<never, never> };
    'config.preferred-domain': { intent: { domain: string }; outcome: Record<never, never> };
  }
  interface JournalEvents {
    /** The certificate and public key a provisioning put on a device: finds one key used twice. */
    'cert.key': { fingerprint: string; spkiSha256: string };
    /** A renewal's plan: the certificate replacing `old`. Lets a resumed renewal still find and remove the old one. */
    'renew.plan': { fingerprint: string; old: string };
    /** Registered with SecurityAction Harden: the device's local users, the tool's admin among them, are off. */
    'device.hardened': { target?: string };
  }
}

export {};
