import { X509Certificate, createHash, type KeyObject } from 'node:crypto';
import { x509 } from './x509.js';
import { PkiError } from './errors.js';
import { isSelfSigned } from './read.js';

/** The facts of one certificate, as a technician (and the device's certificate list) names them. */
export interface CertificateReport {
  /** `cn` is what other meeting participants see as the device's verified identity. */
  subject: { cn: string | null; dn: string };
  san: { dns: string[]; email: string[]; ip: string[]; uri: string[] };
  issuer: string;
  /** Upper-case hex, as `openssl x509 -serial` prints it. */
  serial: string;
  /** ISO 8601, UTC. */
  notBefore: string;
  notAfter: string;
  /** Lower-case hex without colons, as the device lists them. */
  fingerprints: { sha1: string; sha256: string };
  /** OpenSSL's name for it (`sha256WithRSAEncryption`, `ecdsa-with-SHA256` ...), or the OID. */
  signatureAlgorithm: string;
  /** Null when the certificate has no key usage extension. */
  keyUsage: string[] | null;
  extendedKeyUsage: string[] | null;
  key: KeyDescription;
  selfSigned: boolean;
  isCa: boolean;
}

/** A public or private key: `type` 'EC', 'RSA', 'Ed25519' ...; `curve` 'P-256', 'P-384' ... for EC. */
export interface KeyDescription {
  type: string;
  curve: string | null;
  bits: number | null;
}

/** SHA-1 fingerprint of a certificate (PEM or DER) as the device lists it: 40 lower-case hex digits. */
export function sha1Fingerprint(cert: string | Uint8Array | X509Certificate): string {
  return createHash('sha1').update(toNode(cert).raw).digest('hex');
}

/** SHA-256 fingerprint of a certificate: 64 lower-case hex digits. */
export function sha256Fingerprint(cert: string | Uint8Array | X509Certificate): string {
  return createHash('sha256').update(toNode(cert).raw).digest('hex');
}

const CURVES: Readonly<Record<string, string>> = {
  prime256v1: 'P-256',
  secp384r1: 'P-384',
  secp521r1: 'P-521',
  secp256k1: 'secp256k1',
};

const KEY_TYPES: Readonly<Record<string, string>> = {
  ec: 'EC',
  rsa: 'RSA',
  'rsa-pss': 'RSA-PSS',
  dsa: 'DSA',
  ed25519: 'Ed25519',
  ed448: 'Ed448',
  x25519: 'X25519',
  x448: 'X448',
  dh: 'DH',
};

/** A key's type and size in the words a technician reads. */
export function describeKey(key: KeyObject): KeyDescription {
  const t = key.asymmetricKeyType ?? 'unknown';
  const details = key.asymmetricKeyDetails ?? {};
  const curveName = details.namedCurve;
  return {
    type: KEY_TYPES[t] ?? t,
    curve: curveName ? (CURVES[curveName] ?? curveName) : null,
    bits:
      details.modulusLength ??
      (curveName === 'prime256v1'
        ? 256
        : curveName === 'secp384r1'
          ? 384
          : curveName === 'secp521r1'
            ? 521
            : null),
  };
}

/** Whether a key is the only kind the device accepts: ECDSA on P-256. */
export function isP256(key: KeyDescription): boolean {
  return key.type === 'EC' && key.curve === 'P-256';
}

const SIGNATURE_ALGORITHMS: Readonly<Record<string, string>> = {
  '1.2.840.113549.1.1.4': 'md5WithRSAEncryption',
  '1.2.840.113549.1.1.5': 'sha1WithRSAEncryption',
  '1.2.840.113549.1.1.10': 'rsassaPss',
  '1.2.840.113549.1.1.11': 'sha256WithRSAEncryption',
  '1.2.840.113549.1.1.12': 'sha384WithRSAEncryption',
  '1.2.840.113549.1.1.13': 'sha512WithRSAEncryption',
  '1.2.840.113549.1.1.14': 'sha224WithRSAEncryption',
  '1.2.840.10045.4.1': 'ecdsa-with-SHA1',
  '1.2.840.10045.4.3.1': 'ecdsa-with-SHA224',
  '1.2.840.10045.4.3.2': 'ecdsa-with-SHA256',
  '1.2.840.10045.4.3.3': 'ecdsa-with-SHA384',
  '1.2.840.10045.4.3.4': 'ecdsa-with-SHA512',
  '1.3.101.112': 'ED25519',
  '1.3.101.113': 'ED448',
};

const KEY_USAGES: ReadonlyArray<[number, string]> = [
  [x509.KeyUsageFlags.digitalSignature, 'digitalSignature'],
  [x509.KeyUsageFlags.nonRepudiation, 'nonRepudiation'],
  [x509.KeyUsageFlags.keyEncipherment, 'keyEncipherment'],
  [x509.KeyUsageFlags.dataEncipherment, 'dataEncipherment'],
  [x509.KeyUsageFlags.keyAgreement, 'keyAgreement'],
  [x509.KeyUsageFlags.keyCertSign, 'keyCertSign'],
  [x509.KeyUsageFlags.cRLSign, 'cRLSign'],
  [x509.KeyUsageFlags.encipherOnly, 'encipherOnly'],
  [x509.KeyUsageFlags.decipherOnly, 'decipherOnly'],
];

const EXTENDED_KEY_USAGES: Readonly<Record<string, string>> = {
  '1.3.6.1.5.5.7.3.1': 'serverAuth',
  '1.3.6.1.5.5.7.3.2': 'clientAuth',
  '1.3.6.1.5.5.7.3.3': 'codeSigning',
  '1.3.6.1.5.5.7.3.4': 'emailProtection',
  '1.3.6.1.5.5.7.3.8': 'timeStamping',
  '1.3.6.1.5.5.7.3.9': 'OCSPSigning',
  '2.5.29.37.0': 'anyExtendedKeyUsage',
};

/** Everything the report shows about one certificate (PEM or DER). */
export function describeCertificate(cert: string | Uint8Array | X509Certificate): CertificateReport {
  const node = toNode(cert);
  try {
    return describeNode(node);
  } catch (e) {
    // OpenSSL read it, but a field in it is malformed for @peculiar/x509 (which throws a TypeError).
    if (e instanceof PkiError) throw e;
    throw new PkiError(
      'ERR_CERT_PARSE',
      'The certificate is damaged: a field in it cannot be read as X.509. Get the file from the CA again.',
      {},
      { cause: e },
    );
  }
}

function describeNode(node: X509Certificate): CertificateReport {
  const px = new x509.X509Certificate(new Uint8Array(node.raw));

  const san = { dns: [] as string[], email: [] as string[], ip: [] as string[], uri: [] as string[] };
  for (const name of px.getExtension(x509.SubjectAlternativeNameExtension)?.names.items ?? []) {
    if (name.type === 'dns') san.dns.push(name.value);
    else if (name.type === 'email') san.email.push(name.value);
    else if (name.type === 'ip') san.ip.push(name.value);
    else if (name.type === 'url') san.uri.push(name.value);
  }
  const ku = px.getExtension(x509.KeyUsagesExtension);
  const eku = px.getExtension(x509.ExtendedKeyUsageExtension);
  const bc = px.getExtension(x509.BasicConstraintsExtension);
  const sigOid = signatureOid(node.raw);
  const cn = px.subjectName.getField('CN')[0];

  return {
    subject: { cn: cn ?? null, dn: px.subject },
    san,
    issuer: px.issuer,
    serial: node.serialNumber.toUpperCase(),
    notBefore: px.notBefore.toISOString(),
    notAfter: px.notAfter.toISOString(),
    fingerprints: { sha1: sha1Fingerprint(node), sha256: sha256Fingerprint(node) },
    signatureAlgorithm: sigOid ? (SIGNATURE_ALGORITHMS[sigOid] ?? sigOid) : 'unknown',
    keyUsage: ku ? KEY_USAGES.filter(([bit]) => (ku.usages & bit) !== 0).map(([, n]) => n) : null,
    extendedKeyUsage: eku ? eku.usages.map((u) => EXTENDED_KEY_USAGES[String(u)] ?? String(u)) : null,
    key: describeKey(node.publicKey),
    selfSigned: isSelfSigned(node),
    isCa: bc?.ca ?? false,
  };
}

/** The certificate's outer signatureAlgorithm OID, read from the DER (the second element of the outer SEQUENCE). */
function signatureOid(der: Buffer): string | null {
  try {
    let pos = 0;
    const header = (): { len: number } => {
      pos++; // tag
      const first = der[pos++]!;
      if (first < 0x80) return { len: first };
      let len = 0;
      for (let i = 0; i < (first & 0x7f); i++) len = len * 256 + der[pos++]!;
      return { len };
    };
    header(); // Certificate SEQUENCE: step inside
    const tbs = header(); // tbsCertificate: skip over it
    pos += tbs.len;
    header(); // AlgorithmIdentifier SEQUENCE: step inside
    if (der[pos] !== 0x06) return null;
    const oid = header();
    const bytes = der.subarray(pos, pos + oid.len);
    const parts = [Math.floor(bytes[0]! / 40), bytes[0]! % 40];
    let value = 0;
    for (const b of bytes.subarray(1)) {
      value = value * 128 + (b & 0x7f);
      if ((b & 0x80) === 0) {
        parts.push(value);
        value = 0;
      }
    }
    return parts.join('.');
  } catch {
    return null;
  }
}

function toNode(cert: string | Uint8Array | X509Certificate): X509Certificate {
  if (cert instanceof X509Certificate) return cert;
  try {
    return new X509Certificate(typeof cert === 'string' ? cert : Buffer.from(cert));
  } catch (e) {
    throw new PkiError(
      'ERR_CERT_PARSE',
      'The certificate cannot be read as X.509 (PEM or DER). Get the file from the CA again.',
      {},
      { cause: e },
    );
  }
}
