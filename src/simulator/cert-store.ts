/**
 * The device's certificate store: service certificates with their keys, the chain entries that come with
 * them (ALD), the preinstalled self-signed certificate, CA certificates, and what each is used for.
 */
import { createHash } from 'node:crypto';
import { CERTIFICATE_PURPOSES, type CertificatePurpose } from '../core/xapi/vocabulary.js';
import { type CertFacts, certFacts, makeSelfSigned } from './certs.js';
import type { DeviceVariant } from './variant.js';

/** Purposes a service certificate can be activated for (`Services Activate Purpose:`; core/xapi/vocabulary.ts). */
export const PURPOSES = CERTIFICATE_PURPOSES;
export type Purpose = CertificatePurpose;

/**
 * `UsedFor` labels by purpose. `SIP` and `HTTPS server` are captured (ALD); the others are guesses, and the
 * WebexIdentity label is in no public source (open question 2): it is the `webexIdentityLabel` option.
 */
export const USED_FOR_LABELS: Readonly<Record<Purpose, string>> = {
  '802.1X': '802.1X',
  HTTPS: 'HTTPS server',
  Audit: 'Audit',
  SIP: 'SIP',
  Pairing: 'Pairing',
  WebexIdentity: 'Webex identity',
  HttpClient: 'HTTP client',
  HttpProxy: 'HTTP proxy',
};

/**
 * What a store entry is: a certificate added with its key (`service`), a chain certificate that came with
 * one and is listed as an entry of its own (`chain`, ALD), or the device's own preinstalled self-signed
 * certificate (`preinstalled`).
 */
export type CertKind = 'service' | 'chain' | 'preinstalled';

/** A certificate in the device's service store. */
export interface StoredCert {
  kind: CertKind;
  certificate: string;
  /** Chain certificates added with it (PEM), for a `service` entry; empty otherwise. */
  chain: string[];
  /** Empty for a `chain` entry: the device has no key for it. */
  privateKey: string;
  purposes: Purpose[];
  /** Added with `IsEncrypted: True` (a JWE body). */
  encrypted: boolean;
  facts: CertFacts;
}

/** A CA certificate (`Security Certificates CA Add`). */
export interface StoredCa {
  certificate: string;
  facts: CertFacts;
}

/** The certificates a device holds, and the questions the commands and the status ask of them. */
export class CertStore {
  certs: StoredCert[] = [];
  caCerts: StoredCa[] = [];

  constructor(private readonly variant: DeviceVariant) {}

  /** The certificate active for a purpose. */
  active(purpose: Purpose): StoredCert | undefined {
    return this.certs.find((c) => c.purposes.includes(purpose));
  }

  /** The entry with this SHA-1 or SHA-256 (40 or 64 hex digits, any case, colons allowed). */
  findCert(fingerprint: string): StoredCert | undefined {
    const fp = fingerprint.replace(/:/g, '').toLowerCase();
    return this.certs.find((c) => c.facts.sha1 === fp || c.facts.sha256 === fp);
  }

  /** The device's own certificate, made when the device is (and kept by every factory reset). */
  installSelfSigned(deviceId: string): void {
    if (!this.variant.selfSigned || this.certs.some((c) => c.kind === 'preinstalled')) return;
    const serial = createHash('sha1').update(`self-signed:${deviceId}`).digest('hex').slice(0, 16);
    const made = makeSelfSigned(`0${serial.slice(1)}`);
    this.certs.unshift({
      kind: 'preinstalled',
      certificate: made.certificate,
      chain: [],
      privateKey: made.privateKey,
      purposes: [],
      encrypted: false,
      facts: certFacts(made.certificate),
    });
  }

  /**
   * The entries a service certificate's chain adds (ALD: an added intermediate becomes its own entry); one
   * already in the store (or in `pending`) is not added twice. None with the `chainEntries: false` variant.
   */
  chainEntriesFor(leaf: StoredCert, pending: readonly StoredCert[] = []): StoredCert[] {
    if (!this.variant.chainEntries) return [];
    const out: StoredCert[] = [];
    for (const pem of leaf.chain) {
      const facts = certFacts(pem);
      const known = [...this.certs, ...pending, ...out].some((c) => c.facts.sha1 === facts.sha1);
      if (known) continue;
      out.push({
        kind: 'chain',
        certificate: pem,
        chain: [],
        privateKey: '',
        purposes: [],
        encrypted: false,
        facts,
      });
    }
    return out;
  }

  /** The service certificates whose chain holds this entry. */
  chainedBy(entry: StoredCert): StoredCert[] {
    return this.certs.filter(
      (c) => c.kind !== 'chain' && c.chain.some((pem) => certFacts(pem).sha1 === entry.facts.sha1),
    );
  }

  /**
   * What an entry shows as used for: its own purposes; a chain entry shows those of the certificates it
   * chains (ALD: the intermediate shows the leaf's uses although only the leaf was activated).
   */
  effectivePurposes(entry: StoredCert): Purpose[] {
    if (entry.kind !== 'chain') return [...entry.purposes];
    const out: Purpose[] = [];
    for (const leaf of this.chainedBy(entry))
      for (const p of leaf.purposes) if (!out.includes(p)) out.push(p);
    return out;
  }

  /** The `UsedFor` text: labels (or, with the `purposes` variant, the literals) joined by `, `. */
  usedFor(entry: StoredCert): string {
    const v = this.variant;
    return this.effectivePurposes(entry)
      .map((p) =>
        v.usedFor === 'purposes' ? p : p === 'WebexIdentity' ? v.webexIdentityLabel : USED_FOR_LABELS[p],
      )
      .join(', ');
  }

  /** The chain an external identity presents: the leaf and its chain certificates still in the store. */
  identityChain(leaf: StoredCert): CertFacts[] {
    const chain = leaf.chain.map((pem) => certFacts(pem));
    if (!this.variant.chainEntries) return [leaf.facts, ...chain];
    return [leaf.facts, ...chain.filter((f) => this.certs.some((c) => c.facts.sha1 === f.sha1))];
  }
}
