/**
 * The shape every device command shares, written once: the device options (`--target`, `--password-file`,
 * `--json`; `--accept-new-host-key` is taken by `runCli` for every command marked `connects`), `--enc`,
 * and two builders. `deviceCommand` is a read-only look at a device: parse, connect, show, close.
 * `workflowCommand` runs a workflow: parse → inputs (read and checked before anything is touched) →
 * progress → vault → device → narrate → result → close, with progress held so that a failure's first
 * stderr line is the error.
 */
import { type Enc, isEnc } from '../core/jwe/index.js';
import type { Target } from '../main/device/index.js';
import type { WorkflowEvent, WorkflowResult } from '../main/workflows/engine.js';
import { type Command, JSON_OPTION, type Options, type Values, parse, required } from './command.js';
import { type AnyDevice, type Vault, openAnyDevice, openVault, withAnyDevice } from './context.js';
import { CliError } from './errors.js';
import type { CliIO } from './io.js';
import { failureLine, narrator } from './narrate.js';
import { HeldProgress } from './progress.js';

/** The options of every command that connects to one device. */
export const DEVICE_OPTIONS = {
  target: { type: 'string' },
  'password-file': { type: 'string' },
  ...JSON_OPTION,
} as const;

/** `--verbose`: narrate the connection on stderr (the read-only commands). */
export const VERBOSE_OPTION = { verbose: { type: 'boolean', default: false } } as const;

/** `--enc`: the content encryption of the blobs a command seals. */
export const ENC_OPTION = { enc: { type: 'string', default: 'A128GCM' } } as const;

/** A certificate and its key (`--cert`, `--key`, `--passphrase-file`), as `loadCredentials` reads them. */
export const KEY_OPTIONS = {
  cert: { type: 'string' },
  key: { type: 'string' },
  'passphrase-file': { type: 'string' },
} as const;

/** The certificate and key a workflow puts on a device (`loadCredentials`), and `--enc` for its blobs. */
export const CREDENTIAL_OPTIONS = { ...KEY_OPTIONS, ...ENC_OPTION } as const;

/** `--cert` is given and `--enc` is one of the two: usage errors in that order. */
export function checkCredentialOptions(v: { cert?: string; enc?: string }, usage: string): void {
  required(v.cert, 'cert', usage);
  parseEnc(v.enc);
}

/** The `--enc` value, or a usage error naming the two it takes. */
export function parseEnc(value: string | undefined): Enc {
  if (!isEnc(value))
    throw new CliError('ERR_USAGE', `--enc must be A128GCM or A256GCM, not ${JSON.stringify(value)}.`);
  return value;
}

type DeviceValues<O extends Options> = Values<typeof DEVICE_OPTIONS & O>;
/** The device options' values, which every command's values hold (TypeScript cannot see it through O). */
type Device = Values<typeof DEVICE_OPTIONS>;

interface CommandText {
  path: readonly string[];
  summary: string;
  usage: string;
}

/** A command's words and text, marked as one that connects to a device. */
function connecting(spec: CommandText): CommandText & { connects: true } {
  return { path: spec.path, summary: spec.summary, usage: spec.usage, connects: true };
}

/** The values of a device command's options, the device options' own, and the required --target. */
function parseDevice<O extends Options>(
  args: string[],
  spec: CommandText & { options: O },
): { v: DeviceValues<O>; d: Device; targetText: string } {
  const { values } = parse(args, { ...DEVICE_OPTIONS, ...spec.options }, spec.usage);
  const d = values as unknown as Device;
  return { v: values as DeviceValues<O>, d, targetText: required(d.target, 'target', spec.usage) };
}

/**
 * A command that connects to one device its own way: the device options are added to its own, `--target`
 * is required, and `run` gets the values and the target's text.
 */
export function connectingCommand<O extends Options>(
  spec: CommandText & {
    options: O;
    run(values: DeviceValues<O>, io: CliIO, targetText: string): Promise<number>;
  },
): Command {
  return {
    ...connecting(spec),
    run(args: string[], io: CliIO): Promise<number> {
      const { v, targetText } = parseDevice(args, spec);
      return spec.run(v, io, targetText);
    },
  };
}

/** A read-only look at one device: what it says is written to stdout; the exit status is 0. */
export interface DeviceCommandSpec<O extends Options> extends CommandText {
  /** The command's own options (the device options are added). */
  options: O;
  /** Whether the connection is narrated on stderr (default: not with --json). */
  verbose?: (values: DeviceValues<O>) => boolean;
  /** Usage checks and files checked before the device is connected. */
  before?: (values: DeviceValues<O>, io: CliIO) => void | Promise<void>;
  show(device: AnyDevice, values: DeviceValues<O>, io: CliIO, target: Target): Promise<void>;
}

export function deviceCommand<O extends Options>(spec: DeviceCommandSpec<O>): Command {
  return {
    ...connecting(spec),
    async run(args: string[], io: CliIO): Promise<number> {
      const { v, d, targetText } = parseDevice(args, spec);
      await spec.before?.(v, io);
      await withAnyDevice(
        targetText,
        { passwordFile: d['password-file'], verbose: spec.verbose ? spec.verbose(v) : !d.json },
        io,
        (device, target) => spec.show(device, v, io, target),
      );
      return 0;
    },
  };
}

/** What a workflow command's `run` is handed. */
export interface WorkflowContext<O extends Options, I, K extends boolean = true> {
  values: DeviceValues<O>;
  io: CliIO;
  /** At its console, or through the Webex cloud (`webex:`). */
  device: AnyDevice;
  target: Target;
  /** The keychain and the journal; none when the spec says `keychain: false`. */
  vault: K extends false ? null : Vault;
  /** What `inputs` read. */
  inputs: I;
  progress: HeldProgress;
  /** The narrator of the workflow's steps; none with --json (stdout is the JSON alone). */
  onEvent: ((e: WorkflowEvent) => void) | undefined;
}

/** A workflow's outcome as the skeleton reports it: a failed result is its error line, exit status 1. */
export type WorkflowOutcome = Pick<WorkflowResult, 'ok'> & Partial<Pick<WorkflowResult, 'error'>>;

export interface WorkflowCommandSpec<
  O extends Options,
  I,
  R extends WorkflowOutcome,
  K extends boolean,
> extends CommandText {
  options: O;
  /**
   * `false`: a step that needs no secret leaves the keychain closed (it opens what it needs, the journal
   * say, in `inputs`). Otherwise the vault (keychain and journal) is opened before the device.
   */
  keychain?: K;
  /** Usage checks on the options, before anything is read. */
  check?: (values: DeviceValues<O>) => void;
  /** Reads and checks the command's input files, before the keychain or the device is touched. */
  inputs?: (values: DeviceValues<O>, io: CliIO) => Promise<I>;
  /** Runs the workflow on the open device. */
  run(ctx: WorkflowContext<O, I, K>): Promise<R>;
  /** Writes the result (JSON or words) on stdout; progress lines may still be added. */
  show(result: R, ctx: WorkflowContext<O, I, K>): Promise<void>;
}

export function workflowCommand<O extends Options, I, R extends WorkflowOutcome, K extends boolean = true>(
  spec: WorkflowCommandSpec<O, I, R, K>,
): Command {
  return {
    ...connecting(spec),
    async run(args: string[], io: CliIO): Promise<number> {
      const { v, d, targetText } = parseDevice(args, spec);
      spec.check?.(v);
      // Progress is held unless a person watches, so that a failure's first stderr line is the error.
      const progress = new HeldProgress(io);
      try {
        const inputs = (spec.inputs ? await spec.inputs(v, io) : undefined) as I;
        const vault = (spec.keychain === false ? null : await openVault(io)) as WorkflowContext<
          O,
          I,
          K
        >['vault'];
        const { device, target } = await openAnyDevice(
          targetText,
          {
            passwordFile: d['password-file'],
            verbose: !d.json,
            progress: (l) => progress.line(l),
            ...(vault ? { secrets: vault.secrets } : {}),
          },
          io,
        );
        try {
          const ctx: WorkflowContext<O, I, K> = {
            values: v,
            io,
            device,
            target,
            vault,
            inputs,
            progress,
            onEvent: d.json ? undefined : narrator({ ...io, stderr: progress.writable() }),
          };
          const result = await spec.run(ctx);
          await spec.show(result, ctx);
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
}
