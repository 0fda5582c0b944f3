import { safe } from '../../core/inert.js';
import { checkCredentials } from '../../core/pki/index.js';
import { renew as runRenew } from '../../main/workflows/renew.js';
import type { Command } from '../command.js';
import { promptLine, write } from '../io.js';
import { WORKFLOW_RESULT } from '../json-shapes.js';
import { jsonShown } from '../shown.js';
import { loadCredentials } from '../credentials.js';
import { CREDENTIAL_OPTIONS, checkCredentialOptions, parseEnc, workflowCommand } from '../skeleton.js';

const USAGE =
  'e2ee-prov renew --target TARGET --cert PATH [--key PATH] [--passphrase-file PATH] [--enc A128GCM|A256GCM] [--keep-old] [--wrap-long-lines] [--allow-new-name] [--password-file PATH] [--dry-run] [--json]';

/** Replaces a device's identity certificate; the old one stays active until the new one is verified. */
export const renewCommand: Command = workflowCommand({
  path: ['renew'],
  summary:
    'Renew a device’s identity certificate: add and activate the new one, verify, then remove the old one.',
  usage: USAGE,
  options: {
    ...CREDENTIAL_OPTIONS,
    'keep-old': { type: 'boolean', default: false },
    'wrap-long-lines': { type: 'boolean', default: false },
    'allow-new-name': { type: 'boolean', default: false },
    'dry-run': { type: 'boolean', default: false },
  },
  check(v) {
    checkCredentialOptions(v, USAGE);
  },
  async inputs(v, io) {
    const credentials = await loadCredentials(io, v, USAGE);
    return { credentials, report: checkCredentials(credentials).report };
  },
  run: ({ values: v, io, device, vault, inputs: { credentials }, onEvent }) =>
    runRenew(
      { device, ...vault },
      {
        credentials,
        enc: parseEnc(v.enc),
        keepOld: v['keep-old'],
        wrapLongLines: v['wrap-long-lines'],
        allowNewName: v['allow-new-name'],
        // A person at a terminal is asked; otherwise --allow-new-name decides.
        ...(io.stdin.isTTY && !v.json
          ? {
              confirmNewName: async (names: { old: string; new: string }) =>
                /^y(es)?$/i.test(
                  (
                    await promptLine(
                      io,
                      safe`The device's identity is ${names.old}; the new certificate is for ${names.new}. Give the device the new name? [y/N] `,
                    )
                  ).trim(),
                ),
            }
          : {}),
      },
      { dryRun: v['dry-run'], onEvent },
    ),
  async show(result, { values: v, io, inputs: { report } }) {
    const certificate = {
      identity: report.subject.cn ?? '',
      fingerprint: report.fingerprints.sha1,
      notAfter: report.notAfter,
    };
    if (v.json) {
      await write(
        io.stdout,
        jsonShown(
          { ...result, certificate },
          {
            ...WORKFLOW_RESULT,
            certificate: { identity: true, fingerprint: true, notAfter: true },
          },
        ),
      );
    } else if (result.ok && !result.dryRun) {
      const replaced = /^replacing /.test(result.steps.find((s) => s.id === 'precheck')?.detail ?? '');
      const removed = result.steps.find((s) => s.id === 'delete-old')?.status === 'done';
      const old = removed
        ? ' The old certificate was deleted.'
        : replaced && v['keep-old']
          ? ' The old certificate is kept, deactivated.'
          : '';
      await write(
        io.stdout,
        safe`Renewed: the device's identity is ${certificate.identity}, fingerprint ${certificate.fingerprint}, valid until ${certificate.notAfter}.${old}\n`,
      );
    }
  },
});
