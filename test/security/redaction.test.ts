/**
 * Security item 8: redaction missed `Secret : value` (a space before the colon) in the console's echo and
 * its `--log`. Redaction now takes the line apart by the device's grammar, whatever the spacing and case.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REDACTED, Redactor } from '../../src/core/xapi/index.js';
import { runCli } from '../helpers/cli.js';

const PLAIN = 'MDEyMzQ1Njc4OWFiY2RlZg';
const BLOB =
  'eyJhbGciOiJkaXIiLCJjaXNjby1hY3Rpb24iOiJhZGQiLCJjaXNjby1rZGYiOnsic2FsdCI6IjVlWlRDQVA0TV9ZIiwidmVyc2lvbiI6IjEifSwiZW5jIjoiQTEyOEdDTSJ9..NLNd3V9Te68tkpWD.f5lLVuWNfKfmzYCo1YJfODhQ.PE-wDFWGXFFBeo928cfZ1Q';

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'sec-redact-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Types `lines` into `console --target sim: --log FILE`; its exit status, stdout, stderr and the log. */
async function consoleSession(lines: string[], logName: string) {
  const log = join(dir, logName);
  const r = await runCli(['console', '--target', 'sim:', '--log', log], [...lines, 'bye', ''].join('\n'), {
    E2EE_PROV_KNOWN_HOSTS: join(dir, 'kh.json'),
  });
  return { status: r.status, out: r.stdout.toString(), err: r.stderr, log: readFileSync(log, 'utf8') };
}

describe('redaction by the device’s grammar', () => {
  it('hides the value whatever the spacing, case and quoting', () => {
    const r = new Redactor();
    const P = 'xCommand Security ClientSecret Populate';
    const cases: [string, string][] = [
      [`${P} Secret : "${PLAIN}"`, `${P} Secret : ${REDACTED}`],
      [`${P} Secret :"${PLAIN}"`, `${P} Secret :${REDACTED}`],
      [`${P} Secret:"${PLAIN}"`, `${P} Secret:${REDACTED}`],
      [`${P} Secret:${PLAIN}`, `${P} Secret:${REDACTED}`],
      [`${P} Secret\t:\t${PLAIN}`, `${P} Secret\t:\t${REDACTED}`],
      [`${P} SECRET : ${PLAIN} | resultId="t1"`, `${P} SECRET : ${REDACTED} | resultId="t1"`],
      [`${P} Secret: "a \\" quote" | resultId="t1"`, `${P} Secret: ${REDACTED} | resultId="t1"`],
      [`${P} Secret: "never closed ${PLAIN}`, `${P} Secret: ${REDACTED}`],
      [`${P} Secret: two words ${PLAIN}`, `${P} Secret: ${REDACTED}`],
      [`${P} Secret: a:b:${PLAIN}`, `${P} Secret: ${REDACTED}`],
      [
        `xCommand Webex Registration Start ActivationCode : 1234-5678 SecurityAction: Harden`,
        `xCommand Webex Registration Start ActivationCode : ${REDACTED} SecurityAction: Harden`,
      ],
      [
        `xCommand Security Certificates Services Add PrivateKeyPassword :"pw 1" IsEncrypted: False`,
        `xCommand Security Certificates Services Add PrivateKeyPassword :${REDACTED} IsEncrypted: False`,
      ],
      [
        `xCommand UserManagement User Passphrase Set NewPassphrase : n1 OldPassphrase:o1`,
        `xCommand UserManagement User Passphrase Set NewPassphrase : ${REDACTED} OldPassphrase:${REDACTED}`,
      ],
    ];
    for (const [input, output] of cases) expect(r.redact(input), input).toBe(output);
    // The device's error echoes such a line as an XPath: what follows the key is hidden there too.
    expect(r.redact(`*r Result XPath: "/Security/ClientSecret/Populate/Secret/:/${PLAIN}"`)).toBe(
      `*r Result XPath: "/Security/ClientSecret/Populate/Secret/${REDACTED}"`,
    );
    // A JWE is not secret: shortened, not hidden.
    expect(r.redact(`${P} Secret : ${BLOB}`)).toBe(`${P} Secret : eyJhbGciOiJk…(198 chars)`);
    // Other parameters stay readable.
    expect(r.redact('xConfiguration SystemUnit Name: "Desk : 1"')).toBe(
      'xConfiguration SystemUnit Name: "Desk : 1"',
    );
  });

  it('console: the echo and the --log hide `Secret : value`', async () => {
    const r = await consoleSession(
      [
        `xCommand Security ClientSecret Populate Secret : "${PLAIN}"`,
        `xCommand Security ClientSecret Populate Secret :${PLAIN}`,
      ],
      'console.log',
    );
    expect(r.status).toBe(0);
    expect(r.out).toContain(`> xCommand Security ClientSecret Populate Secret : ${REDACTED}\n`);
    expect(r.out).toContain(`> xCommand Security ClientSecret Populate Secret :${REDACTED}\n`);
    expect(r.out).not.toContain(PLAIN);
    expect(r.err).not.toContain(PLAIN);
    const text = r.log;
    expect(text).toContain(`Secret : ${REDACTED}`);
    expect(text).not.toContain(PLAIN);
  });

  it('hides by parameter class: SNMP CommunityName, an HttpClient Authorization header, tokens and keys', () => {
    const r = new Redactor();
    const cases: [string, string][] = [
      [
        'xConfiguration NetworkServices SNMP CommunityName: "c0mmunity-Str1ng"',
        `xConfiguration NetworkServices SNMP CommunityName: ${REDACTED}`,
      ],
      [
        '*c xConfiguration NetworkServices SNMP CommunityName: "c0mmunity-Str1ng"',
        `*c xConfiguration NetworkServices SNMP CommunityName: ${REDACTED}`,
      ],
      [
        'xCommand HttpClient Post Header: "Authorization: Bearer tok3n-Abc" Header: "Content-Type: application/json" Url: "https://example.com/x"',
        `xCommand HttpClient Post Header: "Authorization: ${REDACTED}" Header: "Content-Type: application/json" Url: "https://example.com/x"`,
      ],
      [
        'xCommand HttpClient Get Header: "proxy-authorization:Basic dXNlcjpwdw==" Url: "https://example.com/"',
        `xCommand HttpClient Get Header: "proxy-authorization:${REDACTED}" Url: "https://example.com/"`,
      ],
      [
        'xCommand HttpClient Get Header: "X-Api-Key: k3y-Value" Url: "https://example.com/"',
        `xCommand HttpClient Get Header: "X-Api-Key: ${REDACTED}" Url: "https://example.com/"`,
      ],
      ['xCommand Provisioning Token: t0ken-V4lue', `xCommand Provisioning Token: ${REDACTED}`],
      ['xCommand Some Thing AccessToken: "a b c"', `xCommand Some Thing AccessToken: ${REDACTED}`],
      ['xCommand Some Thing ApiKey: k-1 Name: n', `xCommand Some Thing ApiKey: ${REDACTED} Name: n`],
      ['xCommand Some Thing Shared_Key: k-2', `xCommand Some Thing Shared_Key: ${REDACTED}`],
    ];
    for (const [input, output] of cases) expect(r.redact(input), input).toBe(output);
    // Names that only look alike stay readable: public and host keys, key sizes, other headers.
    for (const plain of [
      '*s Conference EndToEndEncryption ExternalIdentity CertificateChain Certificate 1 PublicKeyAlgorithm: "ecdsa"',
      '*r ServicesShowResult Details 1 PublicKeySize: "256 bits"',
      '*s SystemUnit Software OptionKeys Encryption: "True"',
      'xCommand Some Thing PublicKey: "MFkw" HostKey: "ssh-ed25519 AAAA"',
      'xCommand HttpClient Post Header: "Accept: text/plain" Url: "https://example.com/"',
    ])
      expect(r.redact(plain), plain).toBe(plain);
  });

  it('console: the echo and the --log hide an SNMP community and an Authorization header', async () => {
    const r = await consoleSession(
      [
        'xConfiguration NetworkServices SNMP CommunityName: "c0mmunity-Str1ng"',
        'xCommand HttpClient Post Header: "Authorization: Bearer tok3n-Abc" Url: "https://example.com/x"',
      ],
      'console-class.log',
    );
    expect(r.status).toBe(0);
    expect(r.out).toContain(`> xConfiguration NetworkServices SNMP CommunityName: ${REDACTED}\n`);
    expect(r.out).toContain(`> xCommand HttpClient Post Header: "Authorization: ${REDACTED}" Url:`);
    for (const secret of ['c0mmunity-Str1ng', 'tok3n-Abc']) {
      expect(r.out).not.toContain(secret);
      expect(r.err).not.toContain(secret);
      expect(r.log).not.toContain(secret);
    }
  });
});
