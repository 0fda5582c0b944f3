import {
  ACTIONS,
  type Action,
  JweError,
  addPayload,
  fingerprintPayload,
  isAction,
  seal,
} from '../../core/jwe/index.js';
import { pemBlocks } from '../../core/pki/pem.js';
import { optionsCommand, required } from '../command.js';
import { CliError } from '../errors.js';
import { checkSecret, SecretError } from '../../core/secret/index.js';
import { INPUT_LIMITS } from '../../main/input/bounded.js';
import { readInput, readSecret, write } from '../io.js';
import { ENC_OPTION, parseEnc } from '../skeleton.js';

const USAGE =
  'e2ee-prov blob seal --action add|populate|activate|deactivate [--enc A128GCM|A256GCM] --secret-file PATH [--payload-file PATH] [--raw]';

/** Seals a payload into the blob the device takes; prints the blob and a newline. */
export const blobSeal = optionsCommand({
  path: ['blob', 'seal'],
  summary: 'Seal a payload (stdin or --payload-file) into a device blob under the current ClientSecret.',
  usage: USAGE,
  options: {
    action: { type: 'string' },
    ...ENC_OPTION,
    'secret-file': { type: 'string' },
    'payload-file': { type: 'string' },
    raw: { type: 'boolean', default: false },
  },
  async run(values, io) {
    const action = required(values.action, 'action', USAGE);
    if (!isAction(action))
      throw new CliError(
        'ERR_USAGE',
        `--action must be one of ${ACTIONS.join(', ')}, not ${JSON.stringify(action)}.`,
      );
    const enc = parseEnc(values.enc);
    const secretFile = required(values['secret-file'], 'secret-file', USAGE);
    if (secretFile === '-' && values['payload-file'] === undefined) {
      throw new CliError(
        'ERR_USAGE',
        'The secret and the payload cannot both come from standard input: give --payload-file.',
      );
    }
    const secret = await readSecret(secretFile, io, 'ClientSecret');
    const payload = await readInput(values['payload-file'] ?? '-', io, 'payload', INPUT_LIMITS.payload);
    const blob = await seal(action, preparePayload(action, payload, values.raw), secret, { enc });
    await write(io.stdout, blob + '\n');
    return 0;
  },
});

/**
 * A fingerprint is normalized (people paste it with colons or a trailing newline); a populate payload
 * loses one trailing line break like any secret read from a file, and must pass the secret policy that
 * `secret rotate` applies (UTF-8, no control character, short enough for the device); an add payload
 * must be a certificate and its key (`checkAddPayload`) unless `--raw` says to seal the bytes as they are.
 */
function preparePayload(action: Action, payload: Buffer, raw: boolean): Uint8Array | string {
  if (action === 'add' && !raw) checkAddPayload(payload);
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

/**
 * An add payload is the device certificate (PEM), any intermediates, then its private key (PEM), as the
 * device takes it: anything else (an empty file, random bytes, a key alone, a key that is not the
 * certificate's or not ECDSA P-256) is refused with ERR_JWE_ADD_PAYLOAD. It is sealed as given.
 */
function checkAddPayload(payload: Buffer): void {
  const advice =
    'An add payload is the device certificate (PEM), any intermediates, then its private key (PEM), as provision builds it; give --raw to seal the bytes as they are.';
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(payload);
  } catch {
    throw new JweError('ERR_JWE_ADD_PAYLOAD', `The payload is not PEM text. ${advice}`);
  }
  const blocks = pemBlocks(text);
  const certs = blocks.filter((b) => b.label === 'CERTIFICATE');
  const keys = blocks.filter((b) => /PRIVATE KEY$/.test(b.label));
  if (certs.length === 0 || keys.length !== 1) {
    throw new JweError(
      'ERR_JWE_ADD_PAYLOAD',
      `The payload holds ${certs.length} certificate(s) and ${keys.length} private key(s). ${advice}`,
      { certificates: certs.length, keys: keys.length },
    );
  }
  // The device's own refusals: an encrypted key, a key that is not ECDSA P-256 or not the certificate's.
  addPayload({
    certificate: certs[0]!.text,
    chain: certs.slice(1).map((c) => c.text),
    privateKey: keys[0]!.text,
  });
}
