import { safe } from '../../core/inert.js';
import type { DeviceIdentity, E2eeStatus, IdentityStatus } from '../../main/device/index.js';
import { type Command, parse, required } from '../command.js';
import { withDevice } from '../context.js';
import { type CliIO, write } from '../io.js';
import { DEVICE_IDENTITY, E2EE_STATUS } from '../json-shapes.js';
import { jsonShown } from '../shown.js';

const USAGE = 'e2ee-prov device info --target TARGET [--password-file PATH] [--json] [--verbose]';

/** Identity and E2EE status of a device. */
export const deviceInfo: Command = {
  path: ['device', 'info'],
  summary: 'Show what a device is (product, software, serial, Webex status) and its E2EE identity status.',
  usage: USAGE,
  async run(args: string[], io: CliIO): Promise<number> {
    const { values } = parse(
      args,
      {
        target: { type: 'string' },
        'password-file': { type: 'string' },
        json: { type: 'boolean', default: false },
        verbose: { type: 'boolean', default: false },
      },
      USAGE,
    );
    const target = required(values.target, 'target', USAGE);
    await withDevice(
      target,
      { passwordFile: values['password-file'], verbose: values.verbose },
      io,
      async (device) => {
        const identity = await device.identify();
        const e2ee = await device.e2eeStatus();
        await write(
          io.stdout,
          values.json
            ? jsonShown({ identity, e2ee }, { identity: DEVICE_IDENTITY, e2ee: E2EE_STATUS })
            : infoText(identity, e2ee),
        );
      },
    );
    return 0;
  },
};

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
