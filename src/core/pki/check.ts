import { X509Certificate, createPrivateKey, type KeyObject } from 'node:crypto';
import {
  describeCertificate,
  describeKey,
  isP256,
  type CertificateReport,
  type KeyDescription,
} from './describe.js';
import { PkiError, type PkiErrorCode, type PkiIssue, type PkiWarningCode } from './errors.js';
import {
  assembleCredentials,
  collectCredentials,
  keyMatchesCertificate,
  type CredentialSource,
  type Credentials,
  type CredentialsInput,
  type KeyFormat,
} from './read.js';

/** A certificate of the chain, briefly. */
export interface ChainEntry {
  role: 'device' | 'intermediate' | 'root' | 'unrelated';
  subject: string;
  issuer: string;
  sha1: string;
  notAfter: string;
}

/** The device certificate's facts, plus what the input says about its key and chain. */
export interface CredentialsReport extends CertificateReport {
  source: CredentialSource;
  /** Whole days until notAfter (negative once expired). */
  daysLeft: number;
  /** The private key as found (null when none was given or it could not be read). */
  privateKey: { format: KeyFormat; encrypted: boolean; key: KeyDescription } | null;
  /** Whether the private key belongs to the certificate; null when there is no readable key. */
  keyMatches: boolean | null;
  chain: {
    /** The device certificate, then the intermediates, then the root if the input holds it. */
    certificates: ChainEntry[];
    /** Whether every certificate of the input is on one chain, each signed by the next, up to the last. */
    verifies: boolean;
    /** Certificates of the input that are not on the chain (left out of the payload). */
    unrelated: ChainEntry[];
  };
}

export interface CheckResult {
  /** True when the device would accept the pair: no errors (warnings allowed). */
  ok: boolean;
  report: CredentialsReport;
  errors: PkiIssue<PkiErrorCode>[];
  warnings: PkiIssue<PkiWarningCode>[];
}

export interface CheckOptions {
  /** The moment validity is judged at (default: now). */
  now?: Date;
  /** Warn when the certificate expires within this many days (default 30). */
  expiringWithinDays?: number;
}

const DAY_MS = 86_400_000;

/**
 * Says whether the device would accept these credentials, and why not: ECDSA P-256 key, key matching the
 * certificate, validity; warns of near expiry, self-signed certificates and a chain that does not verify.
 */
export function checkCredentials(credentials: Credentials, options: CheckOptions = {}): CheckResult {
  let key: KeyObject | null = null;
  if (credentials.privateKey !== null) {
    try {
      key = createPrivateKey(credentials.privateKey);
    } catch (e) {
      throw new PkiError(
        'ERR_KEY_PARSE',
        'The private key cannot be read; it may be damaged or still encrypted.',
        {},
        { cause: e },
      );
    }
  }
  return judge(credentials, key, null, options);
}

/**
 * Reads and checks in one step, for a report: a key that cannot be read (wrong passphrase, damaged) becomes
 * one of the errors instead of stopping the report. Throws only when no certificate can be read.
 */
export function inspectCredentials(input: CredentialsInput, options: CheckOptions = {}): CheckResult {
  const collected = collectCredentials(input);
  const credentials = assembleCredentials(collected);
  return judge(credentials, collected.key?.key ?? null, collected.keyError, options);
}

function judge(
  credentials: Credentials,
  key: KeyObject | null,
  keyError: PkiError | null,
  options: CheckOptions,
): CheckResult {
  const now = options.now ?? new Date();
  const soonDays = options.expiringWithinDays ?? 30;
  const facts = describeCertificate(credentials.certificate); // ERR_CERT_PARSE for a damaged one
  const cert = new X509Certificate(credentials.certificate);
  const errors: PkiIssue<PkiErrorCode>[] = [];
  const warnings: PkiIssue<PkiWarningCode>[] = [];
  const name = facts.subject.cn !== null ? `"${facts.subject.cn}"` : 'this certificate';

  if (keyError) errors.push({ code: keyError.code, message: keyError.message });

  if (!isP256(facts.key)) {
    errors.push({
      code: 'ERR_CERT_KEY_NOT_P256',
      message: `The certificate's key is ${keyWords(facts.key)}; the device accepts only ECDSA P-256 keys. Make a new P-256 key and CSR (e2ee-prov cert csr) and have the CA issue the certificate on it (the CA itself may sign with RSA).`,
    });
  }

  const keyMatches = key ? keyMatchesCertificate(key, cert) : null;
  if (keyMatches === false) {
    errors.push({
      code: 'ERR_CERT_KEY_MISMATCH',
      message: `The private key does not belong to ${name}. Find the key the CSR for it was made with.`,
    });
  }

  const notBefore = new Date(facts.notBefore);
  const notAfter = new Date(facts.notAfter);
  const daysLeft = Math.floor((notAfter.getTime() - now.getTime()) / DAY_MS);
  if (now < notBefore) {
    errors.push({
      code: 'ERR_CERT_NOT_YET_VALID',
      message: `The certificate is valid only from ${day(notBefore)}. Check this computer's clock, or wait until then.`,
    });
  } else if (now > notAfter) {
    errors.push({
      code: 'ERR_CERT_EXPIRED',
      message: `The certificate expired on ${day(notAfter)}. Get a renewed certificate from the CA.`,
    });
  } else if (notAfter.getTime() - now.getTime() < soonDays * DAY_MS) {
    warnings.push({
      code: 'WARN_CERT_EXPIRING_SOON',
      message: `The certificate expires on ${day(notAfter)}, in ${daysLeft} day${daysLeft === 1 ? '' : 's'}. Plan its renewal now: the device loses its verified identity when it expires.`,
    });
  }

  if (key === null && keyError === null) {
    errors.push({
      code: 'ERR_KEY_MISSING',
      message:
        'No private key was given, and the device needs the certificate with its key. Give the key file (--key), or a file that holds both.',
    });
  }

  if (facts.selfSigned) {
    warnings.push({
      code: 'WARN_CERT_SELF_SIGNED',
      message:
        'The certificate is self-signed. The device wants one issued by a public CA; others in the meeting will not see this identity as verified.',
    });
  }
  if (facts.subject.cn === null) {
    warnings.push({
      code: 'WARN_CERT_NO_CN',
      message: 'The certificate has no subject CN, so meeting participants will see no identity name.',
    });
  }
  // A self-signed certificate is CA:TRUE by openssl's defaults; the self-signed warning says enough.
  if (facts.isCa && !facts.selfSigned) {
    warnings.push({
      code: 'WARN_CERT_IS_CA',
      message:
        'This is a CA certificate (basicConstraints CA:TRUE), not a device certificate. Check that you picked the right file.',
    });
  }
  if (facts.keyUsage !== null && !facts.keyUsage.includes('digitalSignature')) {
    warnings.push({
      code: 'WARN_CERT_KEY_USAGE',
      message: `The certificate's key usage (${facts.keyUsage.join(', ') || 'none'}) lacks digitalSignature, which an identity certificate signs with. Ask the CA for one that has it.`,
    });
  }

  const chainCerts = [
    entry(cert, 'device'),
    ...credentials.chain.map((p) => entry(new X509Certificate(p), 'intermediate')),
    ...(credentials.root ? [entry(new X509Certificate(credentials.root), 'root')] : []),
  ];
  const unrelated = credentials.unrelated.map((p) => entry(new X509Certificate(p), 'unrelated'));
  if (unrelated.length > 0) {
    const top = chainCerts[chainCerts.length - 1]!;
    warnings.push({
      code: 'WARN_CHAIN_BROKEN',
      message: `The chain in the file does not verify up to its last certificate: it stops at "${top.subject}", and ${unrelated.map((u) => `"${u.subject}"`).join(', ')} ${unrelated.length === 1 ? 'is' : 'are'} not on it. ${unrelated.length === 1 ? 'It is' : 'They are'} left out of what is sent to the device.`,
    });
  }
  for (const p of credentials.chain) {
    const ca = new X509Certificate(p);
    if (now > new Date(ca.validTo) || now < new Date(ca.validFrom)) {
      warnings.push({
        code: 'WARN_CHAIN_CERT_EXPIRED',
        message: `The intermediate CA certificate "${entry(ca, 'intermediate').subject}" is not valid today (valid ${day(new Date(ca.validFrom))} to ${day(new Date(ca.validTo))}). Get the current intermediate from the CA.`,
      });
    }
  }

  const report: CredentialsReport = {
    ...facts,
    source: credentials.source,
    daysLeft,
    privateKey:
      key && credentials.keyFormat
        ? {
            format: credentials.keyFormat,
            encrypted: credentials.keyFormat.startsWith('encrypted') || credentials.keyFormat === 'pkcs12',
            key: describeKey(key),
          }
        : null,
    keyMatches,
    chain: { certificates: chainCerts, verifies: unrelated.length === 0, unrelated },
  };
  return { ok: errors.length === 0, report, errors, warnings };
}

function entry(cert: X509Certificate, role: ChainEntry['role']): ChainEntry {
  const facts = describeCertificate(cert);
  return {
    role,
    subject: facts.subject.dn,
    issuer: facts.issuer,
    sha1: facts.fingerprints.sha1,
    notAfter: facts.notAfter,
  };
}

function keyWords(key: KeyDescription): string {
  if (key.type === 'EC') return `EC ${key.curve ?? 'on an unknown curve'}`;
  return key.bits ? `${key.type} ${key.bits}` : key.type;
}

function day(d: Date): string {
  return d
    .toISOString()
    .replace('T', ' ')
    .replace(/\.\d{3}Z$/, ' UTC');
}
