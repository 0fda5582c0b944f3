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
    const log = join(dir, 'console.log');
    const input = [
      `xCommand Security ClientSecret Populate Secret : "${PLAIN}"`,
      `xCommand Security ClientSecret Populate Secret :${PLAIN}`,
      'bye',
      '',
    ].join('\n');
    const r = await runCli(['console', '--target', 'sim:', '--log', log], input, {
      E2EE_PROV_KNOWN_HOSTS: join(dir, 'kh.json'),
    });
    expect(r.status).toBe(0);
    expect(r.stdout.toString()).toContain(`> xCommand Security ClientSecret Populate Secret : ${REDACTED}\n`);
    expect(r.stdout.toString()).toContain(`> xCommand Security ClientSecret Populate Secret :${REDACTED}\n`);
    expect(r.stdout.toString()).not.toContain(PLAIN);
    expect(r.stderr).not.toContain(PLAIN);
    const text = readFileSync(log, 'utf8');
    expect(text).toContain(`Secret : ${REDACTED}`);
    expect(text).not.toContain(PLAIN);
  });
});
