/**
 * A throwaway PKI for the demo and the tests: an RSA root CA, an intermediate, and a P-256 device
 * certificate with its key, as a public CA would issue them. Never for real devices.
 */
import 'reflect-metadata';
import * as x509 from '@peculiar/x509';
import { createPrivateKey, randomBytes, webcrypto } from 'node:crypto';

x509.cryptoProvider.set(webcrypto as unknown as Crypto);

const RSA: RsaHashedKeyGenParams = {
  name: 'RSASSA-PKCS1-v1_5',
  modulusLength: 2048,
  publicExponent: new Uint8Array([1, 0, 1]),
  hash: 'SHA-256',
};
const P256: EcKeyGenParams = { name: 'ECDSA', namedCurve: 'P-256' };
const DAY = 86_400_000;

export interface DemoPki {
  rootPem: string;
  intermediatePem: string;
  intermediateKeys: CryptoKeyPair;
}

export interface DemoDeviceCert {
  certificatePem: string;
  keyPem: string;
  /** Certificate, intermediate and key in one PEM file (what a technician often receives). */
  bundlePem: string;
}

async function pkcs8Pem(key: CryptoKey): Promise<string> {
  const der = Buffer.from(await webcrypto.subtle.exportKey('pkcs8', key));
  return createPrivateKey({ key: der, format: 'der', type: 'pkcs8' }).export({
    type: 'pkcs8',
    format: 'pem',
  }) as string;
}

const serial = (): string => '01' + randomBytes(15).toString('hex');

/**
 * Makes a root (RSA, as public CAs often sign) and an intermediate CA. `intermediateBits: 4096` gives
 * the longer chain some public CAs hand out (its add blob exceeds a 4,095-byte console line).
 */
export async function makeDemoPki(
  name = 'Demo',
  options: { intermediateBits?: 2048 | 4096 } = {},
): Promise<DemoPki> {
  const rootKeys = (await webcrypto.subtle.generateKey(RSA, true, ['sign', 'verify'])) as CryptoKeyPair;
  const now = Date.now();
  const root = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: serial(),
    name: `CN=${name} Root CA, O=${name} Trust`,
    notBefore: new Date(now - DAY),
    notAfter: new Date(now + 3650 * DAY),
    signingAlgorithm: RSA,
    keys: rootKeys,
    extensions: [
      new x509.BasicConstraintsExtension(true, 1, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
    ],
  });
  const intermediateKeys = (await webcrypto.subtle.generateKey(
    { ...RSA, modulusLength: options.intermediateBits ?? 2048 },
    true,
    ['sign', 'verify'],
  )) as CryptoKeyPair;
  const intermediate = await x509.X509CertificateGenerator.create({
    serialNumber: serial(),
    subject: `CN=${name} Issuing CA 1, O=${name} Trust`,
    issuer: root.subject,
    notBefore: new Date(now - DAY),
    notAfter: new Date(now + 1825 * DAY),
    signingAlgorithm: RSA,
    publicKey: intermediateKeys.publicKey,
    signingKey: rootKeys.privateKey,
    extensions: [
      new x509.BasicConstraintsExtension(true, 0, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
    ],
  });
  return { rootPem: root.toString('pem'), intermediatePem: intermediate.toString('pem'), intermediateKeys };
}

export interface DeviceCertOptions {
  cn: string;
  dns?: string[];
  email?: string[];
  /** Days of validity from now (default 365); negative for an expired certificate. */
  days?: number;
  /** Key algorithm (default P-256; others make certificates the device refuses). */
  key?: 'P-256' | 'P-384' | 'RSA';
}

/** Issues a device certificate (P-256 by default) under the demo intermediate. */
export async function issueDeviceCert(pki: DemoPki, options: DeviceCertOptions): Promise<DemoDeviceCert> {
  const alg =
    options.key === 'RSA' ? RSA : options.key === 'P-384' ? { name: 'ECDSA', namedCurve: 'P-384' } : P256;
  const keys = (await webcrypto.subtle.generateKey(alg, true, ['sign', 'verify'])) as CryptoKeyPair;
  const issuer = new x509.X509Certificate(pki.intermediatePem);
  const now = Date.now();
  const days = options.days ?? 365;
  const names = [
    ...(options.dns ?? []).map((value) => ({ type: 'dns' as const, value })),
    ...(options.email ?? []).map((value) => ({ type: 'email' as const, value })),
  ];
  const cert = await x509.X509CertificateGenerator.create({
    serialNumber: serial(),
    subject: `CN=${options.cn}`,
    issuer: issuer.subject,
    notBefore: new Date(now - (days < 0 ? 400 : 1) * DAY),
    notAfter: new Date(now + days * DAY),
    signingAlgorithm: RSA,
    publicKey: keys.publicKey,
    signingKey: pki.intermediateKeys.privateKey,
    extensions: [
      new x509.BasicConstraintsExtension(false, undefined, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true),
      new x509.ExtendedKeyUsageExtension([
        x509.ExtendedKeyUsage.clientAuth,
        x509.ExtendedKeyUsage.serverAuth,
      ]),
      ...(names.length ? [new x509.SubjectAlternativeNameExtension(names)] : []),
    ],
  });
  const certificatePem = cert.toString('pem');
  const keyPem = await pkcs8Pem(keys.privateKey);
  return { certificatePem, keyPem, bundlePem: `${certificatePem}\n${pki.intermediatePem}\n${keyPem}` };
}
