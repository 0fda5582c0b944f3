import { inspect } from '../../core/jwe/index.js';
import { type Command, parse } from '../command.js';
import { INPUT_LIMITS } from '../../main/input/bounded.js';
import { type CliIO, readStdin, write } from '../io.js';
import { BLOB_INFO } from '../json-shapes.js';
import { jsonShown } from '../shown.js';

const USAGE = 'e2ee-prov blob inspect   (the blob on stdin)';

/** Prints a blob's header facts as JSON; needs no secret. */
export const blobInspect: Command = {
  path: ['blob', 'inspect'],
  summary: 'Print the header facts of a blob read on stdin, as JSON (no secret needed).',
  usage: USAGE,
  async run(args: string[], io: CliIO): Promise<number> {
    parse(args, {}, USAGE);
    const blob = (await readStdin(io, INPUT_LIMITS.blob, 'blob')).toString('utf8');
    await write(io.stdout, jsonShown(inspect(blob), BLOB_INFO));
    return 0;
  },
};
