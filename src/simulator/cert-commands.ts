/**
 * The certificate store's xCommands: `Security Certificates Services Add|Show|Activate|Deactivate|Delete`
 * and `Security Certificates CA Add|Show`, on the device's store (src/simulator/cert-store.ts).
 */
import { X509Certificate } from 'node:crypto';
import { CertRefusal, certFacts, isP256, parseCertBody, showDate } from './certs.js';
import type { Purpose, StoredCert } from './cert-store.js';
import {
  type CommandOutcome,
  type Invocation,
  CERT_BLOCK,
  NO_KEY,
  NO_SECRET,
  NOT_FOUND,
  NOT_P256,
  fail,
  jweFailure,
  ok,
  one,
  openBlob,
  utf8,
} from './command-kit.js';
import type { Leaf } from './format.js';

export async function servicesAdd(inv: Invocation): Promise<CommandOutcome> {
  const d = inv.device;
  const encrypted = one(inv, 'IsEncrypted') === 'True';
  let pem = inv.body ?? '';
  if (encrypted) {
    if (d.secret === undefined) return fail(NO_SECRET);
    // The body reaches the command with its line breaks (Cisco's "Multiline commands" notes): a JWE
    // wrapped over lines does not open. The `joined` variant removes whitespace first (not public).
    const blob = d.variant.bodyLineBreaks === 'joined' ? pem.replace(/\s+/g, '') : pem.trim();
    let payload: Uint8Array;
    try {
      payload = (await openBlob(d, blob, d.secret, 'add')).payload;
    } catch (e) {
      return jweFailure(e, 'add');
    }
    const text = utf8(payload);
    if (text === undefined) return fail('No certificate found in the input.');
    pem = text;
  }
  let parsed;
  try {
    parsed = parseCertBody(pem, one(inv, 'PrivateKeyPassword'));
  } catch (e) {
    if (e instanceof CertRefusal) return fail(e.message);
    throw e;
  }
  if (encrypted && !isP256(parsed.certificate)) return fail(NOT_P256);
  const cert: StoredCert = {
    kind: 'service',
    ...parsed,
    purposes: [],
    encrypted,
    facts: certFacts(parsed.certificate),
  };
  if (d.certStore.findCert(cert.facts.sha1)) return fail('Certificate already exists.');
  const chain = d.certStore.chainEntriesFor(cert);
  d.mutate(() => {
    d.certStore.certs.push(cert, ...chain);
  });
  d.events.emit({ type: 'certificate', change: 'added', fingerprint: cert.facts.sha1, kind: 'service' });
  for (const c of chain) {
    d.events.emit({ type: 'certificate', change: 'added', fingerprint: c.facts.sha1, kind: 'chain' });
  }
  return ok();
}

export function servicesShow(inv: Invocation): CommandOutcome {
  const d = inv.device;
  const filter = one(inv, 'Filter');
  const sha256 = one(inv, 'FingerprintAlgorithm') === 'SHA-256';
  const format = one(inv, 'Format') ?? 'Text';
  const leaves: Leaf[] = [];
  let n = 0;
  for (const c of d.certStore.certs) {
    // A chain entry of a certificate used for the purpose is returned too (a guess, see docs/simulator.md).
    if (filter !== undefined && !d.certStore.effectivePurposes(c).includes(filter as Purpose)) continue;
    n++;
    const f = c.facts;
    const l = (name: string, value: string, bare = false): Leaf => ({
      path: ['Details', n, name],
      value,
      bare,
    });
    leaves.push(
      l('Fingerprint', sha256 ? f.sha256 : f.sha1),
      l('HashingAlgorithm', f.hashingAlgorithm),
      l('IssuerName', f.issuerName),
      l('PublicKeySize', String(f.publicKeySize), true),
      l('SerialNumber', f.serialNumber),
      l('SignatureAlgorithm', f.publicKeyAlgorithm),
      l('SubjectName', f.subjectName),
      l('UsedFor', d.certStore.usedFor(c)),
      l('Version', '3', true),
      l('notAfter', showDate(f.notAfter)),
      l('notBefore', showDate(f.notBefore)),
    );
  }
  leaves.push({ path: ['Format'], value: format, bare: true });
  return ok(leaves);
}

/** `Services Activate` (`activate` true) or `Services Deactivate`: WebexIdentity takes the fingerprint in a JWE. */
export async function activation(inv: Invocation, activate: boolean): Promise<CommandOutcome> {
  const d = inv.device;
  const purpose = (one(inv, 'Purpose') ?? '') as Purpose;
  const given = one(inv, 'Fingerprint') ?? '';
  let fingerprint = given;
  if (purpose === 'WebexIdentity') {
    // WebexIdentity takes the fingerprint only inside a JWE (spec §5.4).
    if (d.secret === undefined) return fail(NO_SECRET);
    const action = activate ? 'activate' : 'deactivate';
    let payload: Uint8Array;
    try {
      payload = (await openBlob(d, given, d.secret, action)).payload;
    } catch (e) {
      return jweFailure(e, action);
    }
    fingerprint = Buffer.from(payload).toString('latin1');
  }
  if (!/^([0-9a-fA-F]{2}:?){19}[0-9a-fA-F]{2}$|^[0-9a-fA-F]{64}$/.test(fingerprint)) {
    return fail('Invalid fingerprint.');
  }
  const cert = d.certStore.findCert(fingerprint);
  if (!cert) return fail(NOT_FOUND);
  if (activate) {
    // A chain entry came without a key: the device cannot serve with it (a guess).
    if (cert.kind === 'chain') return fail(NO_KEY);
    if (purpose === 'WebexIdentity') {
      if (!isP256(cert.certificate)) return fail(NOT_P256);
      if (cert.facts.notAfter.getTime() < Date.now()) return fail('Certificate has expired.');
    }
    if (cert.purposes.includes(purpose)) return ok();
    d.mutate(() => {
      // One certificate per purpose: activating another replaces the previous one (open question 6).
      for (const c of d.certStore.certs) c.purposes = c.purposes.filter((p) => p !== purpose);
      cert.purposes.push(purpose);
    });
    d.events.emit({
      type: 'certificate',
      change: 'activated',
      fingerprint: cert.facts.sha1,
      purpose,
      kind: cert.kind,
    });
    return ok();
  }
  // A chain entry shows its leaf's uses but is not itself active for them.
  if (!cert.purposes.includes(purpose)) return fail('Certificate is not active for this purpose.');
  d.mutate(() => {
    cert.purposes = cert.purposes.filter((p) => p !== purpose);
  });
  d.events.emit({
    type: 'certificate',
    change: 'deactivated',
    fingerprint: cert.facts.sha1,
    purpose,
    kind: cert.kind,
  });
  return ok();
}

/**
 * Deletes one entry: a leaf's chain entries stay (then used for nothing); a chain entry goes alone (its
 * leaf stays, with a shorter chain); the preinstalled certificate can be deleted and comes back with the
 * next factory reset. All guesses (docs/simulator.md).
 */
export function servicesDelete(inv: Invocation): CommandOutcome {
  const d = inv.device;
  const fp = one(inv, 'Fingerprint') ?? '';
  const cert = d.certStore.findCert(fp);
  if (!cert) return fail(NOT_FOUND);
  d.mutate(() => {
    d.certStore.certs = d.certStore.certs.filter((c) => c !== cert);
  });
  d.events.emit({ type: 'certificate', change: 'deleted', fingerprint: cert.facts.sha1, kind: cert.kind });
  return ok();
}

export function caAdd(inv: Invocation): CommandOutcome {
  const d = inv.device;
  const blocks = [...(inv.body ?? '').replace(/\r\n?/g, '\n').matchAll(CERT_BLOCK)].map((m) => `${m[0]}\n`);
  if (blocks.length === 0) return fail('No certificate found in the input.');
  for (const pem of blocks) {
    try {
      new X509Certificate(pem);
    } catch {
      return fail('Failed to parse the certificate.');
    }
  }
  d.mutate(() => {
    for (const pem of blocks) {
      const facts = certFacts(pem);
      if (d.certStore.caCerts.some((c) => c.facts.sha1 === facts.sha1)) continue;
      d.certStore.caCerts.push({ certificate: pem, facts });
    }
  });
  return ok();
}

export function caShow(inv: Invocation): CommandOutcome {
  const leaves: Leaf[] = [];
  inv.device.certStore.caCerts.forEach((c, i) => {
    const f = c.facts;
    const l = (name: string, value: string): Leaf => ({ path: ['Details', i + 1, name], value });
    leaves.push(
      l('Fingerprint', f.sha1),
      l('IssuerName', f.issuerName),
      l('SubjectName', f.subjectName),
      l('notAfter', showDate(f.notAfter)),
      l('notBefore', showDate(f.notBefore)),
    );
  });
  leaves.push({ path: ['Format'], value: one(inv, 'Format') ?? 'Text', bare: true });
  return ok(leaves);
}
