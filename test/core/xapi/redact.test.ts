import { describe, expect, it } from 'vitest';
import { Redactor, REDACTED, looksLikeJwe, shortenBlobs } from '../../../src/core/xapi/index.js';

const BLOB =
  'eyJhbGciOiJkaXIiLCJjaXNjby1hY3Rpb24iOiJhZGQiLCJjaXNjby1rZGYiOnsic2FsdCI6IjVlWlRDQVA0TV9ZIiwidmVyc2lvbiI6IjEifSwiZW5jIjoiQTEyOEdDTSJ9..NLNd3V9Te68tkpWD.f5lLVuWNfKfmzYCo1YJfODhQ.PE-wDFWGXFFBeo928cfZ1Q';

describe('redaction', () => {
  it('shortens blobs to 12 characters and their length (the worked example, jwe-blobs.md)', () => {
    expect(BLOB.length).toBe(198);
    expect(shortenBlobs(`Fingerprint: "${BLOB}"`)).toBe('Fingerprint: "eyJhbGciOiJk…(198 chars)"');
    expect(looksLikeJwe(BLOB)).toBe(true);
    expect(looksLikeJwe('MDEyMzQ1Njc4OWFiY2RlZg')).toBe(false);
  });

  it('hides a plain first ClientSecret even when not registered, keeps a JWE one (shortened)', () => {
    const r = new Redactor();
    expect(
      r.redact('xCommand Security ClientSecret Populate Secret: "MDEyMzQ1Njc4OWFiY2RlZg" | resultId="e2p4"'),
    ).toBe(`xCommand Security ClientSecret Populate Secret: ${REDACTED} | resultId="e2p4"`);
    expect(r.redact(`xcommand security clientsecret populate secret: ${BLOB}`)).toBe(
      'xcommand security clientsecret populate secret: eyJhbGciOiJk…(198 chars)',
    );
  });

  it('hides registered secrets, activation codes, passwords and private keys', () => {
    const r = new Redactor();
    r.add('hunter2');
    r.add('');
    expect(r.redact('you typed hunter2, twice: hunter2')).toBe(`you typed ${REDACTED}, twice: ${REDACTED}`);
    expect(
      r.redact('xCommand Webex Registration Start ActivationCode: "1234-5678" SecurityAction: Harden'),
    ).toBe(`xCommand Webex Registration Start ActivationCode: ${REDACTED} SecurityAction: Harden`);
    expect(r.redact('a\n-----BEGIN PRIVATE KEY-----\nMIGH\nAbC=\n-----END PRIVATE KEY-----\nb')).toBe(
      `a\n-----BEGIN PRIVATE KEY----- ${REDACTED} -----END PRIVATE KEY-----\nb`,
    );
    expect(r.redact('-----BEGIN EC PRIVATE KEY-----\nMHc')).toBe(
      `-----BEGIN EC PRIVATE KEY----- ${REDACTED} -----END EC PRIVATE KEY-----`,
    );
  });
});
