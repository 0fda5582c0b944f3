import { X509Certificate, createPrivateKey, createPublicKey, type KeyObject } from 'node:crypto';
import forge from 'node-forge';
import { PkiError } from './errors.js';
import { derToPem, looksLikePem, pemBlocks, type PemBlock } from './pem.js';

/** Where the certificate came from. */
export type CredentialSource = 'pem' | 'der' | 'pkcs12';

/**
 * How the private key was stored. `encrypted-pem` is OpenSSL's legacy `Proc-Type: 4,ENCRYPTED` form of a
 * SEC1 or PKCS#1 key; `pkcs12` a key taken out of a PKCS#12 bundle.
 */
export type KeyFormat = 'pkcs8' | 'sec1' | 'pkcs1' | 'encrypted-pkcs8' | 'encrypted-pem' | 'pkcs12';

/** What to read: exactly one of `certPem`, `p12`, `certFile`; optionally a separate key. */
export interface CredentialsInput {
  /** PEM text: the device certificate, optionally its private key and chain certificates, in any order. */
  certPem?: string;
  /** A PKCS#12 bundle (.p12/.pfx, OpenSSL 3 default or legacy encryption); `passphrase` is its password. */
  p12?: Uint8Array;
  /** The bytes of a certificate file of any supported kind (PEM, DER certificate, PKCS#12), recognized by content. */
  certFile?: Uint8Array;
  /** A separate PEM private key: PKCS#8, SEC1 (`EC PRIVATE KEY`), PKCS#1, or encrypted PKCS#8. */
  keyPem?: string;
  /** Decrypts an encrypted private key; for a PKCS#12 bundle, its password. */
  passphrase?: string;
}

/**
 * The device certificate, its chain and its key, as read from the input. Plain PEM strings (LF line endings),
 * safe to hand to `buildAddPayload` or to keep in memory; `privateKey` is decrypted, so treat it as a secret.
 */
export interface Credentials {
  source: CredentialSource;
  /** The device certificate: the one that matches the private key, or else the one that issued no other. */
  certificate: string;
  /** Intermediate CA certificates from the input in chain order (the device certificate's issuer first); no root. */
  chain: string[];
  /** The self-signed certificate the chain ends in, when the input holds it (never sent to the device). */
  root: string | null;
  /** Certificates of the input that are not in the device certificate's chain (left out of the payload). */
  unrelated: string[];
  /** The private key, unencrypted PEM, or null when the input has none. */
  privateKey: string | null;
  keyFormat: KeyFormat | null;
}

/** A private key as read: its unencrypted PEM, how it was stored, and the key itself. */
export interface ParsedKey {
  pem: string;
  format: KeyFormat;
  key: KeyObject;
}

/** The raw material of an input: certificates in input order, and the key or why it could not be read. */
export interface Collected {
  source: CredentialSource;
  certs: X509Certificate[];
  key: ParsedKey | null;
  keyError: PkiError | null;
}

/**
 * Reads a certificate (PEM, DER or PKCS#12), its chain and its private key. Throws `PkiError` when something
 * cannot be read (`ERR_CERT_PARSE`, `ERR_KEY_PASSPHRASE_WRONG`, `ERR_P12_PASSWORD_WRONG` ...). It does not
 * judge: `checkCredentials` says whether the device would accept what was read.
 */
export function readCredentials(input: CredentialsInput): Credentials {
  const collected = collectCredentials(input);
  if (collected.keyError) throw collected.keyError;
  return assembleCredentials(collected);
}

/** Like `readCredentials`, but a key that cannot be read is returned as `keyError` instead of thrown. */
export function collectCredentials(input: CredentialsInput): Collected {
  const given = [input.certPem, input.p12, input.certFile].filter((v) => v !== undefined).length;
  if (given !== 1) throw new TypeError('Give exactly one of certPem, p12, certFile.');
  if (input.passphrase !== undefined && typeof input.passphrase !== 'string')
    throw new TypeError('passphrase must be a string');

  let source: CredentialSource;
  let certs: X509Certificate[];
  const keys: ParsedKey[] = [];
  let keyError: PkiError | null = null;
  const keyBlocks: PemBlock[] = [];

  const pemText =
    input.certPem ?? (input.certFile && looksLikePem(input.certFile) ? utf8(input.certFile) : undefined);
  if (pemText !== undefined) {
    source = 'pem';
    const blocks = pemBlocks(pemText);
    certs = blocks.filter((b) => b.label === 'CERTIFICATE').map((b, i) => parseCertPem(b.text, i));
    keyBlocks.push(...blocks.filter((b) => /PRIVATE KEY$/.test(b.label)));
  } else {
    const bytes = (input.p12 ?? input.certFile)!;
    if (input.p12 === undefined && !looksLikePkcs12(bytes)) {
      source = 'der';
      certs = [parseCertDer(bytes)];
    } else {
      source = 'pkcs12';
      const bundle = readPkcs12(bytes, input.passphrase);
      certs = bundle.certs;
      keys.push(...bundle.keys);
    }
  }
  if (certs.length === 0) {
    throw new PkiError(
      'ERR_CERT_MISSING',
      source === 'pkcs12'
        ? 'The PKCS#12 file holds no certificate. Export it again with the certificate included.'
        : 'No certificate found: the file has no "-----BEGIN CERTIFICATE-----" block. Give the certificate file the CA sent.',
    );
  }

  if (input.keyPem !== undefined) {
    const blocks = pemBlocks(input.keyPem).filter((b) => /PRIVATE KEY$/.test(b.label));
    if (blocks.length === 0) {
      keyError = new PkiError(
        'ERR_KEY_PARSE',
        'The key file holds no PEM private key ("-----BEGIN ... PRIVATE KEY-----"). Give the key the CSR was made with.',
      );
    }
    keyBlocks.push(...blocks);
  }
  for (const block of keyBlocks) {
    try {
      keys.push(parseKeyBlock(block, input.passphrase));
    } catch (e) {
      if (!(e instanceof PkiError)) throw e;
      keyError ??= e;
    }
  }

  // The same key given twice (in the certificate file and as --key) is one key.
  const distinct = keys.filter((k, i) => keys.findIndex((o) => spki(o.key).equals(spki(k.key))) === i);
  if (!keyError && distinct.length > 1) {
    keyError = new PkiError(
      'ERR_KEY_MULTIPLE',
      `The input holds ${distinct.length} different private keys; give only the one that belongs to the certificate.`,
      { count: distinct.length },
    );
  }
  return { source, certs, key: keyError ? null : (distinct[0] ?? null), keyError };
}

/** Orders what was collected: which certificate is the device's, its chain, the root, the rest. */
export function assembleCredentials(c: Collected): Credentials {
  const leaf = pickLeaf(c.certs, c.key?.key ?? null);
  const path = chainFrom(leaf, c.certs);
  const last = path[path.length - 1]!;
  const root = path.length > 1 && isSelfSigned(last) ? last : null;
  const chain = path.slice(1, root ? -1 : undefined);
  return {
    source: c.source,
    certificate: certPem(leaf),
    chain: chain.map(certPem),
    root: root ? certPem(root) : null,
    unrelated: c.certs.filter((x) => !path.includes(x)).map(certPem),
    privateKey: c.key?.pem ?? null,
    keyFormat: c.key?.format ?? null,
  };
}

/** Whether the private key is the one of the certificate's public key. */
export function keyMatchesCertificate(key: KeyObject, cert: X509Certificate): boolean {
  try {
    return spki(key).equals(spki(cert.publicKey));
  } catch {
    return false;
  }
}

/** Whether `cert` names itself as issuer and its signature verifies with its own key. */
export function isSelfSigned(cert: X509Certificate): boolean {
  return issuedBy(cert, cert);
}

/** Whether `parent` issued `child`: names (and key identifiers) agree and the signature verifies. */
export function issuedBy(child: X509Certificate, parent: X509Certificate): boolean {
  try {
    return child.checkIssued(parent) && child.verify(parent.publicKey);
  } catch {
    return false;
  }
}

/** The certificates from `leaf` up through the input, each issued by the next; stops at a self-signed one. */
export function chainFrom(leaf: X509Certificate, certs: readonly X509Certificate[]): X509Certificate[] {
  const path = [leaf];
  for (;;) {
    const current = path[path.length - 1]!;
    if (isSelfSigned(current)) return path;
    const next = certs.find((c) => !path.includes(c) && issuedBy(current, c));
    if (!next) return path;
    path.push(next);
  }
}

/** PEM of a parsed certificate (from its DER, so every certificate reads the same whatever its source). */
export function certPem(cert: X509Certificate): string {
  return derToPem(cert.raw, 'CERTIFICATE');
}

function pickLeaf(certs: readonly X509Certificate[], key: KeyObject | null): X509Certificate {
  if (key) {
    const matching = certs.find((c) => keyMatchesCertificate(key, c));
    if (matching) return matching;
  }
  // Without a matching key, the device certificate is the one that issued none of the others.
  const issuesNothing = certs.find((c) => !certs.some((o) => o !== c && issuedBy(o, c)));
  return issuesNothing ?? certs[0]!;
}

function parseCertPem(pem: string, index: number): X509Certificate {
  try {
    return new X509Certificate(pem);
  } catch (e) {
    throw new PkiError(
      'ERR_CERT_PARSE',
      `Certificate ${index + 1} in the file is damaged and cannot be read as X.509. Get the file from the CA again.`,
      { index },
      { cause: e },
    );
  }
}

function parseCertDer(der: Uint8Array): X509Certificate {
  try {
    return new X509Certificate(Buffer.from(der));
  } catch (e) {
    throw new PkiError(
      'ERR_CERT_PARSE',
      'The file is neither a PEM certificate, a DER certificate, nor a PKCS#12 bundle. Give the certificate file the CA sent.',
      {},
      { cause: e },
    );
  }
}

function parseKeyBlock(block: PemBlock, passphrase: string | undefined): ParsedKey {
  const legacyEncrypted = /ENCRYPTED/i.test(block.headers['Proc-Type'] ?? '');
  const encrypted = block.label === 'ENCRYPTED PRIVATE KEY' || legacyEncrypted;
  const format: KeyFormat =
    block.label === 'ENCRYPTED PRIVATE KEY'
      ? 'encrypted-pkcs8'
      : legacyEncrypted
        ? 'encrypted-pem'
        : block.label === 'EC PRIVATE KEY'
          ? 'sec1'
          : block.label === 'RSA PRIVATE KEY'
            ? 'pkcs1'
            : 'pkcs8';
  if (block.label === 'OPENSSH PRIVATE KEY') {
    throw new PkiError(
      'ERR_KEY_PARSE',
      'This is an OpenSSH key, not a certificate key. Give the PEM key the CSR was made with.',
    );
  }
  if (encrypted && passphrase === undefined) {
    throw new PkiError(
      'ERR_KEY_PASSPHRASE_REQUIRED',
      'The private key is encrypted: give its passphrase (--passphrase-file, or type it at the prompt).',
      { format },
    );
  }
  let key: KeyObject;
  try {
    key = createPrivateKey(encrypted ? { key: block.text, passphrase: passphrase! } : block.text);
  } catch (e) {
    if (encrypted) {
      throw new PkiError(
        'ERR_KEY_PASSPHRASE_WRONG',
        'The passphrase does not decrypt the private key. Check the passphrase (and that the key file is complete).',
        { format },
        { cause: e },
      );
    }
    throw new PkiError(
      'ERR_KEY_PARSE',
      `The ${block.label} block cannot be read as a private key; the file may be damaged or cut short.`,
      { format },
      { cause: e },
    );
  }
  if (!encrypted) return { pem: block.text, format, key };
  // Decrypted for the payload: the JWE protects it on its way to the device.
  const type = format === 'encrypted-pem' ? (key.asymmetricKeyType === 'ec' ? 'sec1' : 'pkcs1') : 'pkcs8';
  const pem = key.export({ format: 'pem', type }) as string;
  return { pem, format, key };
}

/** A PKCS#12 PFX starts SEQUENCE { INTEGER 3, ... }: enough to tell it from a DER certificate. */
function looksLikePkcs12(bytes: Uint8Array): boolean {
  if (bytes[0] !== 0x30 || bytes.length < 8) return false;
  const lengthByte = bytes[1]!;
  const offset = lengthByte < 0x80 ? 2 : 2 + (lengthByte & 0x7f);
  return bytes[offset] === 0x02 && bytes[offset + 1] === 0x01 && bytes[offset + 2] === 0x03;
}

function readPkcs12(
  bytes: Uint8Array,
  password: string | undefined,
): { certs: X509Certificate[]; keys: ParsedKey[] } {
  let p12: forge.pkcs12.Pkcs12Pfx;
  try {
    const asn1 = forge.asn1.fromDer(forge.util.createBuffer(Buffer.from(bytes).toString('binary')));
    // An absent password is tried as the empty one, which is how unprotected bundles are exported.
    p12 = forge.pkcs12.pkcs12FromAsn1(asn1, password ?? '');
  } catch (e) {
    const message = (e as Error).message ?? '';
    if (/password/i.test(message)) {
      throw password === undefined
        ? new PkiError(
            'ERR_P12_PASSWORD_REQUIRED',
            'The PKCS#12 file is protected by a password: give it (--passphrase-file, or type it at the prompt).',
          )
        : new PkiError(
            'ERR_P12_PASSWORD_WRONG',
            'The password does not open the PKCS#12 file. Check the password the file was exported with.',
          );
    }
    throw new PkiError(
      'ERR_P12_PARSE',
      `The PKCS#12 file cannot be read (${message.replace(/\.$/, '')}). Export it again, or give the certificate and key as PEM.`,
      {},
      { cause: e },
    );
  }
  const certs: X509Certificate[] = [];
  const keys: ParsedKey[] = [];
  try {
    for (const bag of p12.getBags({ bagType: forge.pki.oids.certBag! })[forge.pki.oids.certBag!] ?? []) {
      // forge parses only RSA certificates; for others it leaves the ASN.1 (bag.asn1) untouched.
      const asn1 = bag.cert ? forge.pki.certificateToAsn1(bag.cert) : bag.asn1;
      if (asn1) certs.push(new X509Certificate(forgeDer(asn1)));
    }
    for (const bagType of [forge.pki.oids.pkcs8ShroudedKeyBag!, forge.pki.oids.keyBag!]) {
      for (const bag of p12.getBags({ bagType })[bagType] ?? []) {
        const asn1 = bag.key
          ? forge.pki.wrapRsaPrivateKey(forge.pki.privateKeyToAsn1(bag.key as forge.pki.rsa.PrivateKey))
          : bag.asn1;
        if (!asn1) continue;
        const key = createPrivateKey({ key: forgeDer(asn1), format: 'der', type: 'pkcs8' });
        keys.push({ key, format: 'pkcs12', pem: key.export({ format: 'pem', type: 'pkcs8' }) as string });
      }
    }
  } catch (e) {
    throw new PkiError(
      'ERR_P12_PARSE',
      'The PKCS#12 file opened, but a certificate or key inside it cannot be read. Export it again, or give PEM files.',
      {},
      { cause: e },
    );
  }
  return { certs, keys };
}

function forgeDer(asn1: forge.asn1.Asn1): Buffer {
  return Buffer.from(forge.asn1.toDer(asn1).getBytes(), 'binary');
}

function spki(key: KeyObject): Buffer {
  return (key.type === 'private' ? createPublicKey(key) : key).export({ type: 'spki', format: 'der' });
}

function utf8(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8');
}
