import { X509Certificate, createPrivateKey, createPublicKey } from 'node:crypto';
import { JweError } from './errors.js';

/**
 * The populate payload: the new ClientSecret as is. Empty is allowed and resets the secret on the device.
 */
export function populatePayload(newSecret: string): string {
  if (typeof newSecret !== 'string') throw new TypeError('newSecret must be a string');
  return newSecret;
}

/**
 * The activate/deactivate payload: a SHA-1 fingerprint as the device lists it, 40 lowercase hex digits.
 * Accepts the forms people copy (upper case, colons, spaces, a "SHA1 Fingerprint=" prefix).
 */
export function fingerprintPayload(fingerprint: string): string {
  if (typeof fingerprint !== 'string') throw new TypeError('fingerprint must be a string');
  const cleaned = fingerprint
    .trim()
    .replace(/^sha-?1\s*fingerprint\s*=\s*/i, '')
    .replace(/[:\s]/g, '')
    .toLowerCase();
  if (!/^[0-9a-f]{40}$/.test(cleaned)) {
    throw new JweError(
      'ERR_JWE_FINGERPRINT_INVALID',
      `A SHA-1 fingerprint is 40 hex digits; ${JSON.stringify(fingerprint.trim().slice(0, 64))} is not one. Copy it from the device's certificate list.`,
      { length: cleaned.length },
    );
  }
  return cleaned;
}

const PEM_BLOCK = /-----BEGIN ([A-Z0-9 ]+)-----\r?\n[\s\S]*?-----END \1-----/g;

/** One PEM block with LF line endings and no surrounding blank lines. */
export function normalizePem(pem: string): string {
  return pem.replace(/\r\n?/g, '\n').trim() + '\n';
}

export interface AddPayloadInput {
  /** The device certificate (PEM). */
  certificate: string;
  /** Intermediate CA certificates in chain order (PEM each); never the root. */
  chain?: readonly string[];
  /** The certificate's private key, unencrypted PEM (PKCS#8 or SEC1). */
  privateKey: string;
}

/**
 * The add payload: the certificate PEM first, then any intermediates, then the private key PEM, line
 * endings normalized and nothing else. Refuses what the device would: a key that is not ECDSA P-256,
 * or one that does not belong to the certificate.
 */
export function addPayload(input: AddPayloadInput): string {
  const certPem = single(input.certificate, 'CERTIFICATE', 'certificate');
  const chain = (input.chain ?? []).map((c, i) => single(c, 'CERTIFICATE', `chain certificate ${i + 1}`));
  const keyBlocks = [...input.privateKey.matchAll(PEM_BLOCK)].filter((m) => /PRIVATE KEY$/.test(m[1] ?? ''));
  if (keyBlocks.length !== 1 || /ENCRYPTED/.test(keyBlocks[0]?.[1] ?? '')) {
    throw new JweError(
      'ERR_JWE_ADD_PAYLOAD',
      keyBlocks.length === 1
        ? 'The private key is encrypted: decrypt it first (the blob itself protects it on the way to the device).'
        : `Expected one PEM private key, found ${keyBlocks.length}.`,
    );
  }
  const keyPem = normalizePem(keyBlocks[0]![0]);

  let cert: X509Certificate;
  try {
    cert = new X509Certificate(certPem);
  } catch {
    throw new JweError('ERR_JWE_ADD_PAYLOAD', 'The certificate PEM does not parse as an X.509 certificate.');
  }
  const pub = cert.publicKey;
  if (pub.asymmetricKeyType !== 'ec' || pub.asymmetricKeyDetails?.namedCurve !== 'prime256v1') {
    const what =
      pub.asymmetricKeyType === 'ec'
        ? `EC ${pub.asymmetricKeyDetails?.namedCurve ?? 'unknown curve'}`
        : String(pub.asymmetricKeyType).toUpperCase();
    throw new JweError(
      'ERR_JWE_ADD_PAYLOAD',
      `The certificate's key is ${what}; the device accepts only ECDSA P-256. Ask the CA for a certificate on a P-256 key.`,
      { keyType: pub.asymmetricKeyType },
    );
  }
  let matches: boolean;
  try {
    const priv = createPrivateKey(keyPem);
    const derivedPub = createPublicKey(priv).export({ type: 'spki', format: 'der' });
    matches = Buffer.compare(derivedPub, pub.export({ type: 'spki', format: 'der' })) === 0;
  } catch {
    throw new JweError('ERR_JWE_ADD_PAYLOAD', 'The private key PEM does not parse.');
  }
  if (!matches) {
    throw new JweError(
      'ERR_JWE_ADD_PAYLOAD',
      'The private key does not belong to the certificate: find the key the CSR was made with.',
    );
  }
  return [certPem, ...chain, keyPem].join('');
}

function single(pem: string, type: string, what: string): string {
  const blocks = [...pem.matchAll(PEM_BLOCK)].filter((m) => m[1] === type);
  if (blocks.length !== 1) {
    throw new JweError(
      'ERR_JWE_ADD_PAYLOAD',
      `Expected one PEM ${type} block for the ${what}, found ${blocks.length}.`,
      { what },
    );
  }
  return normalizePem(blocks[0]![0]);
}
