import { runDemo } from '../../main/demo/run.js';
import { type Command, parse } from '../command.js';
import { openVault } from '../context.js';
import type { CliIO } from '../io.js';
import { narrator } from '../narrate.js';

const USAGE = 'e2ee-prov demo [--keychain] [--model NAME]';

/** Provisions an in-process simulator with a certificate it makes itself, narrating every step. */
export const demoCommand: Command = {
  path: ['demo'],
  summary: 'Provision a built-in simulated device end to end, narrating every step (no hardware needed).',
  usage: USAGE,
  async run(args: string[], io: CliIO): Promise<number> {
    const { values } = parse(
      args,
      { keychain: { type: 'boolean', default: false }, model: { type: 'string' } },
      USAGE,
    );
    const secrets = values.keychain ? (await openVault(io)).secrets : undefined;
    const result = await runDemo({
      say: (text) => void io.stdout.write(text + '\n'),
      onEvent: narrator(io, 'stdout'),
      ...(secrets ? { secrets } : {}),
      ...(values.model ? { model: values.model } : {}),
    });
    if (!result.ok)
      io.stderr.write(
        `${result.errorCode ?? 'ERR_INTERNAL'} The demo provisioning failed; the steps above say where.\n`,
      );
    return result.ok ? 0 : 1;
  },
};
