import { deactivate as runDeactivate } from '../../main/workflows/deactivate.js';
import { type Command, parse, required } from '../command.js';
import { openDevice, openVault } from '../context.js';
import { type CliIO, write } from '../io.js';
import { HeldProgress } from '../progress.js';
import { failureLine, narrator } from '../narrate.js';
import { WORKFLOW_RESULT } from '../json-shapes.js';
import { jsonShown } from '../shown.js';

const USAGE =
  'e2ee-prov deactivate --target TARGET [--fingerprint HEX] [--delete] [--password-file PATH] [--json]';

/** Stops a device using its external identity (the active WebexIdentity certificate, or the one named). */
export const deactivateCommand: Command = {
  path: ['deactivate'],
  summary: 'Deactivate a device’s WebexIdentity certificate (and delete it with --delete).',
  usage: USAGE,
  async run(args: string[], io: CliIO): Promise<number> {
    const { values: v } = parse(
      args,
      {
        target: { type: 'string' },
        fingerprint: { type: 'string' },
        delete: { type: 'boolean', default: false },
        'password-file': { type: 'string' },
        json: { type: 'boolean', default: false },
      },
      USAGE,
    );
    const targetText = required(v.target, 'target', USAGE);
    // Progress is held unless a person watches, so that a failure's first stderr line is the error.
    const progress = new HeldProgress(io);
    try {
      const vault = await openVault(io);
      const { device } = await openDevice(
        targetText,
        { passwordFile: v['password-file'], verbose: !v.json, progress: (l) => progress.line(l) },
        io,
      );
      try {
        const result = await runDeactivate(
          { device, ...vault },
          { ...(v.fingerprint !== undefined ? { fingerprint: v.fingerprint } : {}), delete: v.delete },
          { onEvent: v.json ? undefined : narrator({ ...io, stderr: progress.writable() }) },
        );
        if (v.json) {
          await write(io.stdout, jsonShown(result, WORKFLOW_RESULT));
        } else if (result.ok) {
          const detail = result.steps.find((s) => s.id === 'precheck')?.detail ?? '';
          const fingerprint = /[0-9a-f]{40}/.exec(detail)?.[0] ?? 'the certificate';
          const deleted = v.delete && result.steps.find((s) => s.id === 'delete')?.status !== 'failed';
          await write(
            io.stdout,
            `Certificate ${fingerprint} is not used for WebexIdentity any more${deleted ? ', and is deleted from the device' : ''}.\n`,
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
