import { safe } from '../../core/inert.js';
import type { DeviceIdentity, E2eeStatus, IdentityStatus } from '../../main/device/index.js';
import { type Command } from '../command.js';
import { type CliIO, write } from '../io.js';
import { VERBOSE_OPTION, deviceCommand } from '../skeleton.js';
import { DEVICE_IDENTITY, E2EE_STATUS } from '../json-shapes.js';
import { jsonShown } from '../shown.js';

const USAGE = 'e2ee-prov device info --target TARGET [--password-file PATH] [--json] [--verbose]';

/** Identity and E2EE status of a device. */
export const deviceInfo: Command = deviceCommand({
  path: ['device', 'info'],
  summary: 'Show what a device is (product, software, serial, Webex status) and its E2EE identity status.',
  usage: USAGE,
  options: VERBOSE_OPTION,
  verbose: (values) => values.verbose,
  async show(device, values, io: CliIO) {
    const identity = await device.identify();
    const e2ee = await device.e2eeStatus();
    await write(
      io.stdout,
      values.json
        ? jsonShown({ identity, e2ee }, { identity: DEVICE_IDENTITY, e2ee: E2EE_STATUS })
        : infoText(identity, e2ee),
    );
  },
});

function identityLines(name: string, s: IdentityStatus): string[] {
  const out = [
    safe`${name}:`,
    safe`  Verification:  ${s.verification ?? '-'}`,
    safe`  Identity:      ${s.identity ?? '-'}`,
    safe`  Status:        ${s.status ?? '-'}`,
  ];
  for (const c of s.certificateChain) {
    out.push(
      safe`  Certificate ${c.index}: ${c.primaryName ?? c.subjectNames[0] ?? '-'}, ${c.validity ?? 'validity unknown'}, until ${c.notAfter ?? '-'}, SHA-1 ${c.fingerprint ?? '-'}`,
    );
  }
  return out;
}

/** The human form: aligned labels, one fact a line. */
export function infoText(id: DeviceIdentity, e2ee: E2eeStatus): string {
  const lines = [
    safe`Product:        ${id.productId || '-'}`,
    safe`Software:       ${id.softwareDisplayName || '-'} (${id.softwareVersion || '-'})`,
    safe`Serial number:  ${id.serialNumber || '-'}`,
    safe`System name:    ${id.systemName || '(not set)'}`,
    safe`Webex status:   ${id.webexStatus ?? '(not reported)'}`,
  ];
  if (!e2ee.present) {
    lines.push('E2EE:           not reported (devices report it once registered to Webex)');
  } else {
    lines.push(safe`E2EE:           ${e2ee.availability ?? '-'}`);
    lines.push(
      ...identityLines('External identity', e2ee.external),
      ...identityLines('Internal identity', e2ee.internal),
    );
  }
  return lines.join('\n') + '\n';
}
