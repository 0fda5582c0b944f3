import { parseArgs, type ParseArgsConfig } from 'node:util';
import type { CliIO } from './io.js';
import { CliError } from './errors.js';

/** One CLI command: `e2ee-prov <path...> [options]`. One file per command under src/cli/commands/. */
export interface Command {
  /** Words that name it, e.g. ['blob', 'seal']. */
  path: readonly string[];
  summary: string;
  usage: string;
  /** It connects to a device: `runCli` takes `--accept-new-host-key` for it (see `acceptOnlyWhenAsked`). */
  connects?: boolean;
  /** Returns the exit status. Throws ProvisionerError for expected failures. */
  run(args: string[], io: CliIO): Promise<number>;
}

export type Options = NonNullable<ParseArgsConfig['options']>;
/** The parsed values of `options`, as `parse` returns them. */
export type Values<O extends Options> = ReturnType<typeof parse<O>>['values'];

/** Strict option parsing: an unknown option or a missing value is a usage error naming the command's usage. */
export function parse<O extends Options>(
  args: string[],
  options: O,
  usageText: string,
  allowPositionals = false,
) {
  try {
    return parseArgs({ args, options, strict: true, allowPositionals });
  } catch (e) {
    throw new CliError('ERR_USAGE', `${(e as Error).message.replace(/\.$/, '')}. Usage: ${usageText}`);
  }
}

/** A required option's value, or a usage error. */
export function required<T>(value: T | undefined, name: string, usageText: string): T {
  if (value === undefined) throw new CliError('ERR_USAGE', `--${name} is required. Usage: ${usageText}`);
  return value;
}

/** Options that each take one string value (`--name VALUE`), by name. */
export function stringOptions<const N extends string>(...names: N[]): Record<N, { type: 'string' }> {
  return Object.fromEntries(names.map((name) => [name, { type: 'string' }])) as Record<N, { type: 'string' }>;
}

/** `--json`: the result as JSON on stdout. */
export const JSON_OPTION = { json: { type: 'boolean', default: false } } as const;

/**
 * A command that takes options (and positional arguments when it says so): `run` gets their values, parsed
 * strictly against its usage.
 */
export function optionsCommand<O extends Options>(spec: {
  path: readonly string[];
  summary: string;
  usage: string;
  options: O;
  /** It takes positional arguments, handed to `run`; otherwise one is a usage error. */
  positionals?: boolean;
  run(values: Values<O>, io: CliIO, positionals: string[]): Promise<number>;
}): Command {
  return {
    path: spec.path,
    summary: spec.summary,
    usage: spec.usage,
    run: (args, io) => {
      const { values, positionals } = parse(args, spec.options, spec.usage, spec.positionals);
      return spec.run(values, io, positionals);
    },
  };
}
