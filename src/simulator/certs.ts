import {
  X509Certificate,
  createPrivateKey,
  createPublicKey,
  generateKeyPairSync,
  sign,
  type KeyObject,
} from 'node:crypto';
import forge from 'node-forge';

/** Why the device refuses a certificate body; the text is the `Reason` it prints. */
export class CertRefusal extends Error {}

const PEM_BLOCK = /-----BEGIN ([A-Z0-9 ]+)-----\r?\n[\s\S]*?-----END \1-----/g;

/** A certificate and key as parsed from a Services Add body. */
export interface ParsedCertBody {
  certificate: string;
  chain: string[];
  privateKey: string;
}

/** Splits a PEM body into certificate, intermediates and key; checks the key belongs to the certificate. */
export function parseCertBody(body: string, passphrase?: string): ParsedCertBody {
  const blocks = [...body.replace(/\r\n?/g, '\n').matchAll(PEM_BLOCK)];
  const certs = blocks.filter((b) => b[1] === 'CERTIFICATE').map((b) => `${b[0]}\n`);
  const keys = blocks.filter((b) => /PRIVATE KEY$/.test(b[1] ?? ''));
  const leaf = certs[0];
  if (leaf === undefined) throw new CertRefusal('No certificate found in the input.');
  let cert: X509Certificate;
  try {
    cert = new X509Certificate(leaf);
  } catch {
    throw new CertRefusal('Failed to parse the certificate.');
  }
  for (const c of certs.slice(1)) {
    try {
      new X509Certificate(c);
    } catch {
      throw new CertRefusal('Failed to parse a chain certificate.');
    }
  }
  const keyBlock = keys[0];
  if (keyBlock === undefined) throw new CertRefusal('No private key found in the input.');
  if (keys.length > 1) throw new CertRefusal('More than one private key found in the input.');
  let key: KeyObject;
  try {
    key =
      passphrase !== undefined && passphrase !== ''
        ? createPrivateKey({ key: keyBlock[0], passphrase })
        : createPrivateKey(keyBlock[0]);
  } catch {
    throw new CertRefusal(
      /ENCRYPTED/.test(keyBlock[1] ?? '')
        ? 'Failed to decrypt the private key.'
        : 'Failed to parse the private key.',
    );
  }
  const derived = createPublicKey(key).export({ type: 'spki', format: 'der' });
  if (Buffer.compare(derived, cert.publicKey.export({ type: 'spki', format: 'der' })) !== 0) {
    throw new CertRefusal('The private key does not match the certificate.');
  }
  const privateKey = key.export({ type: 'pkcs8', format: 'pem' }).toString();
  return { certificate: leaf, chain: certs.slice(1), privateKey };
}

/** True when the certificate's own key is ECDSA P-256 (what WebexIdentity requires). */
export function isP256(certPem: string): boolean {
  const pub = new X509Certificate(certPem).publicKey;
  return pub.asymmetricKeyType === 'ec' && pub.asymmetricKeyDetails?.namedCurve === 'prime256v1';
}

/** The facts `Services Show` and the E2EE status print about a certificate. */
export interface CertFacts {
  /** SHA-1, 40 lower-case hex digits, no colons (as `Services Show` lists it). */
  sha1: string;
  sha256: string;
  subjectName: string;
  issuerName: string;
  commonName: string;
  serialNumber: string;
  hashingAlgorithm: string;
  publicKeyAlgorithm: string;
  publicKeySize: number;
  notBefore: Date;
  notAfter: Date;
  subjectAltName: string;
  /** The public key: `ec` with its curve, or `rsa` with its modulus size. */
  keyType: 'ec' | 'rsa' | 'other';
}

const SIG_OIDS: Record<string, string> = {
  '1.2.840.113549.1.1.5': 'sha1WithRSAEncryption',
  '1.2.840.113549.1.1.11': 'sha256WithRSAEncryption',
  '1.2.840.113549.1.1.12': 'sha384WithRSAEncryption',
  '1.2.840.113549.1.1.13': 'sha512WithRSAEncryption',
  '1.2.840.113549.1.1.10': 'rsassaPss',
  '1.2.840.10045.4.3.2': 'ecdsa-with-SHA256',
  '1.2.840.10045.4.3.3': 'ecdsa-with-SHA384',
  '1.2.840.10045.4.3.4': 'ecdsa-with-SHA512',
  '1.3.101.112': 'ED25519',
};

/** Reads one DER TLV header at `pos`: tag, content start and content length. */
function tlv(der: Buffer, pos: number): { tag: number; start: number; len: number } {
  const tag = der[pos] ?? 0;
  let len = der[pos + 1] ?? 0;
  let start = pos + 2;
  if (len & 0x80) {
    const n = len & 0x7f;
    len = 0;
    for (let i = 0; i < n; i++) len = len * 256 + (der[start + i] ?? 0);
    start += n;
  }
  return { tag, start, len };
}

/** The outer signatureAlgorithm OID (Node 20's X509Certificate does not expose it). */
function signatureAlgorithm(der: Buffer): string {
  try {
    const outer = tlv(der, 0);
    const tbs = tlv(der, outer.start);
    const algId = tlv(der, tbs.start + tbs.len);
    const oid = tlv(der, algId.start);
    const bytes = der.subarray(oid.start, oid.start + oid.len);
    const parts: number[] = [Math.floor((bytes[0] ?? 0) / 40), (bytes[0] ?? 0) % 40];
    let v = 0;
    for (const b of bytes.subarray(1)) {
      v = v * 128 + (b & 0x7f);
      if (!(b & 0x80)) {
        parts.push(v);
        v = 0;
      }
    }
    const text = parts.join('.');
    return SIG_OIDS[text] ?? text;
  } catch {
    return 'unknown';
  }
}

/** `CN=a\nO=b` (Node's form) as OpenSSL's one-line `/CN=a/O=b`. */
function oneLine(name: string): string {
  return name
    .split('\n')
    .filter((p) => p.length > 0)
    .map((p) => `/${p}`)
    .join('');
}

export function certFacts(pem: string): CertFacts {
  const cert = new X509Certificate(pem);
  const pub = cert.publicKey;
  const curve = pub.asymmetricKeyDetails?.namedCurve;
  const size =
    pub.asymmetricKeyType === 'ec'
      ? curve === 'prime256v1'
        ? 256
        : curve === 'secp384r1'
          ? 384
          : curve === 'secp521r1'
            ? 521
            : 0
      : (pub.asymmetricKeyDetails?.modulusLength ?? 0);
  const cn = /(?:^|\n)CN=([^\n]*)/.exec(cert.subject)?.[1] ?? '';
  return {
    sha1: cert.fingerprint.replace(/:/g, '').toLowerCase(),
    sha256: cert.fingerprint256.replace(/:/g, '').toLowerCase(),
    subjectName: oneLine(cert.subject),
    issuerName: oneLine(cert.issuer),
    commonName: cn,
    serialNumber: cert.serialNumber.toUpperCase(),
    hashingAlgorithm: signatureAlgorithm(cert.raw),
    publicKeyAlgorithm: pub.asymmetricKeyType === 'ec' ? 'id-ecPublicKey' : 'rsaEncryption',
    publicKeySize: size,
    notBefore: new Date(cert.validFrom),
    notAfter: new Date(cert.validTo),
    subjectAltName: cert.subjectAltName ?? '',
    keyType: pub.asymmetricKeyType === 'ec' ? 'ec' : pub.asymmetricKeyType === 'rsa' ? 'rsa' : 'other',
  };
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** `Aug 08 03:04:26 2023 GMT`, the form `Services Show` prints (spec §5.3). */
export function showDate(d: Date): string {
  const p = (n: number): string => String(n).padStart(2, '0');
  return `${MONTHS[d.getUTCMonth()]} ${p(d.getUTCDate())} ${p(d.getUTCHours())}:${p(d.getUTCMinutes())}:${p(d.getUTCSeconds())} ${d.getUTCFullYear()} GMT`;
}

/**
 * `2024-09-09T03:00:37.000000000+0000`: the form of the E2EE status dates (RKM: InternalIdentity
 * CertificateChain Certificate NotAfter).
 */
export function e2eeDate(d: Date): string {
  return `${d.toISOString().slice(0, 19)}.000000000+0000`;
}

const HASH_OF_CURVE: Record<number, string> = { 256: 'SHA-256', 384: 'SHA-384', 521: 'SHA-512' };

/**
 * The E2EE status's `PublicKeyAlgorithm`: RKM prints `ECDSA P256 SHA-256` for a P-256 key. RSA keys read
 * `RSA 2048` (a guess: no public capture shows one).
 */
export function e2eeKeyAlgorithm(f: CertFacts): string {
  if (f.keyType === 'ec') return `ECDSA P${f.publicKeySize} ${HASH_OF_CURVE[f.publicKeySize] ?? 'SHA-256'}`;
  if (f.keyType === 'rsa') return `RSA ${f.publicKeySize}`;
  return f.publicKeyAlgorithm;
}

/**
 * The E2EE status's `SignatureAlgorithm`: RKM prints `ECDSA P384 SHA-384` for a certificate signed by a
 * P-384 issuer with SHA-384. The issuer's key is taken from `issuer` when known, else from the hash (a guess);
 * an RSA signature reads `RSA 2048 SHA-256` (a guess).
 */
export function e2eeSignatureAlgorithm(f: CertFacts, issuer?: CertFacts): string {
  const m = /^(ecdsa-with-|sha)(SHA)?(\d+)/i.exec(f.hashingAlgorithm);
  const bits = m?.[3] ?? '256';
  const hash = `SHA-${bits}`;
  if (/^ecdsa/i.test(f.hashingAlgorithm)) {
    const curve = issuer?.keyType === 'ec' ? issuer.publicKeySize : bits === '512' ? 521 : Number(bits);
    return `ECDSA P${curve} ${hash}`;
  }
  if (/RSA/i.test(f.hashingAlgorithm)) {
    return issuer?.keyType === 'rsa' ? `RSA ${issuer.publicKeySize} ${hash}` : `RSA ${hash}`;
  }
  return f.hashingAlgorithm;
}

let defaultKey: { publicKey: string; privateKey: string } | undefined;

/**
 * The device's own preinstalled self-signed certificate (ALD's screenshots: "Self-signed Certificate /
 * TemporaryDefaultCertificate"). Subject, key type (RSA 2048) and validity (10 years) are guesses. The RSA
 * key is made once per process (key generation is slow on a shared test machine); each device signs its own
 * certificate with its own serial number.
 */
export function makeSelfSigned(
  serialHex: string,
  now = new Date(),
): { certificate: string; privateKey: string } {
  defaultKey ??= generateKeyPairSync('rsa', {
    modulusLength: 2048,
    publicKeyEncoding: { type: 'spki', format: 'pem' },
    privateKeyEncoding: { type: 'pkcs1', format: 'pem' },
  });
  const cert = forge.pki.createCertificate();
  cert.publicKey = forge.pki.publicKeyFromPem(defaultKey.publicKey);
  cert.serialNumber = serialHex;
  cert.validity.notBefore = new Date(Math.floor(now.getTime() / 1000) * 1000);
  const until = new Date(cert.validity.notBefore);
  until.setUTCFullYear(until.getUTCFullYear() + 10);
  cert.validity.notAfter = until;
  const name = [{ name: 'commonName', value: 'TemporaryDefaultCertificate' }];
  cert.setSubject(name);
  cert.setIssuer(name);
  // forge builds the TBSCertificate; Node signs it (forge's own RSA signing is ~30 ms, Node's well under 1).
  const sha256WithRsa = forge.pki.oids.sha256WithRSAEncryption ?? '1.2.840.113549.1.1.11';
  cert.signatureOid = sha256WithRsa;
  cert.siginfo.algorithmOid = sha256WithRsa;
  // getTBSCertificate is public in forge but missing from its type declarations.
  const pki = forge.pki as unknown as { getTBSCertificate(c: forge.pki.Certificate): forge.asn1.Asn1 };
  cert.tbsCertificate = pki.getTBSCertificate(cert);
  const tbs = Buffer.from(forge.asn1.toDer(cert.tbsCertificate).getBytes(), 'binary');
  cert.signature = sign('sha256', tbs, defaultKey.privateKey).toString('binary');
  return {
    certificate: forge.pki.certificateToPem(cert).replace(/\r\n/g, '\n'),
    privateKey: createPrivateKey(defaultKey.privateKey).export({ type: 'pkcs8', format: 'pem' }).toString(),
  };
}
