/**
 * Fuzzing the certificate readers (src/core/pki): PEM text (with a key file), DER and PKCS#12 bytes, by
 * readCredentials and inspectCredentials. Credentials or a PkiError with its ERR_ code, fast.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { inspectCredentials, readCredentials, type CredentialsInput } from '../../src/core/pki/index.js';
import { NUM_RUNS, bytesInput, params, returnsOrCoded, textInput, timeout } from './harness.js';

const PASS = 'fuzz pass';
let dir = '';
const files: Record<string, Buffer> = {};

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'fuzz-pki-'));
  const run = (args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: 'ignore' });
  run(['ecparam', '-name', 'prime256v1', '-genkey', '-noout', '-out', 'sec1.key']);
  run(['pkcs8', '-topk8', '-nocrypt', '-in', 'sec1.key', '-out', 'dev.key']);
  run([
    'req',
    '-x509',
    '-new',
    '-key',
    'dev.key',
    '-subj',
    '/CN=Room 1/O=Fuzz',
    '-days',
    '30',
    '-out',
    'dev.pem',
  ]);
  run(['x509', '-in', 'dev.pem', '-outform', 'DER', '-out', 'dev.der']);
  run(['pkcs8', '-topk8', '-in', 'dev.key', '-passout', `pass:${PASS}`, '-iter', '1', '-out', 'enc.key']);
  // One iteration: PKCS#12 is read by node-forge in JavaScript, and the cases must stay cheap.
  const pkcs12 = (pass: string, mac: string, out: string): unknown =>
    run([
      'pkcs12',
      '-export',
      '-in',
      'dev.pem',
      '-inkey',
      'dev.key',
      '-passout',
      pass,
      '-iter',
      '1',
      mac,
      '-out',
      out,
    ]);
  pkcs12(`pass:${PASS}`, '-maciter', 'dev.p12');
  pkcs12('pass:', '-nomaciter', 'empty.p12');
  for (const f of ['sec1.key', 'dev.key', 'dev.pem', 'dev.der', 'enc.key', 'dev.p12', 'empty.p12'])
    files[f] = readFileSync(join(dir, f));
}, 60_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const text = (f: string) => files[f]!.toString('utf8');

function check(input: CredentialsInput): void {
  returnsOrCoded(() => readCredentials(input));
  returnsOrCoded(() => inspectCredentials(input));
}

describe(`fuzz: PEM, DER and PKCS#12 readers (${NUM_RUNS} cases each)`, () => {
  it(
    'PEM text (certificate, key, chain in any order; a separate key file)',
    () => {
      const samples = () => [
        text('dev.pem'),
        text('dev.pem') + text('dev.key'),
        text('sec1.key') + '\r\n' + text('dev.pem').replace(/\n/g, '\r\n'),
        'Bag Attributes\n' + text('dev.pem') + text('enc.key'),
      ];
      fc.assert(
        fc.property(
          fc.oneof(textInput(samples())),
          fc.option(textInput([text('dev.key'), text('enc.key'), text('sec1.key')]), { nil: undefined }),
          fc.option(fc.constantFrom(PASS, '', 'wrong'), { nil: undefined }),
          (certPem, keyPem, passphrase) => check({ certPem, keyPem, passphrase }),
        ),
        params(),
      );
    },
    timeout(),
  );

  it(
    'certificate file bytes (PEM, DER or PKCS#12, recognized by content)',
    () => {
      fc.assert(
        fc.property(
          bytesInput([files['dev.der']!, files['dev.pem']!, files['dev.p12']!, files['empty.p12']!]),
          fc.option(fc.constantFrom(PASS, ''), { nil: undefined }),
          (certFile, passphrase) => check({ certFile, passphrase }),
        ),
        params(),
      );
    },
    timeout(),
  );

  it(
    'PKCS#12 bytes',
    () => {
      fc.assert(
        fc.property(
          bytesInput([files['dev.p12']!, files['empty.p12']!]),
          fc.option(fc.constantFrom(PASS, '', 'wrong'), { nil: undefined }),
          (p12, passphrase) => check({ p12, passphrase }),
        ),
        params(),
      );
    },
    timeout(),
  );
});
