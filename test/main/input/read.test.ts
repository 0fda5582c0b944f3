/** The one reader of named input files: one code family (ERR_INPUT_*) for the CLI and batch alike. */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InputError } from '../../../src/main/input/bounded.js';
import { readInputFile, readSecretFile } from '../../../src/main/input/read.js';

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'input-read-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function refusal(p: Promise<unknown>): Promise<InputError> {
  const e = await p.then(
    () => null,
    (x: unknown) => x,
  );
  expect(e).toBeInstanceOf(InputError);
  return e as InputError;
}

describe('readInputFile', () => {
  it('a missing file is ERR_INPUT_READ naming the file and what it was to hold', async () => {
    const path = join(dir, 'nope.pem');
    const e = await refusal(readInputFile(path, 'certificate'));
    expect(e.code).toBe('ERR_INPUT_READ');
    expect(e.message).toBe(`Cannot read the certificate from ${path}: there is no such file.`);
    expect(e.details).toEqual({ path });
  });

  it('a folder is ERR_INPUT_READ too', async () => {
    const e = await refusal(readInputFile(dir, 'private key'));
    expect(e.code).toBe('ERR_INPUT_READ');
    expect(e.message.startsWith(`Cannot read the private key from ${dir}: `)).toBe(true);
  });
});

describe('readSecretFile', () => {
  it('drops one trailing line break and keeps the rest byte for byte', async () => {
    const path = join(dir, 'secret.txt');
    writeFileSync(path, ' correct horse battery staple \n');
    expect(await readSecretFile(path, 'client secret')).toBe(' correct horse battery staple ');
  });

  it('a secret that is not UTF-8 text is ERR_INPUT_READ', async () => {
    const path = join(dir, 'latin1.txt');
    writeFileSync(path, Buffer.from([0x63, 0x61, 0x66, 0xe9, 0x0a]));
    const e = await refusal(readSecretFile(path, 'client secret'));
    expect(e.code).toBe('ERR_INPUT_READ');
    expect(e.message).toBe(`The client secret in ${path} is not UTF-8 text.`);
  });

  it('an activation code keeps an inner line break for its own check (lineBreaksInside: keep)', async () => {
    const path = join(dir, 'code.txt');
    writeFileSync(path, '1234\n5678\n');
    expect(await readSecretFile(path, 'activation code', { lineBreaksInside: 'keep' })).toBe('1234\n5678');
  });
});
