import { safe } from '../../core/inert.js';
import { refuseProvisionOverCloud } from '../../main/cloud/errors.js';
import { checkActivationCode } from '../../core/xapi/index.js';
import {
  FACTORY_RESET_ALWAYS_ERASES,
  FACTORY_RESET_KEEP,
  FACTORY_RESET_KEEP_MEANS,
  describeTarget,
} from '../../main/device/index.js';
import { provision as runProvision } from '../../main/workflows/provision.js';
import { admitSecret } from '../../main/workflows/secret-policy.js';
import type { SecurityAction } from '../../main/workflows/device-port.js';
import type { Command } from '../command.js';
import { linkKind } from '../context.js';
import { loadCredentials, weakSecretPolicy, weakSecretWords } from '../credentials.js';
import { CliError } from '../errors.js';
import { readSecret, write } from '../io.js';
import { checkOutputPath } from '../paths.js';
import { provisionResultShape } from '../json-shapes.js';
import { shown } from '../shown.js';
import { CREDENTIAL_OPTIONS, checkCredentialOptions, parseEnc, workflowCommand } from '../skeleton.js';

const USAGE =
  'e2ee-prov provision --target TARGET --cert PATH [--key PATH] [--passphrase-file PATH] [--secret-file PATH [--allow-weak-secret]] [--enc A128GCM|A256GCM] [--factory-reset] [--keep WHAT]... [--backup FILE] [--restore-node PATH]... [--activation-code-file PATH [--register-first] [--registration-timeout SECONDS]] [--security-action Harden|NoAction] [--handover FILE [--handover-include-secret]] [--allow-plain-over-network] [--wrap-long-lines] [--password-file PATH] [--dry-run] [--json]';

/** Provisions a device end to end: the technician's wizard, headless. */
export const provisionCommand: Command = workflowCommand({
  path: ['provision'],
  summary:
    'Provision a device: check, back up, reset, populate the secret, add and activate the certificate, verify.',
  usage: USAGE,
  options: {
    ...CREDENTIAL_OPTIONS,
    'secret-file': { type: 'string' },
    'allow-weak-secret': { type: 'boolean', default: false },
    'factory-reset': { type: 'boolean', default: false },
    keep: { type: 'string', multiple: true },
    backup: { type: 'string' },
    'restore-node': { type: 'string', multiple: true },
    'activation-code-file': { type: 'string' },
    'security-action': { type: 'string', default: 'NoAction' },
    'register-first': { type: 'boolean', default: false },
    'registration-timeout': { type: 'string' },
    handover: { type: 'string' },
    'handover-include-secret': { type: 'boolean', default: false },
    'allow-plain-over-network': { type: 'boolean', default: false },
    'wrap-long-lines': { type: 'boolean', default: false },
    'dry-run': { type: 'boolean', default: false },
  },
  check(v) {
    refuseProvisionOverCloud(v.target);
    checkCredentialOptions(v, USAGE);
    if (v['security-action'] !== 'Harden' && v['security-action'] !== 'NoAction') {
      throw new CliError(
        'ERR_USAGE',
        `--security-action must be Harden or NoAction, not ${JSON.stringify(v['security-action'])}.`,
      );
    }
    const keep = keepItems(v.keep);
    if (keep.length && !v['factory-reset'])
      throw new CliError('ERR_USAGE', '--keep says what a factory reset keeps: give --factory-reset too.');
    if (v['restore-node'] && !v.backup)
      throw new CliError('ERR_USAGE', '--restore-node restores from the backup: give --backup FILE too.');
    if (v['register-first'] && !v['activation-code-file'])
      throw new CliError(
        'ERR_USAGE',
        '--register-first registers the device before the secret: give --activation-code-file too.',
      );
    registrationTimeout(v['registration-timeout']);
    if (v['handover-include-secret'] && !v.handover)
      throw new CliError('ERR_USAGE', '--handover-include-secret needs --handover FILE.');
  },
  async inputs(v, io) {
    const credentials = await loadCredentials(io, v, USAGE);
    // Empty, too long, control characters: refused before anything connects to the device. A weak one
    // too, unless the person insists: the provisioning's policy, applied ahead (the workflow takes the
    // admitted secret as it is, judged once).
    const secret =
      v['secret-file'] !== undefined
        ? admitSecret(
            await readSecret(v['secret-file'], io, 'client secret'),
            'plain',
            weakSecretPolicy(v['allow-weak-secret']),
            weakSecretWords('--secret-file'),
          )
        : undefined;
    // The files the run writes: their folders exist, and they are files (not /dev/zero, not a folder).
    if (v.backup !== undefined) await checkOutputPath(v.backup, 'configuration backup');
    if (v.handover !== undefined) await checkOutputPath(v.handover, 'handover sheet');
    const activationCode =
      v['activation-code-file'] !== undefined
        ? checkActivationCode(
            await readSecret(v['activation-code-file'], io, 'activation code', {
              lineBreaksInside: 'keep',
            }),
          )
        : undefined;
    return { credentials, secret, activationCode };
  },
  run({ values: v, device, target, vault, inputs: { credentials, secret, activationCode }, onEvent }) {
    const keep = keepItems(v.keep);
    const registrationTimeoutMs = registrationTimeout(v['registration-timeout']);
    return runProvision(
      { device, ...vault },
      {
        credentials,
        enc: parseEnc(v.enc),
        link: linkKind(target),
        allowPlainOverNetwork: v['allow-plain-over-network'],
        ...(v['wrap-long-lines'] ? { wrapLongLines: true } : {}),
        ...(secret !== undefined ? { secret } : {}),
        ...(v['factory-reset'] ? { factoryReset: { confirmed: true, keep } } : {}),
        ...(v.backup ? { backupFile: v.backup } : {}),
        ...(v['restore-node'] && v.backup ? { restore: { file: v.backup, paths: v['restore-node'] } } : {}),
        ...(activationCode !== undefined
          ? { activationCode, securityAction: v['security-action'] as SecurityAction }
          : {}),
        ...(v['register-first'] ? { order: 'register-first' as const } : {}),
        ...(registrationTimeoutMs !== undefined ? { registrationTimeoutMs } : {}),
        targetLabel: describeTarget(target),
        ...(v.handover
          ? { handover: { file: v.handover, includeSecret: v['handover-include-secret'] } }
          : {}),
      },
      { dryRun: v['dry-run'], onEvent },
    );
  },
  async show(result, { values: v, io }) {
    // Asked to hand the secret over in the handover file: it goes there only, never to stdout too
    // (a terminal's scrollback, a CI log or a pipe would keep it). The output says where it went.
    const secretToFile = Boolean(v['handover-include-secret'] && v.handover);
    const written = secretToFile && result.report?.clientSecret !== undefined;
    if (v.json) {
      // Built from the allow-list: the handover's secret and the window's `heldSecret` are never in it.
      const out = shown(result, provisionResultShape(secretToFile)) as Record<string, unknown>;
      if (written) out.secretWrittenTo = v.handover;
      await write(io.stdout, JSON.stringify(out, null, 2) + '\n');
    } else if (result.ok && !result.dryRun) {
      const r = result.report!;
      await write(
        io.stdout,
        safe`Provisioned ${r.productId} ${r.serialNumber}: identity ${r.identity}, fingerprint ${r.fingerprint}, valid until ${r.notAfter}.\n`,
      );
      if (result.newSecret && written) {
        await write(
          io.stdout,
          `\nThe device's new client secret is in the handover file ${v.handover} (and in the keychain); it is not shown here.\n`,
        );
      } else if (result.newSecret) {
        await write(
          io.stdout,
          `\nThe device's new client secret (shown this once; it is stored in the keychain):\n\n    ${result.newSecret}\n\nHand it to the device's owner. Without it, the device can only be factory reset.\n`,
        );
      }
    }
  },
});

/** The --keep items, spelled as the device spells them, or a usage error listing them. */
function keepItems(given: readonly string[] | undefined): (typeof FACTORY_RESET_KEEP)[number][] {
  return (given ?? []).map((k) => {
    const found = FACTORY_RESET_KEEP.find((x) => x.toLowerCase() === k.toLowerCase());
    if (!found)
      throw new CliError(
        'ERR_USAGE',
        `--keep takes one of: ${FACTORY_RESET_KEEP.map((x) => `${x} (${FACTORY_RESET_KEEP_MEANS[x]})`).join('; ')}; not ${JSON.stringify(k)}. Nothing keeps ${FACTORY_RESET_ALWAYS_ERASES}.`,
      );
    return found;
  });
}

/** --registration-timeout in milliseconds (undefined when not given), or a usage error. */
function registrationTimeout(given: string | undefined): number | undefined {
  if (given === undefined) return undefined;
  const n = Number(given);
  if (!Number.isInteger(n) || n < 10 || n > 3600)
    throw new CliError(
      'ERR_USAGE',
      `--registration-timeout is a whole number of seconds from 10 to 3600, not ${JSON.stringify(given)}.`,
    );
  return n * 1000;
}
