/** A device certificate whose CN holds terminal escapes and a line break (the demo PKI's library drops them from a `CN=` string). */
import 'reflect-metadata';
import * as x509 from '@peculiar/x509';
import { createPrivateKey, randomBytes, webcrypto } from 'node:crypto';
import type { DemoPki } from '../../src/main/demo/pki.js';

x509.cryptoProvider.set(webcrypto as unknown as Crypto);

export const EVIL_CN = 'evil\u001b]0;pwned\u0007\u001b[31mred\u001b[0m\nFAKE LINE\u009b2J';

export async function issueEvilCert(pki: DemoPki, cn = EVIL_CN): Promise<string> {
  const keys = (await webcrypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, true, [
    'sign',
    'verify',
  ])) as CryptoKeyPair;
  const issuer = new x509.X509Certificate(pki.intermediatePem);
  const now = Date.now();
  const cert = await x509.X509CertificateGenerator.create({
    serialNumber: randomBytes(8)
      .toString('hex')
      .replace(/^[89a-f]/, '1'),
    subject: [{ CN: [cn] }],
    issuer: issuer.subject,
    notBefore: new Date(now - 86_400_000),
    notAfter: new Date(now + 365 * 86_400_000),
    signingAlgorithm: { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' },
    publicKey: keys.publicKey,
    signingKey: pki.intermediateKeys.privateKey,
    extensions: [
      new x509.BasicConstraintsExtension(false, undefined, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true),
      new x509.ExtendedKeyUsageExtension([
        x509.ExtendedKeyUsage.clientAuth,
        x509.ExtendedKeyUsage.serverAuth,
      ]),
    ],
  });
  const der = Buffer.from(await webcrypto.subtle.exportKey('pkcs8', keys.privateKey));
  const keyPem = createPrivateKey({ key: der, format: 'der', type: 'pkcs8' })
    .export({ format: 'pem', type: 'pkcs8' })
    .toString();
  return `${cert.toString('pem')}\n${pki.intermediatePem}\n${keyPem}`;
}
