/**
 * The channel table: every channel the window may call, what it takes (its parser, which main runs on
 * every input) and what it returns. Each channel lists its keys once, as readers (validate.ts).
 */
import type { BlobInfo } from '../core/jwe/types.js';
import { ContractError } from './errors.js';
import {
  type ActivationCodeView,
  CLOUD_FIELD_LIMITS,
  type CloudAccount,
  type FleetChosenFile,
  type FleetDeviceRow,
  type FleetMeetingView,
  type FleetRunRequest,
  type FleetRunSummary,
  type OAuthSignInRequest,
  redirectPort,
  runDevices,
  tagList,
} from './fleet.js';
import { checkRendererTarget } from './target-policy.js';
import {
  FACTORY_RESET_KEEP_ITEMS,
  MEETING_MAX_OTHERS,
  MEETING_POLL_SECONDS,
  type AppInfo,
  type AppLanguage,
  type AppStatus,
  type CaptureRequest,
  type CaptureSummary,
  type ChosenFile,
  type FleetCaptureRequest,
  type ConsolePage,
  type CredentialsCheck,
  type DeviceSessionInfo,
  type FactoryResetKeepItem,
  type FileRole,
  type HandoverSaved,
  type InventoryView,
  type MeetingOtherDevice,
  type MeetingView,
  type PendingSecret,
  type PortInfo,
  type ProvisionRequest,
  type ProvisionSummary,
  type RevealedSecret,
  type RotateRequestInput,
  type RotateSummary,
  type SecretJudgement,
  type VerifyReport,
} from './types.js';
import {
  FIELD_LIMITS,
  type Reader,
  empty,
  fields,
  flag,
  object,
  oneOf,
  optionalFlag,
  optionalText,
  record,
  secretChoice,
  text,
} from './validate.js';

interface ChannelSpec<I, O> {
  parse(raw: unknown): I;
  /** Phantom: the result type, for inference only. */
  readonly result?: O;
}

function channel<I, O>(parse: (raw: unknown) => I): ChannelSpec<I, O> {
  return { parse };
}

const ENCS = ['A128GCM', 'A256GCM'] as const;

/** A device target the window may give (target-policy.ts). */
const target: Reader<string> = (o, key, c) => checkRendererTarget(text(FIELD_LIMITS.target)(o, key, c), c);

/** The SSH host key fingerprint the person was shown and accepted, or null. */
const sshFingerprint: Reader<string | null> = (o, key, c) => {
  const hostKey = optionalText(128)(o, key, c);
  if (hostKey !== null && !/^SHA256:[A-Za-z0-9+/]{43}$/.test(hostKey))
    throw new ContractError(`${c}: hostKey must be an SSH fingerprint (SHA256:…)`);
  return hostKey;
};

/** What a factory reset keeps: each Keep item at most once. */
const keepItems: Reader<FactoryResetKeepItem[]> = (o, key, c) => {
  const given = o[key];
  if (!Array.isArray(given) || given.length > FACTORY_RESET_KEEP_ITEMS.length)
    throw new ContractError(`${c}: factoryReset.keep must be a list of Keep items`);
  const keep: FactoryResetKeepItem[] = [];
  for (const k of given as unknown[]) {
    const item = FACTORY_RESET_KEEP_ITEMS.find((x) => x === k);
    if (!item || keep.includes(item))
      throw new ContractError(
        `${c}: factoryReset.keep takes ${FACTORY_RESET_KEEP_ITEMS.join(', ')}, once each`,
      );
    keep.push(item);
  }
  return keep;
};

/** The factory reset the person confirmed (for one serial number), or null. */
const factoryReset: Reader<ProvisionRequest['factoryReset']> = (o, key, c) => {
  if (o[key] === null) return null;
  const { keep, ...f } = record(
    o[key],
    c,
    {
      confirmed: flag,
      serial: text(FIELD_LIMITS.serial),
      keep: (x, k, ch) => (x[k] === undefined ? undefined : keepItems(x, k, ch)),
    },
    key,
  );
  return keep === undefined ? f : { ...f, keep };
};

/** The other devices a meeting check compares with. */
const otherDevices: Reader<MeetingOtherDevice[]> = (o, key, c) => {
  const given = o[key];
  if (!Array.isArray(given) || given.length > MEETING_MAX_OTHERS)
    throw new ContractError(`${c}: others must be a list of at most ${MEETING_MAX_OTHERS} devices`);
  return (given as unknown[]).map((x) =>
    record(x, c, { target, password: optionalText(FIELD_LIMITS.password) }, 'others[]'),
  );
};

/** How often a cloud device is read while watching: whole seconds within MEETING_POLL_SECONDS. */
const pollSeconds: Reader<number> = (o, key, c) => {
  const v = o[key];
  const { min, max } = MEETING_POLL_SECONDS;
  if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < min || v > max)
    throw new ContractError(`${c}: ${key} must be a whole number of seconds from ${min} to ${max}`);
  return v;
};

export const CHANNELS = {
  'app.info': channel<Record<string, never>, AppInfo>(empty('app.info')),
  'blob.inspect': channel<{ blob: string }, BlobInfo>(
    fields('blob.inspect', { blob: text(FIELD_LIMITS.blob) }),
  ),
  'ports.list': channel<Record<string, never>, PortInfo[]>(empty('ports.list')),
  'device.connect': channel<
    { target: string; password: string | null; hostKey?: string | null },
    DeviceSessionInfo
  >((raw) => {
    const { hostKey, ...given } = record(raw, 'device.connect', {
      hostKey: sshFingerprint,
      target,
      password: optionalText(FIELD_LIMITS.password),
    });
    return { ...given, ...(hostKey !== null ? { hostKey } : {}) };
  }),
  'device.identify': channel<Record<string, never>, DeviceSessionInfo>(empty('device.identify')),
  'device.disconnect': channel<Record<string, never>, null>(empty('device.disconnect')),
  'credentials.choose': channel<{ role: FileRole }, ChosenFile | null>(
    fields('credentials.choose', { role: oneOf(['certificate', 'key'] as const) }),
  ),
  'credentials.inspect': channel<{ passphrase: string | null }, CredentialsCheck>(
    fields('credentials.inspect', { passphrase: optionalText(FIELD_LIMITS.passphrase) }),
  ),
  'provision.run': channel<ProvisionRequest, ProvisionSummary>(
    fields('provision.run', {
      factoryReset,
      activationCode: optionalText(FIELD_LIMITS.activationCode),
      registerFirst: optionalFlag,
      wrapLongLines: optionalFlag,
      dryRun: flag,
      secret: secretChoice,
      enc: oneOf(ENCS),
      backup: flag,
      restoreName: flag,
      allowPlainOverNetwork: flag,
    }),
  ),
  'device.capture': channel<CaptureRequest, CaptureSummary>(
    fields('device.capture', { probeAddRefusals: optionalFlag }),
  ),
  'provision.stop': channel<Record<string, never>, { stopping: boolean }>(empty('provision.stop')),
  'provision.resume': channel<Record<string, never>, ProvisionSummary>(empty('provision.resume')),
  'secret.rotate': channel<RotateRequestInput, RotateSummary>(
    fields('secret.rotate', {
      newSecret: secretChoice,
      currentSecret: optionalText(FIELD_LIMITS.secret),
      enc: oneOf(ENCS),
    }),
  ),
  'secret.reveal': channel<{ source: RevealedSecret['source']; serial?: string }, RevealedSecret>((raw) => {
    const { serial, source } = record(raw, 'secret.reveal', {
      serial: optionalText(FIELD_LIMITS.serial),
      source: oneOf(['provision', 'rotate'] as const),
    });
    return { source, ...(serial !== null ? { serial } : {}) };
  }),
  'secret.pending': channel<Record<string, never>, PendingSecret[]>(empty('secret.pending')),
  'secret.acknowledge': channel<{ serial: string; lastGroup: string }, { acknowledged: true }>(
    fields('secret.acknowledge', { serial: text(FIELD_LIMITS.serial), lastGroup: text(FIELD_LIMITS.secret) }),
  ),
  'secret.judge': channel<{ value: string; route: 'plain' | 'blob' }, SecretJudgement>(
    fields('secret.judge', {
      value: text(FIELD_LIMITS.secret),
      route: oneOf(['plain', 'blob'] as const),
    }),
  ),
  'handover.save': channel<{ serial: string; withSecret: boolean }, HandoverSaved>(
    fields('handover.save', { serial: text(FIELD_LIMITS.serial), withSecret: flag }),
  ),
  'app.status': channel<Record<string, never>, AppStatus>(empty('app.status')),
  'app.language': channel<{ lang: AppLanguage }, null>(
    fields('app.language', { lang: oneOf(['en', 'ko'] as const) }),
  ),
  'inventory.export': channel<Record<string, never>, { name: string | null; rows: number }>(
    empty('inventory.export'),
  ),
  'secret.copy': channel<{ serial: string }, { clearAfterSeconds: number }>(
    fields('secret.copy', { serial: text(FIELD_LIMITS.serial) }),
  ),
  'inventory.list': channel<Record<string, never>, InventoryView>(empty('inventory.list')),
  'journal.verify': channel<Record<string, never>, VerifyReport>(empty('journal.verify')),
  'meeting.start': channel<
    { others: MeetingOtherDevice[]; serial: string | null; pollSeconds?: number | undefined },
    MeetingView
  >(
    fields('meeting.start', {
      others: otherDevices,
      // The serial number of the device the person chose (an inventory row); main refuses another.
      serial: optionalText(FIELD_LIMITS.serial),
      // How often a webex:SERIAL device among the others is read (absent: the default).
      pollSeconds: (o, k, c) => (o[k] === undefined ? undefined : pollSeconds(o, k, c)),
    }),
  ),
  'meeting.read': channel<Record<string, never>, MeetingView>(empty('meeting.read')),
  'meeting.stop': channel<Record<string, never>, MeetingView>(empty('meeting.stop')),
  'console.read': channel<{ after: number }, ConsolePage>(
    fields('console.read', {
      after: (o, key, c) => {
        const after = o[key];
        if (typeof after !== 'number' || !Number.isSafeInteger(after) || after < 0)
          throw new ContractError(`${c}: after must be a whole number, 0 or more`);
        return after;
      },
    }),
  ),
  'cloud.signIn': channel<{ token: string; apiBase: string | null }, CloudAccount>(
    fields('cloud.signIn', {
      // Sent once, kept in the keychain by main, never sent back.
      token: text(CLOUD_FIELD_LIMITS.token),
      apiBase: optionalText(CLOUD_FIELD_LIMITS.apiBase),
    }),
  ),
  'cloud.oauthSignIn': channel<OAuthSignInRequest, CloudAccount>(
    fields('cloud.oauthSignIn', {
      clientId: text(CLOUD_FIELD_LIMITS.clientId),
      // Sent once, kept in the keychain by main, never sent back.
      clientSecret: optionalText(CLOUD_FIELD_LIMITS.clientSecret),
      apiBase: optionalText(CLOUD_FIELD_LIMITS.apiBase),
      redirectPort,
    }),
  ),
  'cloud.oauthCancel': channel<Record<string, never>, { cancelled: boolean }>(empty('cloud.oauthCancel')),
  'cloud.signOut': channel<Record<string, never>, { signedOut: boolean }>(empty('cloud.signOut')),
  'cloud.whoami': channel<Record<string, never>, CloudAccount | null>(empty('cloud.whoami')),
  'cloud.activationCode': channel<{ workspaceId: string }, ActivationCodeView>((raw) => {
    const r = record(raw, 'cloud.activationCode', { workspaceId: text(CLOUD_FIELD_LIMITS.workspaceId) });
    if (r.workspaceId.trim() === '') throw new ContractError('cloud.activationCode: workspaceId is empty');
    return { workspaceId: r.workspaceId.trim() };
  }),
  'fleet.list': channel<{ tags: string[] }, FleetDeviceRow[]>(fields('fleet.list', { tags: tagList })),
  'fleet.choose': channel<{ serial: string; role: FileRole }, FleetChosenFile | null>(
    fields('fleet.choose', {
      serial: text(FIELD_LIMITS.serial),
      role: oneOf(['certificate', 'key'] as const),
    }),
  ),
  'fleet.run': channel<FleetRunRequest, FleetRunSummary>((raw) => {
    const workflow = oneOf(['renew', 'rotate'] as const)(object(raw, 'fleet.run'), 'workflow', 'fleet.run');
    return record(raw, 'fleet.run', {
      workflow: oneOf([workflow]),
      devices: runDevices(workflow),
    });
  }),
  // One listed, connected cloud device's meeting, read once through the cloud.
  'fleet.meeting': channel<{ serial: string }, FleetMeetingView>((raw) => {
    const r = record(raw, 'fleet.meeting', { serial: text(FIELD_LIMITS.serial) });
    if (r.serial.trim() === '') throw new ContractError('fleet.meeting: serial is empty');
    return { serial: r.serial.trim() };
  }),
  // One listed, connected cloud device's capture through the cloud, written where device.capture writes.
  'fleet.capture': channel<FleetCaptureRequest, CaptureSummary>((raw) => {
    const r = record(raw, 'fleet.capture', {
      serial: text(FIELD_LIMITS.serial),
      probeAddRefusals: optionalFlag,
    });
    if (r.serial.trim() === '') throw new ContractError('fleet.capture: serial is empty');
    return { ...r, serial: r.serial.trim() };
  }),
  // The same device's meeting watched: read again every pollSeconds, seen with meeting.read, ended by meeting.stop.
  'fleet.watchMeeting': channel<{ serial: string; pollSeconds: number }, MeetingView>((raw) => {
    const r = record(raw, 'fleet.watchMeeting', { serial: text(FIELD_LIMITS.serial), pollSeconds });
    if (r.serial.trim() === '') throw new ContractError('fleet.watchMeeting: serial is empty');
    return { serial: r.serial.trim(), pollSeconds: r.pollSeconds };
  }),
} as const;

export type Channel = keyof typeof CHANNELS;
export type ChannelInput<C extends Channel> = ReturnType<(typeof CHANNELS)[C]['parse']>;
export type ChannelOutput<C extends Channel> = Exclude<(typeof CHANNELS)[C]['result'], undefined>;

/** The handlers main registers: one per channel, typed by the contract. */
export type Handlers = { [C in Channel]: (input: ChannelInput<C>) => Promise<ChannelOutput<C>> };
