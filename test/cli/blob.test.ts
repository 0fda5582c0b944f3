/** `e2ee-prov blob seal|open|inspect`, run as a user would: the built CLI in its own process. */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { inspect, open, seal } from '../../src/core/jwe/index.js';
import { runCli } from '../helpers/cli.js';

let dir: string;
let secretFile: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'e2ee-cli-blob-'));
  secretFile = join(dir, 'secret');
  writeFileSync(secretFile, 'ossifrage\n'); // one trailing line break is not part of the secret
});

describe('blob seal', () => {
  it('seals stdin into one blob line that opens under the secret', async () => {
    // --raw: an add payload that is no certificate and key is sealed only when asked (test/cli/error-first.test.ts).
    const r = await runCli(
      ['blob', 'seal', '--action', 'add', '--raw', '--secret-file', secretFile],
      'this is a PEM file',
    );
    expect(r.status).toBe(0);
    expect(r.stderr).toBe('');
    const out = r.stdout.toString();
    expect(out.endsWith('\n')).toBe(true);
    expect(out.trimEnd().split('\n')).toHaveLength(1);
    expect(inspect(out)).toMatchObject({ action: 'add', enc: 'A128GCM', kdf: { saltBytes: 16 } });
    expect(Buffer.from((await open(out, 'ossifrage')).payload).toString()).toBe('this is a PEM file');
  });

  it('takes the payload from a file and honours --enc', async () => {
    const payload = join(dir, 'fp');
    writeFileSync(payload, 'C2:8A:0E:6D:3F:5B:7A:9E:1D:2C:4B:6A:8F:0E:1D:3C:5B:7A:9F:2E\n');
    const r = await runCli([
      'blob',
      'seal',
      '--action',
      'activate',
      '--enc',
      'A256GCM',
      '--secret-file',
      secretFile,
      '--payload-file',
      payload,
    ]);
    expect(r.status).toBe(0);
    const opened = await open(r.stdout.toString(), 'ossifrage');
    expect(opened).toMatchObject({ action: 'activate', enc: 'A256GCM' });
    expect(Buffer.from(opened.payload).toString()).toBe('c28a0e6d3f5b7a9e1d2c4b6a8f0e1d3c5b7a9f2e');
  });

  it('takes the secret from stdin with --secret-file -', async () => {
    const payload = join(dir, 'newsecret');
    writeFileSync(payload, 'next-secret\n');
    const r = await runCli(
      ['blob', 'seal', '--action', 'populate', '--secret-file', '-', '--payload-file', payload],
      'ossifrage',
    );
    expect(r.status).toBe(0);
    expect(Buffer.from((await open(r.stdout.toString(), 'ossifrage')).payload).toString()).toBe(
      'next-secret',
    );
  });

  it('refuses a secret on the command line, and other bad usage, with exit 2 and one stderr line', async () => {
    const r = await runCli(['blob', 'seal', '--action', 'add', '--secret', 'ossifrage'], 'x');
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/^ERR_USAGE Unknown option '--secret'\. Usage: e2ee-prov blob seal /);
    expect(r.stderr.trimEnd().split('\n')).toHaveLength(1);
    const bad = await runCli(['blob', 'seal', '--action', 'remove', '--secret-file', secretFile], 'x');
    expect(bad.status).toBe(2);
    expect(bad.stderr).toBe(
      'ERR_USAGE --action must be one of add, populate, activate, deactivate, not "remove".\n',
    );
  });

  it('says which file is missing', async () => {
    const r = await runCli(['blob', 'seal', '--action', 'add', '--secret-file', join(dir, 'nope')], 'x');
    expect(r.status).toBe(1);
    expect(r.stderr).toBe(
      `ERR_INPUT_READ Cannot read the ClientSecret from ${join(dir, 'nope')}: there is no such file.\n`,
    );
  });

  it('refuses an invalid fingerprint for activate', async () => {
    const r = await runCli(['blob', 'seal', '--action', 'activate', '--secret-file', secretFile], 'abc');
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(
      /^ERR_JWE_FINGERPRINT_INVALID A SHA-1 fingerprint is 40 hex digits; "abc" is not one\./,
    );
  });
});

describe('blob open', () => {
  it('writes the payload bytes exactly, adding nothing, for any bytes', async () => {
    const bytes = Uint8Array.from([0, 1, 2, 255, 10, 13, 10]);
    const blob = await seal('add', bytes, 'ossifrage');
    const r = await runCli(['blob', 'open', '--secret-file', secretFile], `\n  ${blob}  \n`);
    expect(r.status).toBe(0);
    expect(Buffer.compare(r.stdout, Buffer.from(bytes))).toBe(0);
  });

  it('opens the worked example', async () => {
    const blob =
      'eyJhbGciOiJkaXIiLCJjaXNjby1hY3Rpb24iOiJhZGQiLCJjaXNjby1rZGYiOnsic2FsdCI6IjVlWlRDQVA0TV9ZIiwidmVyc2lvbiI6IjEifSwiZW5jIjoiQTEyOEdDTSJ9..NLNd3V9Te68tkpWD.f5lLVuWNfKfmzYCo1YJfODhQ.PE-wDFWGXFFBeo928cfZ1Q';
    const r = await runCli(['blob', 'open', '--secret-file', secretFile], blob + '\n');
    expect(r.stdout.toString()).toBe('this is a PEM file');
  });

  it('fails with the code and a sentence under a wrong secret', async () => {
    const blob = await seal('add', 'x', 'another secret');
    const r = await runCli(['blob', 'open', '--secret-file', secretFile], blob);
    expect(r.status).toBe(1);
    expect(r.stdout.length).toBe(0);
    expect(r.stderr).toBe(
      'ERR_JWE_DECRYPTION_FAILED Decryption failed: the secret is wrong, or the blob was altered.\n',
    );
  });
});

describe('blob inspect', () => {
  it('prints the header facts as JSON without a secret', async () => {
    const blob = await seal('deactivate', 'c28a0e6d3f5b7a9e1d2c4b6a8f0e1d3c5b7a9f2e', 'k', {
      enc: 'A256GCM',
      saltBytes: 8,
    });
    const r = await runCli(['blob', 'inspect'], blob);
    expect(r.status).toBe(0);
    expect(JSON.parse(r.stdout.toString())).toEqual({
      alg: 'dir',
      enc: 'A256GCM',
      action: 'deactivate',
      kdf: { version: '1', salt: inspect(blob).kdf.salt, saltBytes: 8 },
      ivBytes: 12,
      ciphertextBytes: 40,
      tagBytes: 16,
      headerCanonical: true,
      extraMembers: [],
      length: blob.length,
    });
  });

  it('explains the seed’s garbled example', async () => {
    const garbled =
      'eyJhbGciOiJkaXIiLCJjaXNjby1hY3Rpb24iOiJhZGQiLCJjaXNjby1rZGYiOnsic2FsdCI6IjVlWlRDQVA0TV9ZIiwidmVyc2lvbiI6IjEifSwiZW5jIjoiQTEyOEdDTSJ..9NLNd3V9Te68tkpWD.f5lLVuWNfKfmzYCo1YJfODhQ.PE-wDFWGXFFBeo928cfZ1Q';
    const r = await runCli(['blob', 'inspect'], garbled);
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(
      /^ERR_JWE_HEADER_NOT_JSON The header \(part 1\) is cut short and the IV \(part 3\) has 17 characters/,
    );
  });
});
