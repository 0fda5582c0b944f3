import { inert } from '../../core/inert.js';
import type * as Pki from '../../core/pki/index.js';
import type { CheckResult, CredentialsInput } from '../../core/pki/index.js';
import { JSON_OPTION, optionsCommand, required } from '../command.js';
import { type CliIO, promptHidden, readInput, readSecret, write } from '../io.js';
import { CREDENTIALS_REPORT, PKI_ISSUE } from '../json-shapes.js';
import { shown } from '../shown.js';
import { KEY_OPTIONS } from '../skeleton.js';

const USAGE = 'e2ee-prov cert inspect --cert PATH [--key PATH] [--passphrase-file PATH] [--json]';

/**
 * Reads a certificate (PEM, DER or PKCS#12) and its key, and says whether the device would accept them, and
 * why not. Exit status 0 only when the pair is acceptable (warnings allowed); otherwise 1, with the report on
 * stdout and the first error's code and sentence on stderr.
 */
export const certInspect = optionsCommand({
  path: ['cert', 'inspect'],
  summary: 'Check a certificate and its key against what the device accepts, and show their facts.',
  usage: USAGE,
  options: { ...KEY_OPTIONS, ...JSON_OPTION },
  async run(values, io) {
    const certPath = required(values.cert, 'cert', USAGE);
    const input: CredentialsInput = { certFile: await readInput(certPath, io, 'certificate') };
    if (values.key !== undefined)
      input.keyPem = (await readInput(values.key, io, 'private key')).toString('utf8');
    if (values['passphrase-file'] !== undefined)
      input.passphrase = await readSecret(values['passphrase-file'], io, 'passphrase');

    let result = await inspectOrAsk(input, io);
    if (result === 'ask') {
      input.passphrase = await promptHidden(io, 'Passphrase (for the key or the PKCS#12 file): ');
      result = (await loadPki()).inspectCredentials(input);
    }

    await write(io.stdout, values.json ? JSON.stringify(asJson(result), null, 2) + '\n' : summary(result));
    const first = result.errors[0];
    if (first) {
      await write(io.stderr, `${first.code} ${inert(first.message)}\n`);
      return 1;
    }
    return 0;
  },
});

/** Inspects; when only a passphrase is missing and a person is at a terminal, says so instead of failing. */
async function inspectOrAsk(input: CredentialsInput, io: CliIO): Promise<CheckResult | 'ask'> {
  const { inspectCredentials, PkiError } = await loadPki();
  const canAsk = input.passphrase === undefined && io.stdin.isTTY === true;
  try {
    const result = inspectCredentials(input);
    if (canAsk && result.errors.some((e) => e.code === 'ERR_KEY_PASSPHRASE_REQUIRED')) return 'ask';
    return result;
  } catch (e) {
    if (canAsk && e instanceof PkiError && e.code === 'ERR_P12_PASSWORD_REQUIRED') return 'ask';
    throw e;
  }
}

/** Loaded on use: the certificate libraries take a while to load, and other commands do not need them. */
function loadPki(): Promise<typeof Pki> {
  return import('../../core/pki/index.js');
}

function asJson(result: CheckResult): Record<string, unknown> {
  const { report, errors, warnings, ok } = result;
  return {
    ok,
    ...(shown(report, CREDENTIALS_REPORT) as Record<string, unknown>),
    errors: shown(errors, PKI_ISSUE),
    warnings: shown(warnings, PKI_ISSUE),
  };
}

function summary(result: CheckResult): string {
  const r = result.report;
  const lines: [string, string][] = [
    ['Subject CN', r.subject.cn ?? '(none)'],
    ['Subject', r.subject.dn],
    ['SAN DNS', r.san.dns.join(', ') || '(none)'],
    ['SAN email', r.san.email.join(', ') || '(none)'],
  ];
  if (r.san.ip.length) lines.push(['SAN IP', r.san.ip.join(', ')]);
  if (r.san.uri.length) lines.push(['SAN URI', r.san.uri.join(', ')]);
  lines.push(
    ['Issuer', r.issuer],
    ['Serial', r.serial],
    ['Not before', r.notBefore],
    ['Not after', `${r.notAfter} (${r.daysLeft >= 0 ? `${r.daysLeft} days left` : 'expired'})`],
    ['SHA-1', r.fingerprints.sha1],
    ['SHA-256', r.fingerprints.sha256],
    ['Signature', r.signatureAlgorithm],
    [
      'Key',
      r.key.curve ? `${r.key.type} ${r.key.curve}` : `${r.key.type}${r.key.bits ? ` ${r.key.bits}` : ''}`,
    ],
    ['Key usage', r.keyUsage?.join(', ') ?? '(not present)'],
    ['Extended key usage', r.extendedKeyUsage?.join(', ') ?? '(not present)'],
    [
      'Private key',
      r.privateKey
        ? `${r.privateKey.format}${r.privateKey.encrypted ? ' (decrypted)' : ''}, ${r.keyMatches ? 'matches the certificate' : 'does NOT match the certificate'}`
        : '(none read)',
    ],
    [
      'Chain in file',
      `${r.chain.certificates.map((c) => c.role).join(' > ')}; ${r.chain.verifies ? 'verifies up to its last certificate' : 'does NOT verify up to its last certificate'}`,
    ],
  );
  // Every value from the file is shown inert: a CN may hold `ESC ] 0 ;` (a window title), colours, a newline.
  const width = Math.max(...lines.map(([k]) => k.length));
  const out = lines.map(([k, v]) => `${k.padEnd(width)}  ${inert(v)}`);
  for (const c of r.chain.certificates.slice(1))
    out.push(`${''.padEnd(width)}  ${c.role}: ${inert(c.subject)}`);
  for (const c of r.chain.unrelated) out.push(`${''.padEnd(width)}  not on the chain: ${inert(c.subject)}`);
  out.push('');
  for (const e of result.errors) out.push(`error    ${e.code}  ${inert(e.message)}`);
  for (const w of result.warnings) out.push(`warning  ${w.code}  ${inert(w.message)}`);
  out.push(
    result.ok
      ? `Acceptable for the device${result.warnings.length ? ' (see the warnings)' : ''}.`
      : 'NOT acceptable for the device.',
  );
  return out.join('\n') + '\n';
}
