import { inspect } from '../../core/jwe/index.js';
import { optionsCommand } from '../command.js';
import { INPUT_LIMITS } from '../../main/input/bounded.js';
import { readStdin, write } from '../io.js';
import { BLOB_INFO } from '../json-shapes.js';
import { jsonShown } from '../shown.js';

const USAGE = 'e2ee-prov blob inspect   (the blob on stdin)';

/** Prints a blob's header facts as JSON; needs no secret. */
export const blobInspect = optionsCommand({
  path: ['blob', 'inspect'],
  summary: 'Print the header facts of a blob read on stdin, as JSON (no secret needed).',
  usage: USAGE,
  options: {},
  async run(_values, io) {
    const blob = (await readStdin(io, INPUT_LIMITS.blob, 'blob')).toString('utf8');
    await write(io.stdout, jsonShown(inspect(blob), BLOB_INFO));
    return 0;
  },
});
