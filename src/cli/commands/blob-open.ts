import { open } from '../../core/jwe/index.js';
import { optionsCommand, required } from '../command.js';
import { CliError } from '../errors.js';
import { INPUT_LIMITS } from '../../main/input/bounded.js';
import { readSecret, readStdin, write } from '../io.js';

const USAGE = 'e2ee-prov blob open --secret-file PATH   (the blob on stdin)';

/** Opens a blob read on stdin and writes the payload bytes exactly, adding nothing. */
export const blobOpen = optionsCommand({
  path: ['blob', 'open'],
  summary: 'Decrypt a blob read on stdin; write its payload bytes to stdout exactly.',
  usage: USAGE,
  options: { 'secret-file': { type: 'string' } },
  async run(values, io) {
    const secretFile = required(values['secret-file'], 'secret-file', USAGE);
    if (secretFile === '-')
      throw new CliError(
        'ERR_USAGE',
        'The blob comes on standard input, so the secret must come from a file.',
      );
    const secret = await readSecret(secretFile, io, 'ClientSecret');
    const blob = (await readStdin(io, INPUT_LIMITS.blob, 'blob')).toString('utf8').trim();
    const { payload } = await open(blob, secret);
    await write(io.stdout, payload);
    return 0;
  },
});
