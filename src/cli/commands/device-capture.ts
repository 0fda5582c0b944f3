import { existsSync } from 'node:fs';
import {
  CAPTURE_PROBES,
  type CloudDeviceCapture,
  type DeviceCapture,
  captureCloudDevice,
  captureDevice,
  RoomOsDevice,
} from '../../main/device/index.js';
import { writeFileAtomic } from '../../main/vault/atomic-file.js';
import { type Command, parse, required } from '../command.js';
import { withAnyDevice } from '../context.js';
import { CliError } from '../errors.js';
import { type CliIO, write } from '../io.js';
import { checkOutputPath } from '../paths.js';
import { DEVICE_OPTIONS } from '../skeleton.js';

const USAGE =
  'e2ee-prov device capture --target TARGET --out FILE [--probe-add-refusals] [--password-file PATH] [--json]';

/** Read-only probes of a real device, written to a file a technician can send in. */
export const deviceCapture: Command = {
  path: ['device', 'capture'],
  summary:
    'Record how a device answers a fixed set of harmless, read-only probes (identifiers redacted), to send in.',
  usage: USAGE,
  connects: true,
  async run(args: string[], io: CliIO): Promise<number> {
    const { values } = parse(
      args,
      {
        ...DEVICE_OPTIONS,
        out: { type: 'string' },
        'probe-add-refusals': { type: 'boolean', default: false },
      },
      USAGE,
    );
    const target = required(values.target, 'target', USAGE);
    const out = required(values.out, 'out', USAGE);
    if (out.trim() === '' || out === '-')
      throw new CliError('ERR_USAGE', `--out names the file to write. Usage: ${USAGE}`);
    // Checked before connecting: a capture never overwrites a file, and the device is not probed for nothing.
    if (existsSync(out))
      throw new CliError(
        'ERR_OUTPUT_WRITE',
        `${out} exists already; choose a new file name for the capture.`,
      );
    // Its folder exists and is a folder, before the device is connected and probed for seconds.
    await checkOutputPath(out, 'capture');
    const options = {
      toolVersion: '0.1.0',
      probeAddRefusals: values['probe-add-refusals'],
      onProbe: values.json
        ? undefined
        : (id: string, i: number, total: number) => io.stderr.write(`  probe ${i}/${total}: ${id}\n`),
    };
    // A `webex:` target is read through the cloud (no keychain secret needed: nothing is sealed).
    const capture: DeviceCapture | CloudDeviceCapture = await withAnyDevice(
      target,
      { passwordFile: values['password-file'], verbose: !values.json },
      io,
      (device): Promise<DeviceCapture | CloudDeviceCapture> =>
        device instanceof RoomOsDevice ? captureDevice(device, options) : captureCloudDevice(device, options),
    );
    try {
      await writeFileAtomic(out, JSON.stringify(capture, null, 2) + '\n', { mode: 0o600, exclusive: true });
    } catch (e) {
      const code = (e as { code?: string }).code;
      if (code === 'EEXIST')
        throw new CliError(
          'ERR_OUTPUT_WRITE',
          `${out} exists already; choose a new file name for the capture.`,
        );
      throw new CliError(
        'ERR_OUTPUT_WRITE',
        `The capture could not be written to ${out} (${code ?? 'error'}); choose a folder you can write to.`,
      );
    }
    const unavailable = capture.probes.filter((p) => p.unavailable !== undefined).map((p) => p.id);
    const summary = {
      file: out,
      link: capture.link,
      probes: capture.probes.length,
      failedProbes: capture.probes.filter((p) => p.error !== undefined).map((p) => p.id),
      unavailableProbes: unavailable,
      lineLimit: capture.lineLimit,
      firstCutLine: capture.firstCutLine,
      addRefusals: capture.addRefusals,
      redactions: capture.redactions,
    };
    if (capture.lineLimit === null) {
      const asked = capture.probes.length - unavailable.length;
      await write(
        io.stdout,
        values.json
          ? JSON.stringify(summary, null, 2) + '\n'
          : `Wrote ${asked} read-only reads through the Webex cloud to ${out}; ${unavailable.length} entries need a console and are listed as not available through the cloud (${unavailable.join(', ')}).\n` +
              `Serial numbers, device id, system name, workspace, addresses and the organisation and host names in certificates were replaced; nothing on the device was changed.\n`,
      );
      return 0;
    }
    await write(
      io.stdout,
      values.json
        ? JSON.stringify(summary, null, 2) + '\n'
        : `Wrote ${capture.probes.length} probes (${CAPTURE_PROBES.length} read-only${capture.addRefusals ? ', 3 harmless Add refusals' : ''}) and the line-limit probe to ${out}.\n` +
            `Line limit: ${capture.lineLimit.cut === null ? `lines of ${capture.lineLimit.probedUpTo} bytes arrived whole` : `lines of ${capture.lineLimit.whole} bytes arrive whole, ${capture.lineLimit.cut} do not`}.\n` +
            `Serial numbers, device id, system name, addresses and the organisation and host names in certificates were replaced; nothing on the device was changed.\n`,
    );
    return 0;
  },
};
