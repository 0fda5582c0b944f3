import { safe } from '../../core/inert.js';
import { isEnc } from '../../core/jwe/index.js';
import { checkCredentials } from '../../core/pki/index.js';
import { renew as runRenew } from '../../main/workflows/renew.js';
import { type Command, parse, required } from '../command.js';
import { openDevice, openVault } from '../context.js';
import { loadCredentials } from '../credentials.js';
import { CliError } from '../errors.js';
import { type CliIO, promptLine, write } from '../io.js';
import { HeldProgress } from '../progress.js';
import { failureLine, narrator } from '../narrate.js';
import { WORKFLOW_RESULT } from '../json-shapes.js';
import { jsonShown } from '../shown.js';

const USAGE =
  'e2ee-prov renew --target TARGET --cert PATH [--key PATH] [--passphrase-file PATH] [--enc A128GCM|A256GCM] [--keep-old] [--wrap-long-lines] [--allow-new-name] [--password-file PATH] [--dry-run] [--json]';

/** Replaces a device's identity certificate; the old one stays active until the new one is verified. */
export const renewCommand: Command = {
  path: ['renew'],
  summary:
    'Renew a device’s identity certificate: add and activate the new one, verify, then remove the old one.',
  usage: USAGE,
  async run(args: string[], io: CliIO): Promise<number> {
    const { values: v } = parse(
      args,
      {
        target: { type: 'string' },
        cert: { type: 'string' },
        key: { type: 'string' },
        'passphrase-file': { type: 'string' },
        enc: { type: 'string', default: 'A128GCM' },
        'keep-old': { type: 'boolean', default: false },
        'wrap-long-lines': { type: 'boolean', default: false },
        'allow-new-name': { type: 'boolean', default: false },
        'password-file': { type: 'string' },
        'dry-run': { type: 'boolean', default: false },
        json: { type: 'boolean', default: false },
      },
      USAGE,
    );
    const targetText = required(v.target, 'target', USAGE);
    const certPath = required(v.cert, 'cert', USAGE);
    if (!isEnc(v.enc))
      throw new CliError('ERR_USAGE', `--enc must be A128GCM or A256GCM, not ${JSON.stringify(v.enc)}.`);
    // Progress is held unless a person watches, so that a failure's first stderr line is the error.
    const progress = new HeldProgress(io);
    try {
      const credentials = await loadCredentials(io, certPath, v.key, v['passphrase-file']);
      const report = checkCredentials(credentials).report;
      const vault = await openVault(io);
      const { device } = await openDevice(
        targetText,
        { passwordFile: v['password-file'], verbose: !v.json, progress: (l) => progress.line(l) },
        io,
      );
      try {
        const result = await runRenew(
          { device, ...vault },
          {
            credentials,
            enc: v.enc,
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
          {
            dryRun: v['dry-run'],
            onEvent: v.json ? undefined : narrator({ ...io, stderr: progress.writable() }),
          },
        );
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
        if (result.ok) await progress.done();
        else await progress.failedWith(failureLine(result));
        return result.ok ? 0 : 1;
      } finally {
        await device.close();
      }
    } catch (e) {
      await progress.failed(e);
      throw e;
    }
  },
};
