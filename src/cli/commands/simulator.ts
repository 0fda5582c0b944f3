import { isProvisionerError } from '../../core/errors.js';
import {
  type MemberFacts,
  type RoomOsSimulator,
  type SimulatorOptions,
  createSimulator,
} from '../../simulator/index.js';
import { checkOutputPath, outputError } from '../paths.js';
import { type Command, parse, stringOptions } from '../command.js';
import { CliError } from '../errors.js';
import { type CliIO, write } from '../io.js';
import { type CloudPlan, serveCloud } from './simulator-cloud.js';

const USAGE =
  'e2ee-prov simulator (--link PATH | --ssh PORT | --cloud [--port P] [--devices N] [--token-file F] [--provisioned]) [--state FILE] [--model NAME] [--software VERSION] [--login on|off] [--serial NUMBER] [--name SYSTEM-NAME] [--event-log FILE] [--reboot-delay MS] [--registered] [--used-for labels|purposes] [--webex-identity-label TEXT] [--chain-entries on|off] [--self-signed on|off] [--encryption on|off] [--populate any|registered] [--line-limit BYTES] [--overlong-line cut|drop] [--body-lines kept|joined] [--refusals worded|uniform] [--registration-delay MS] [--reject-code CODE]... [--org DOMAIN] [--baud RATE] [--command-latency MS] [--meeting ID [--session-type N] [--meeting-shape schema|seed] [--meeting-words identity|verified] [--participant webex|external|unverified:IDENTITY:NAME]...]';

/** What the command serves, parsed from its options. */
export interface SimulatorPlan {
  options: SimulatorOptions;
  link?: string;
  sshPort?: number;
  /** Participants who are in the simulated meeting from the start (with `--meeting`). */
  participants?: MemberFacts[];
  /** `--cloud`: devices behind the simulated Webex cloud's REST surface. */
  cloud?: CloudPlan;
}

/** Parses the command line into simulator options and the transport to serve. */
export function planFromArgs(args: string[]): SimulatorPlan {
  const { values } = parse(
    args,
    {
      ...stringOptions(
        'link',
        'ssh',
        'port',
        'devices',
        'token-file',
        'state',
        'model',
        'software',
        'login',
        'serial',
        'name',
        'event-log',
        'reboot-delay',
        'used-for',
        'webex-identity-label',
        'chain-entries',
        'self-signed',
        'encryption',
        'populate',
        'line-limit',
        'overlong-line',
        'body-lines',
        'refusals',
        'registration-delay',
        'org',
        'meeting',
        'session-type',
        'meeting-shape',
        'meeting-words',
        'baud',
        'command-latency',
      ),
      cloud: { type: 'boolean' },
      provisioned: { type: 'boolean' },
      registered: { type: 'boolean' },
      'reject-code': { type: 'string', multiple: true },
      participant: { type: 'string', multiple: true },
    },
    USAGE,
  );
  const served = [values.link !== undefined, values.ssh !== undefined, values.cloud === true];
  if (served.filter(Boolean).length !== 1) {
    throw new CliError('ERR_USAGE', `Give either --link PATH or --ssh PORT, or --cloud. Usage: ${USAGE}`);
  }
  const cloudOnly = [values.port, values.devices, values['token-file'], values.provisioned];
  if (values.cloud !== true && cloudOnly.some((v) => v !== undefined)) {
    throw new CliError(
      'ERR_USAGE',
      `--port, --devices, --token-file and --provisioned go with --cloud. Usage: ${USAGE}`,
    );
  }
  if (values.cloud === true && (values.serial !== undefined || values.state !== undefined)) {
    throw new CliError(
      'ERR_USAGE',
      `--cloud gives each device its own serial and no state file: leave out --serial and --state.`,
    );
  }
  const options: SimulatorOptions = {};
  if (values.state !== undefined) options.stateFile = values.state;
  if (values.model !== undefined) options.model = values.model;
  if (values.software !== undefined) options.software = values.software;
  if (values.serial !== undefined) options.serialNumber = values.serial;
  if (values.name !== undefined) options.systemName = values.name;
  if (values['event-log'] !== undefined) options.eventLog = values['event-log'];
  if (values.login !== undefined) {
    if (values.login !== 'on' && values.login !== 'off') {
      throw new CliError('ERR_USAGE', `--login takes on or off, not ${JSON.stringify(values.login)}.`);
    }
    options.loginRequired = values.login === 'on';
  }
  if (values['reboot-delay'] !== undefined) {
    const ms = Number(values['reboot-delay']);
    if (!Number.isInteger(ms) || ms < 0) {
      throw new CliError(
        'ERR_USAGE',
        `--reboot-delay takes milliseconds, not ${JSON.stringify(values['reboot-delay'])}.`,
      );
    }
    options.rebootDelayMs = ms;
  }
  const onOff = (name: string, v: string | undefined): boolean | undefined => {
    if (v === undefined) return undefined;
    if (v !== 'on' && v !== 'off')
      throw new CliError('ERR_USAGE', `--${name} takes on or off, not ${JSON.stringify(v)}.`);
    return v === 'on';
  };
  const count = (name: string, v: string | undefined, min: number): number | undefined => {
    if (v === undefined) return undefined;
    const n = Number(v);
    if (!Number.isInteger(n) || n < min) {
      throw new CliError(
        'ERR_USAGE',
        `--${name} takes a whole number (at least ${min}), not ${JSON.stringify(v)}.`,
      );
    }
    return n;
  };
  if (values.registered === true) options.registered = true;
  if (values['used-for'] !== undefined) {
    if (values['used-for'] !== 'labels' && values['used-for'] !== 'purposes') {
      throw new CliError(
        'ERR_USAGE',
        `--used-for takes labels or purposes, not ${JSON.stringify(values['used-for'])}.`,
      );
    }
    options.usedFor = values['used-for'];
  }
  if (values['webex-identity-label'] !== undefined)
    options.webexIdentityLabel = values['webex-identity-label'];
  const chain = onOff('chain-entries', values['chain-entries']);
  if (chain !== undefined) options.chainEntries = chain;
  const selfSigned = onOff('self-signed', values['self-signed']);
  if (selfSigned !== undefined) options.selfSignedCertificate = selfSigned;
  const encryption = onOff('encryption', values.encryption);
  if (encryption !== undefined) options.encryptionOptionKey = encryption;
  if (values.populate !== undefined) {
    if (values.populate !== 'any' && values.populate !== 'registered') {
      throw new CliError(
        'ERR_USAGE',
        `--populate takes any or registered, not ${JSON.stringify(values.populate)}.`,
      );
    }
    options.populateNeedsRegistration = values.populate === 'registered';
  }
  const lineLimit = count('line-limit', values['line-limit'], 1);
  if (lineLimit !== undefined) options.lineLimit = lineLimit;
  const oneOf = <T extends string>(
    name: string,
    v: string | undefined,
    allowed: readonly T[],
  ): T | undefined => {
    if (v === undefined) return undefined;
    if (!(allowed as readonly string[]).includes(v))
      throw new CliError('ERR_USAGE', `--${name} takes ${allowed.join(' or ')}, not ${JSON.stringify(v)}.`);
    return v as T;
  };
  const overlong = oneOf('overlong-line', values['overlong-line'], ['cut', 'drop'] as const);
  if (overlong !== undefined) options.overlongLine = overlong;
  const bodyLines = oneOf('body-lines', values['body-lines'], ['kept', 'joined'] as const);
  if (bodyLines !== undefined) options.bodyLineBreaks = bodyLines;
  const refusals = oneOf('refusals', values.refusals, ['worded', 'uniform'] as const);
  if (refusals !== undefined) options.refusals = refusals;
  const regDelay = count('registration-delay', values['registration-delay'], 0);
  if (regDelay !== undefined) options.registrationDelayMs = regDelay;
  if (values['reject-code'] !== undefined) options.rejectActivationCodes = [...values['reject-code']];
  if (values.org !== undefined) options.orgDomain = values.org;
  if (values.meeting !== undefined) {
    if (!/^[A-Za-z0-9._-]{1,64}$/.test(values.meeting))
      throw new CliError(
        'ERR_USAGE',
        '--meeting takes 1 to 64 letters, digits, dots, dashes or underscores.',
      );
    options.meeting = values.meeting;
  }
  if (
    values['session-type'] !== undefined ||
    values.participant !== undefined ||
    values['meeting-shape'] !== undefined ||
    values['meeting-words'] !== undefined
  ) {
    if (values.meeting === undefined)
      throw new CliError(
        'ERR_USAGE',
        `--session-type, --meeting-shape, --meeting-words and --participant go with --meeting. Usage: ${USAGE}`,
      );
  }
  const shape = values['meeting-shape'];
  if (shape !== undefined) {
    if (shape !== 'schema' && shape !== 'seed')
      throw new CliError('ERR_USAGE', `--meeting-shape takes schema or seed. Usage: ${USAGE}`);
    options.meetingShape = shape;
  }
  const words = values['meeting-words'];
  if (words !== undefined) {
    if (words !== 'identity' && words !== 'verified')
      throw new CliError('ERR_USAGE', `--meeting-words takes identity or verified. Usage: ${USAGE}`);
    options.meetingVerificationWords = words;
  }
  const sessionType = count('session-type', values['session-type'], 1);
  if (sessionType !== undefined) options.meetingSessionType = sessionType;
  const baud = count('baud', values.baud, 1);
  if (baud !== undefined) options.baudRate = baud;
  const latency = count('command-latency', values['command-latency'], 0);
  if (latency !== undefined) options.commandLatencyMs = latency;
  const plan: SimulatorPlan = { options };
  if (values.cloud === true) {
    const port = count('port', values.port, 0) ?? 0;
    if (port > 65535) throw new CliError('ERR_USAGE', `--port takes a TCP port, not ${port}.`);
    const devices = count('devices', values.devices, 1) ?? 1;
    if (devices > 200)
      throw new CliError('ERR_USAGE', `--devices takes at most 200 devices, not ${devices}.`);
    plan.cloud = { port, devices, provisioned: values.provisioned === true };
    if (values['token-file'] !== undefined) plan.cloud.tokenFile = values['token-file'];
  }
  if (values.participant !== undefined) plan.participants = values.participant.map(participant);
  if (values.link !== undefined) plan.link = values.link;
  if (values.ssh !== undefined) {
    const port = Number(values.ssh);
    if (!Number.isInteger(port) || port < 0 || port > 65535) {
      throw new CliError(
        'ERR_USAGE',
        `--ssh takes a TCP port (0 picks a free one), not ${JSON.stringify(values.ssh)}.`,
      );
    }
    plan.sshPort = port;
  }
  return plan;
}

/** `webex|external|unverified:IDENTITY:NAME` (the identity may be empty; the name may hold colons). */
function participant(text: string): MemberFacts {
  const m = /^(webex|external|unverified):([^:]*):(.+)$/.exec(text);
  if (!m)
    throw new CliError(
      'ERR_USAGE',
      `--participant takes webex|external|unverified:IDENTITY:NAME, not ${JSON.stringify(text)}.`,
    );
  return {
    verification: m[1] as MemberFacts['verification'],
    identity: m[2] ?? '',
    displayName: m[3] ?? '',
    certInfo: '',
  };
}

/**
 * Serves a simulated device until `stop` resolves, printing where to reach it. Returns when everything
 * it started (socat, the listening socket) is gone.
 */
export async function serveSimulator(plan: SimulatorPlan, io: CliIO, stop: Promise<unknown>): Promise<void> {
  if (plan.cloud) return serveCloud(plan.cloud, plan.options, io, stop);
  const state = plan.options.stateFile;
  if (state !== undefined) await checkOutputPath(state, 'simulator state');
  const sim: RoomOsSimulator = await createSimulator(plan.options).catch((e: unknown) => {
    if (isProvisionerError(e) || state === undefined) throw e;
    throw outputError(e, state, 'simulator state');
  });
  try {
    for (const p of plan.participants ?? []) sim.meeting?.join(p);
    const st = sim.state;
    const what = `${st.productId} (${st.software}), serial ${st.serialNumber}`;
    if (plan.link !== undefined) {
      const served = await sim.servePty(plan.link);
      await write(io.stdout, `${served.path}\n`);
      await write(
        io.stderr,
        `Simulated ${what}: serial console at ${served.path} (115200 8N1). Ctrl-C stops it.\n`,
      );
    } else {
      const served = await sim.serveSsh({ port: plan.sshPort ?? 0 });
      await write(io.stdout, `127.0.0.1:${served.port}\n`);
      await write(
        io.stderr,
        `Simulated ${what}: ssh -p ${served.port} admin@127.0.0.1 (host key ${served.hostKeyFingerprint}). Ctrl-C stops it.\n`,
      );
    }
    await stop;
  } finally {
    await sim.close();
  }
}

/** `e2ee-prov simulator`: a RoomOS device on a pseudo-terminal or on SSH, until SIGINT or SIGTERM. */
export const simulatorCommand: Command = {
  path: ['simulator'],
  summary:
    'Serve a simulated RoomOS device on a pseudo-terminal (--link) or SSH on 127.0.0.1 (--ssh), or simulated devices behind the Webex cloud REST API (--cloud).',
  usage: USAGE,
  async run(args: string[], io: CliIO): Promise<number> {
    const plan = planFromArgs(args);
    let onSignal: (() => void) | undefined;
    const stop = new Promise<void>((resolve) => {
      onSignal = resolve;
      process.once('SIGINT', resolve);
      process.once('SIGTERM', resolve);
    });
    try {
      await serveSimulator(plan, io, stop);
    } finally {
      if (onSignal) {
        process.off('SIGINT', onSignal);
        process.off('SIGTERM', onSignal);
      }
    }
    return 0;
  },
};
