import { safe } from '../../core/inert.js';
import type { IdentityStatus } from '../../core/xapi/results.js';
import { isProvisionerError } from '../../core/errors.js';
import { dataDir } from '../../main/vault/data-dir.js';
import { Journal } from '../../main/vault/journal.js';
import { type DeviceStatusReport, deviceStatus, recordObservation } from '../../main/workflows/status.js';
import { type Command } from '../command.js';
import { toolAddedFingerprints } from '../context.js';
import { deviceCommand } from '../skeleton.js';
import { type CliIO, write } from '../io.js';
import { DEVICE_STATUS } from '../json-shapes.js';
import { jsonShown } from '../shown.js';

const USAGE = 'e2ee-prov status --target TARGET [--password-file PATH] [--json]';

const show = (v: string | null | undefined): string => (v === null || v === undefined || v === '' ? '-' : v);

function identityLines(name: string, s: IdentityStatus): string[] {
  const lines = [
    safe`  ${name}:`,
    safe`    Verification: ${show(s.verification)}`,
    safe`    Identity:     ${show(s.identity)}`,
    safe`    Status:       ${show(s.status)}`,
  ];
  if (s.certificateChain.length > 0) lines.push('    CertificateChain:');
  for (const c of s.certificateChain) {
    lines.push(
      safe`      ${c.index}. ${show(c.primaryName)}  fingerprint ${show(c.fingerprint)}`,
      safe`         ${show(c.publicKeyAlgorithm)}, signed ${show(c.signatureAlgorithm)}, serial ${show(c.serialNumber)}`,
      safe`         valid ${show(c.notBefore)} to ${show(c.notAfter)}: ${show(c.validity)}`,
    );
    for (const n of c.subjectNames) lines.push(safe`         subject ${n}`);
  }
  return lines;
}

/** The status report as a person reads it. */
export function formatStatus(r: DeviceStatusReport): string {
  const d = r.device;
  const lines = [
    safe`Device: ${d.productId}, serial ${d.serialNumber}, ${d.softwareDisplayName || d.softwareVersion}${d.systemName ? `, named ${JSON.stringify(d.systemName)}` : ''}`,
    safe`Webex registration: ${show(d.webexStatus)}`,
    '',
    'E2EE status (xStatus Conference EndToEndEncryption):',
  ];
  if (!r.e2ee.present) {
    lines.push(
      '  not reported: the device reports it only once registered (and only on models that can join E2EE meetings)',
    );
  } else {
    lines.push(safe`  Availability: ${show(r.e2ee.availability)}`);
    lines.push(...identityLines('ExternalIdentity', r.e2ee.external));
    lines.push(...identityLines('InternalIdentity', r.e2ee.internal));
  }
  lines.push(
    '',
    `WebexIdentity certificate (Services Show Filter: WebexIdentity): ${r.webexIdentity ?? 'none'}`,
  );
  lines.push('', safe`Certificates (${r.certificates.length}):`);
  if (r.certificates.length === 0) lines.push('  none');
  const inIdentity = new Set(r.webexIdentityEntries.map((c) => c.fingerprint));
  for (const c of r.certificates) {
    const role =
      c.fingerprint === r.webexIdentity
        ? '  [WebexIdentity]'
        : inIdentity.has(c.fingerprint)
          ? '  [WebexIdentity chain]'
          : '';
    lines.push(
      safe`  ${c.index}. ${c.fingerprint}  ${show(c.subjectName)}${role}`,
      safe`     issuer ${show(c.issuerName)}; valid ${show(c.notBefore)} to ${show(c.notAfter)}`,
      safe`     used for (the device's labels): ${c.usedFor ? c.usedFor : 'nothing'}`,
    );
  }
  lines.push('', `PreferredDomain: ${r.preferredDomain ? JSON.stringify(r.preferredDomain) : 'not set'}`);
  return lines.join('\n') + '\n';
}

/** Everything the device says about its E2EE identity; read-only, no secret needed. */
export const statusCommand: Command = deviceCommand({
  path: ['status'],
  summary: 'Show a device’s E2EE identity status, its certificates and PreferredDomain (read-only).',
  usage: USAGE,
  options: {},
  verbose: () => false,
  async show(device, v, io: CliIO) {
    const report = await deviceStatus(device, await toolAddedFingerprints(io));
    // What was seen is journaled, so that the inventory re-learns the device (a new journal, say); a
    // journal that cannot take it does not hide the report.
    const unrecorded = await recordObservation(new Journal(dataDir(io.env)), report).then(
      () => null,
      (e: unknown) => (isProvisionerError(e) ? e : Promise.reject(e)),
    );
    await write(io.stdout, v.json ? jsonShown(report, DEVICE_STATUS) : formatStatus(report));
    if (unrecorded)
      await write(
        io.stderr,
        `WARN_STATUS_NOT_RECORDED What the device showed was not journaled (${unrecorded.code}): the inventory does not know it yet. Check the journal with "e2ee-prov journal verify".\n`,
      );
  },
});
