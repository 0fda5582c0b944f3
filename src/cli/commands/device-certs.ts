import { safe } from '../../core/inert.js';
import type { DeviceCertificate } from '../../main/device/index.js';
import { deviceOps } from '../../main/workflows/device-port.js';
import { identityEntries } from '../../main/workflows/identity.js';
import { type Command } from '../command.js';
import { type CliIO, write } from '../io.js';
import { VERBOSE_OPTION, deviceCommand } from '../skeleton.js';
import { DEVICE_CERTIFICATE } from '../json-shapes.js';
import { jsonShown } from '../shown.js';

const USAGE = 'e2ee-prov device certs --target TARGET [--password-file PATH] [--json] [--verbose]';

/** The device's service certificates (`Security Certificates Services Show`). */
export const deviceCerts: Command = deviceCommand({
  path: ['device', 'certs'],
  summary: "List a device's certificates: SHA-1 fingerprint, subject, issuer, validity, purposes.",
  usage: USAGE,
  options: VERBOSE_OPTION,
  verbose: (values) => values.verbose,
  async show(device, values, io: CliIO) {
    const certs = await device.listCertificates();
    // The documented way to ask which are used for WebexIdentity (UsedFor holds labels whose wording
    // for it is not public); a device without that purpose refuses the filter: none are.
    const identity = new Set((await identityEntries(deviceOps(device))).map((c) => c.fingerprint));
    const listed = certs.map((c) => ({ ...c, webexIdentity: identity.has(c.fingerprint) }));
    await write(
      io.stdout,
      values.json
        ? jsonShown(listed, {
            ...DEVICE_CERTIFICATE,
            webexIdentity: true,
          })
        : certsText(certs, identity),
    );
  },
});

/**
 * One block per certificate; "No certificates." when there are none. `identity`: the fingerprints
 * `Show Filter: WebexIdentity` lists (the identity and, on real devices, its chain).
 */
export function certsText(
  certs: readonly DeviceCertificate[],
  identity: ReadonlySet<string> = new Set(),
): string {
  if (certs.length === 0) return 'No certificates.\n';
  return (
    certs
      .map((c) =>
        [
          safe`${c.index}. ${c.fingerprint}`,
          safe`   Subject:   ${c.subjectName ?? '-'}`,
          safe`   Issuer:    ${c.issuerName ?? '-'}`,
          safe`   Valid:     ${c.notBefore ?? '-'} to ${c.notAfter ?? '-'}`,
          safe`   Used for:  ${c.purposes.length ? c.purposes.join(', ') : '(nothing)'}`,
          ...(identity.has(c.fingerprint) ? ['   WebexIdentity: listed by Show Filter: WebexIdentity'] : []),
        ].join('\n'),
      )
      .join('\n') + '\n'
  );
}
