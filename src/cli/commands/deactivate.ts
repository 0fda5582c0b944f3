import { deactivate as runDeactivate } from '../../main/workflows/deactivate.js';
import { type Command } from '../command.js';
import { write } from '../io.js';
import { WORKFLOW_RESULT } from '../json-shapes.js';
import { jsonShown } from '../shown.js';
import { workflowCommand } from '../skeleton.js';

const USAGE =
  'e2ee-prov deactivate --target TARGET [--fingerprint HEX] [--delete] [--password-file PATH] [--json]';

/** Stops a device using its external identity (the active WebexIdentity certificate, or the one named). */
export const deactivateCommand: Command = workflowCommand({
  path: ['deactivate'],
  summary: 'Deactivate a device’s WebexIdentity certificate (and delete it with --delete).',
  usage: USAGE,
  options: {
    fingerprint: { type: 'string' },
    delete: { type: 'boolean', default: false },
  },
  run: ({ values: v, device, vault, onEvent }) =>
    runDeactivate(
      { device, ...vault },
      { ...(v.fingerprint !== undefined ? { fingerprint: v.fingerprint } : {}), delete: v.delete },
      { onEvent },
    ),
  async show(result, { values: v, io }) {
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
  },
});
