import {
  ACTIONS,
  ENCS,
  type Action,
  type Enc,
  fingerprintPayload,
  isAction,
  isEnc,
  seal,
} from '../../core/jwe/index.js';
import { type Command, parse, required } from '../command.js';
import { CliError } from '../errors.js';
import { checkSecret, SecretError } from '../../core/secret/index.js';
import { INPUT_LIMITS } from '../../main/input/bounded.js';
import { type CliIO, readInput, readSecret, write } from '../io.js';

const USAGE =
  'e2ee-prov blob seal --action add|populate|activate|deactivate [--enc A128GCM|A256GCM] --secret-file PATH [--payload-file PATH]';

/** Seals a payload into the blob the device takes; prints the blob and a newline. */
export const blobSeal: Command = {
  path: ['blob', 'seal'],
  summary: 'Seal a payload (stdin or --payload-file) into a device blob under the current ClientSecret.',
  usage: USAGE,
  async run(args: string[], io: CliIO): Promise<number> {
    const { values } = parse(
      args,
      {
        action: { type: 'string' },
        enc: { type: 'string', default: 'A128GCM' },
        'secret-file': { type: 'string' },
        'payload-file': { type: 'string' },
      },
      USAGE,
    );
    const action = required(values.action, 'action', USAGE);
    if (!isAction(action))
      throw new CliError(
        'ERR_USAGE',
        `--action must be one of ${ACTIONS.join(', ')}, not ${JSON.stringify(action)}.`,
      );
    if (!isEnc(values.enc))
      throw new CliError(
        'ERR_USAGE',
        `--enc must be one of ${ENCS.join(', ')}, not ${JSON.stringify(values.enc)}.`,
      );
    const secretFile = required(values['secret-file'], 'secret-file', USAGE);
    if (secretFile === '-' && values['payload-file'] === undefined) {
      throw new CliError(
        'ERR_USAGE',
        'The secret and the payload cannot both come from standard input: give --payload-file.',
      );
    }
    const secret = await readSecret(secretFile, io, 'ClientSecret');
    const payload = await readInput(values['payload-file'] ?? '-', io, 'payload', INPUT_LIMITS.payload);
    const blob = await seal(action as Action, preparePayload(action as Action, payload), secret, {
      enc: values.enc as Enc,
    });
    await write(io.stdout, blob + '\n');
    return 0;
  },
};

/**
 * A fingerprint is normalized (people paste it with colons or a trailing newline); a populate payload
 * loses one trailing line break like any secret read from a file, and must pass the secret policy that
 * `secret rotate` applies (UTF-8, no control character, short enough for the device); an add payload
 * is taken as is.
 */
function preparePayload(action: Action, payload: Buffer): Uint8Array | string {
  if (action === 'activate' || action === 'deactivate') return fingerprintPayload(payload.toString('utf8'));
  if (action === 'populate') {
    // The new secret: the same policy as `secret rotate` (src/core/secret), not whatever bytes came.
    let text: string;
    try {
      text = new TextDecoder('utf-8', { fatal: true }).decode(payload);
    } catch {
      throw new SecretError(
        'ERR_SECRET_NOT_UTF8',
        'The new secret (the populate payload) is not UTF-8 text; the device hashes the bytes a person types.',
      );
    }
    const secret = text.replace(/\r?\n$/, '');
    checkSecret(secret, 'blob');
    return secret;
  }
  return payload;
}
