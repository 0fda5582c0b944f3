/**
 * The error comes first, and says what to do: a capture to a missing folder fails before the device is
 * connected; `journal verify` on a torn, truncated journal prints the error as its first line; after a
 * cable pull, provision says to run the same command again (and doing so finishes); inputs that are not
 * what they claim (an add payload that is no certificate and key, a secret file with a line break
 * inside) are refused.
 */
import { mkdtempSync, readFileSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { open } from '../../src/core/jwe/index.js';
import { issueDeviceCert, makeDemoPki } from '../../src/main/demo/pki.js';
import { Journal } from '../../src/main/vault/journal.js';
import { runCli } from '../helpers/cli.js';
import { systemHas } from '../helpers/system.js';
import { Rig } from '../main/workflows/rig.js';

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'error-first-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('the error comes first', () => {
  it('device capture --out <missing folder>/x: ERR_OUTPUT_WRITE before the device is connected', async () => {
    const state = join(dir, 'capture-sim.json');
    const out = join(dir, 'no-such-folder', 'x.json');
    const r = await runCli(['device', 'capture', '--target', `sim:?state=${state}`, '--out', out], '', {
      E2EE_PROV_HOME: join(dir, 'home'),
    });
    expect(r.status).toBe(1);
    expect(r.stderr).toBe(
      `ERR_OUTPUT_WRITE Cannot write the capture to ${out}: the folder ${join(dir, 'no-such-folder')} does not exist.\n`,
    );
    expect(r.stdout.toString()).toBe('');
    // No simulator was made for the target (it writes its state at once): nothing was connected.
    expect(() => readFileSync(state)).toThrow(expect.objectContaining({ code: 'ENOENT' }));
  });

  it('journal verify on a torn, truncated journal prints the error as the first line, then the warning', async () => {
    const home = join(dir, 'torn');
    const journal = new Journal(home);
    for (const serial of ['FOCTORN1', 'FOCTORN2', 'FOCTORN3'])
      await journal.append({ kind: 'event', event: 'device.identified', serial });
    // A crash mid-write of the last record: its line is cut, and the anchor names a record not there.
    const path = join(home, 'journal.jsonl');
    const text = readFileSync(path, 'utf8');
    const lastStart = text.slice(0, -1).lastIndexOf('\n') + 1;
    truncateSync(path, lastStart + 10);
    const r = await runCli(['journal', 'verify'], '', { E2EE_PROV_HOME: home });
    expect(r.status).toBe(1);
    const lines = r.stderr.split('\n');
    expect(lines[0]).toBe(
      `ERR_JOURNAL_TRUNCATED line 4: The journal ends at record 3, but record 4 was written: 1 record(s) from line 4 on were cut off. (${path})`,
    );
    expect(lines[1]).toBe(
      'warning: WARN_JOURNAL_TORN_TAIL line 4: Line 4 is incomplete (10 bytes without a line break): a write cut off by a crash, never acknowledged. It is ignored, and cut off at the next append.',
    );
    expect(lines.slice(2)).toEqual(['']);
    expect(r.stdout.toString()).toBe('');
  });
});

describe('inputs that are not what they claim', () => {
  let secretFile: string;
  beforeAll(() => {
    secretFile = join(dir, 'secret');
    writeFileSync(secretFile, 'ossifrage\n');
  });

  it('blob seal --action add: an empty, random or key-less payload is refused unless --raw', async () => {
    const pki = await makeDemoPki('Seal');
    const issued = await issueDeviceCert(pki, { cn: 'seal.example' });
    const other = await issueDeviceCert(pki, { cn: 'other.example' });
    const advice =
      'An add payload is the device certificate (PEM), any intermediates, then its private key (PEM), as provision builds it; give --raw to seal the bytes as they are.';
    const seal = (payload: string | Buffer, extra: string[] = []) =>
      runCli(['blob', 'seal', '--action', 'add', '--secret-file', secretFile, ...extra], payload);
    for (const [payload, message] of [
      ['', `The payload holds 0 certificate(s) and 0 private key(s). ${advice}`],
      [Buffer.from([0xff, 0xfe, 0x00, 0x81, 0x9c]), `The payload is not PEM text. ${advice}`],
      ['this is a PEM file', `The payload holds 0 certificate(s) and 0 private key(s). ${advice}`],
      [issued.certificatePem, `The payload holds 1 certificate(s) and 0 private key(s). ${advice}`],
      [issued.keyPem, `The payload holds 0 certificate(s) and 1 private key(s). ${advice}`],
    ] as const) {
      const r = await seal(payload);
      expect(r.status, String(payload)).toBe(1);
      expect(r.stderr, String(payload)).toBe(`ERR_JWE_ADD_PAYLOAD ${message}\n`);
      expect(r.stdout.toString()).toBe('');
    }
    // A key that is not the certificate's: the device's own refusal, before anything is sealed.
    const mismatched = await seal(issued.certificatePem + other.keyPem);
    expect(mismatched.status).toBe(1);
    expect(mismatched.stderr).toMatch(/^ERR_JWE_ADD_PAYLOAD /);
    // The certificate and its key: sealed as given.
    const good = await seal(issued.certificatePem + issued.keyPem);
    expect(good.status, good.stderr).toBe(0);
    expect(Buffer.from((await open(good.stdout.toString(), 'ossifrage')).payload).toString()).toBe(
      issued.certificatePem + issued.keyPem,
    );
    // --raw: the bytes as they are.
    const raw = await seal('this is a PEM file', ['--raw']);
    expect(raw.status, raw.stderr).toBe(0);
    expect(Buffer.from((await open(raw.stdout.toString(), 'ossifrage')).payload).toString()).toBe(
      'this is a PEM file',
    );
  });

  it('a secret file with a line break inside is refused, as a typed secret would be; one trailing break is not', async () => {
    const twoLines = join(dir, 'two-lines');
    writeFileSync(twoLines, 'ossifrage\nsecond line\n');
    const crlf = join(dir, 'crlf-inside');
    writeFileSync(crlf, 'ossi\r\nfrage');
    for (const [file, position] of [
      [twoLines, 9],
      [crlf, 4],
    ] as const) {
      const r = await runCli(
        ['blob', 'seal', '--action', 'activate', '--secret-file', file],
        'ab'.repeat(20),
      );
      expect(r.status).toBe(1);
      expect(r.stderr).toBe(
        `ERR_SECRET_CONTROL_CHARACTER The ClientSecret in ${file} has a line break inside it (after character ${position}): a ClientSecret is one line, as typed at a prompt. Put it alone on the first line of the file.\n`,
      );
    }
    const ok = await runCli(
      ['blob', 'seal', '--action', 'activate', '--secret-file', secretFile],
      'ab'.repeat(20),
    );
    expect(ok.status, ok.stderr).toBe(0);
    expect((await open(ok.stdout.toString(), 'ossifrage')).action).toBe('activate');
  });
});

describe.runIf(systemHas('keyring') && systemHas('socat'))('after a cable pull', () => {
  const rig = new Rig();
  beforeAll(() => rig.setUp('error-first-cable'));
  afterAll(() => rig.tearDown());

  it('provision says to run the same command again, and running it again finishes', async () => {
    const sim = await rig.sim({ serialNumber: 'FOCCABLE01' });
    const target = await rig.pty(sim);
    const cert = await rig.issue('cable.example');
    const env = {
      E2EE_PROV_HOME: rig.path('home'),
      E2EE_PROV_KEYCHAIN_SERVICE: rig.service,
      E2EE_PROV_KNOWN_HOSTS: rig.path('known-hosts.json'),
    };
    const args = ['provision', '--target', target, '--cert', cert.bundlePath];
    sim.setFaults({ dropAfterCommand: 'Services Add' });
    const cut = await runCli(args, '', env, 60_000);
    expect(cut.status).toBe(1);
    const last = cut.stderr.trimEnd().split('\n').at(-1)!;
    expect(last).toMatch(
      /^ERR_DEVICE_DISCONNECTED The connection to .+ ended during a command, which may have run\. /,
    );
    expect(
      last.endsWith(
        'Connect the device again and run the same provisioning again: it first checks what the device holds and what the journal recorded, then goes on from there without repeating what took effect.',
      ),
    ).toBe(true);
    expect(cut.stderr).not.toContain('before repeating it');
    sim.setFaults({});
    const again = await runCli(args, '', env, 60_000);
    expect(again.status, again.stderr).toBe(0);
    expect(again.stdout.toString()).toMatch(/^Provisioned /);
    expect(
      sim.state.certificates.filter((c) => c.purposes.includes('WebexIdentity')).map((c) => c.commonName),
    ).toEqual(['cable.example']);
  }, 180_000);
});
