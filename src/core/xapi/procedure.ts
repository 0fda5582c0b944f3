/**
 * The minimal command list of each procedure: what its steps need of the device on a first run that goes
 * through, and nothing more. Transport-independent: each entry is a device call in the console's words
 * (verb, node path, the names of its parameters), with what it carries; the console's own lines (the
 * session set-up, the line-limit probe) are marked, so that a cloud figure counts the rest, one API call
 * each (`cloudCalls`: the Webex cloud's list, derived from the same steps). The workflow tests assert that a run sends exactly this list; the bench measures against it.
 */
import { type InternalErrorCode, ProvisionerError } from '../errors.js';

/** What a call carries on the line that costs more than its words: a blob (one key derivation on each side) or a long line. */
export type Carries =
  | 'populate-blob'
  | 'add-blob'
  | 'activate-blob'
  | 'deactivate-blob'
  /** The first ClientSecret, in clear (base64url). */
  | 'plain-secret'
  /** A harmless status query padded to the add blob's length (the console's line limit). */
  | 'line-probe';

export interface ProcedureCall {
  /** Verb and node path as the console takes them: `xStatus Webex Status`. */
  command: string;
  /** The names of the parameters given, in order (never values). */
  params: readonly string[];
  carries?: Carries;
  /** A console line with no cloud call: the set-up of a console session, or the line-limit probe. */
  console?: 'session' | 'line-probe';
  /**
   * What this call is through the Webex cloud when it is not one call of its own: `record`, read from the
   * device's record the lookup brought (no call); `joined`, read by the status call before it (one
   * `/xapi/status` takes several names).
   */
  cloud?: 'record' | 'joined';
  /** Why the procedure needs it. */
  why: string;
}

function call(
  command: string,
  why: string,
  extra: {
    params?: readonly string[];
    carries?: Carries;
    console?: ProcedureCall['console'];
    cloud?: ProcedureCall['cloud'];
  } = {},
): ProcedureCall {
  return { command, params: extra.params ?? [], why, ...extra };
}

/** A console session's set-up: echo off, JSON output, and the tagged query that confirms the grammar. */
const SESSION: readonly ProcedureCall[] = [
  call('echo off', 'the device stops echoing', { console: 'session' }),
  call('xpreferences outputmode json', 'answers in JSON', { console: 'session' }),
  call('xStatus SystemUnit ProductId', 'a tagged answer confirms the grammar', {
    console: 'session',
  }),
];

/** Who the device is: serial, product and software, its name, its Webex registration. */
const IDENTIFY: readonly ProcedureCall[] = [
  call('xStatus SystemUnit', 'the device identity: serial number, product, software'),
  call('xConfiguration SystemUnit Name', 'the device identity: its name', { cloud: 'record' }),
  call('xStatus Webex Status', 'the device identity: whether it is registered', { cloud: 'joined' }),
];

/** How every run begins: a new console session, and who the device is. */
const CONNECT: readonly ProcedureCall[] = [...SESSION, ...IDENTIFY];

const LINE_PROBE = call(
  'xStatus SystemUnit ProductId',
  'the console carries the add blob on one line (measured before any change)',
  { console: 'line-probe', carries: 'line-probe' },
);
const SHOW = call('xCommand Security Certificates Services Show', 'the certificates the device holds');
const SHOW_IDENTITY = call(
  'xCommand Security Certificates Services Show',
  'the certificates the device uses for WebexIdentity',
  { params: ['Filter'] },
);
const SECRET_PROBE = call(
  'xCommand Security ClientSecret Populate',
  'the keychain’s secret is the device’s (the secret populated under itself changes nothing)',
  { params: ['Secret'], carries: 'populate-blob' },
);
const ADD = call('xCommand Security Certificates Services Add', 'the certificate, chain and key', {
  params: ['IsEncrypted'],
  carries: 'add-blob',
});
const ACTIVATE = call(
  'xCommand Security Certificates Services Activate',
  'the certificate becomes the WebexIdentity',
  { params: ['Purpose', 'Fingerprint'], carries: 'activate-blob' },
);
const E2EE = call(
  'xStatus Conference EndToEndEncryption',
  'the external identity the device reports (once registered)',
);

/** The standard provisioning after its precheck: populate, add, find it, activate, verify. */
const PROVISION_CORE: readonly ProcedureCall[] = [
  call('xCommand Security ClientSecret Populate', 'the first client secret', {
    params: ['Secret'],
    carries: 'plain-secret',
  }),
  ADD,
  { ...SHOW, why: 'the certificate is listed after the add (its fingerprint as the device computed it)' },
  ACTIVATE,
  { ...SHOW_IDENTITY, why: 'verify: the device uses the certificate for WebexIdentity' },
  { ...E2EE, why: 'verify: the external identity the device reports (once registered)' },
];

const RESET: readonly ProcedureCall[] = [
  call('xCommand SystemUnit FactoryReset', 'the factory reset (the device restarts)', {
    params: ['Confirm', 'TrailingAction'],
  }),
  ...SESSION,
  ...IDENTIFY.map((c) => ({ ...c, why: `after the restart, ${c.why}: the same device answers` })),
];

const REGISTER = call('xCommand Webex Registration Start', 'registration to Webex', {
  params: ['ActivationCode', 'SecurityAction'],
});
const REGISTERED = call('xStatus Webex Status', 'the registration read back');

/** The procedures measured against their minimum. */
export const PROCEDURES = [
  'provision',
  'provision-reset',
  'provision-reset-register',
  'provision-register-first',
  'rotate',
  'renew',
  'deactivate',
] as const;
export type Procedure = (typeof PROCEDURES)[number];

/**
 * Each procedure's minimal command list, on a device the run finds as expected (a new device for a
 * provisioning, a provisioned one for the others), over a new console connection, the keychain holding
 * what it should. A run that resumes or settles an interrupted one reads more, on purpose.
 *
 * - `provision`: no reset, no registration (the certificate list read once before the add).
 * - `provision-reset`: factory reset first (nothing to list: the reset erases the certificates).
 * - `provision-reset-register`: reset, then registration last (the standard order).
 * - `provision-register-first`: registration before the secret (the register-first order).
 * - `rotate`: a secret rotation.
 * - `renew`: a new certificate replaces the active one (the old one deleted).
 * - `deactivate`: the active certificate deactivated and deleted.
 */
export const PROCEDURE_MINIMUM: Readonly<Record<Procedure, readonly ProcedureCall[]>> = {
  provision: [...CONNECT, SHOW, LINE_PROBE, ...PROVISION_CORE],
  'provision-reset': [...CONNECT, LINE_PROBE, ...RESET, ...PROVISION_CORE],
  'provision-reset-register': [
    ...CONNECT,
    LINE_PROBE,
    ...RESET,
    ...PROVISION_CORE,
    REGISTER,
    REGISTERED,
    { ...E2EE, why: 'verify as registered: the external identity is the certificate' },
  ],
  'provision-register-first': [...CONNECT, SHOW, LINE_PROBE, REGISTER, REGISTERED, ...PROVISION_CORE],
  rotate: [
    ...CONNECT,
    call('xCommand Security ClientSecret Populate', 'the new secret, sealed under the current one', {
      params: ['Secret'],
      carries: 'populate-blob',
    }),
  ],
  renew: [
    ...CONNECT,
    SECRET_PROBE,
    { ...SHOW_IDENTITY, why: 'the active identity (the old certificate)' },
    { ...SHOW, why: 'the old certificate’s name, and whether the new one is there already' },
    LINE_PROBE,
    ADD,
    { ...SHOW, why: 'the new certificate is listed after the add' },
    ACTIVATE,
    { ...E2EE, why: 'verify: the external identity the device reports (once registered)' },
    {
      ...SHOW_IDENTITY,
      why: 'verify (unregistered): the device uses the new certificate; the old one is not active',
    },
    call('xCommand Security Certificates Services Delete', 'the old certificate goes', {
      params: ['Fingerprint'],
    }),
  ],
  deactivate: [
    ...CONNECT,
    SECRET_PROBE,
    { ...SHOW, why: 'the certificates the device holds' },
    { ...SHOW_IDENTITY, why: 'the active identity' },
    call('xCommand Security Certificates Services Deactivate', 'the identity is no longer used', {
      params: ['Purpose', 'Fingerprint'],
      carries: 'deactivate-blob',
    }),
    { ...E2EE, why: 'verify: the device no longer reports it as its external identity' },
    { ...SHOW_IDENTITY, why: 'verify: the device no longer uses it for WebexIdentity' },
    call('xCommand Security Certificates Services Delete', 'the certificate goes', {
      params: ['Fingerprint'],
    }),
  ],
};

/** The calls of a procedure that a transport without a console makes (one API call each). */
export function deviceCalls(procedure: Procedure): ProcedureCall[] {
  return PROCEDURE_MINIMUM[procedure].filter((c) => c.console === undefined);
}

/** How many blobs a procedure's minimum sends: each is one key derivation by the tool and one by the device. */
export function blobCount(procedure: Procedure): number {
  return PROCEDURE_MINIMUM[procedure].filter((c) => c.carries?.endsWith('-blob')).length;
}

/** How many times a procedure's minimum restarts the device. */
export function restartCount(procedure: Procedure): number {
  return PROCEDURE_MINIMUM[procedure].filter((c) => c.command === 'xCommand SystemUnit FactoryReset').length;
}

/** A call in one line, as the docs list it: `xCommand Security Certificates Services Show Filter: …`. */
export function describeCall(c: ProcedureCall): string {
  return [c.command, ...c.params.map((p) => `${p}: …`)].join(' ');
}

// --- The Webex cloud ------------------------------------------------------------------------------------

/** One call of the Webex REST API: method, path below the API base, the command's dotted key for a command. */
export interface CloudCall {
  method: 'GET' | 'POST';
  /** `/devices`, `/xapi/status`, `/xapi/schema`, `/xapi/command/Security.Certificates.Services.Add`. */
  path: string;
  carries?: Carries;
  why: string;
}

/** The procedures a device reached through the Webex cloud runs (the others need its console). */
export const CLOUD_PROCEDURES = ['renew', 'rotate'] as const;
export type CloudProcedure = (typeof CLOUD_PROCEDURES)[number];

/**
 * A procedure's minimal call list through the Webex cloud, derived from its console minimum: the device
 * looked up first (`GET /devices?serial=…`: its id, whether it is online, and its name), then each device
 * call but the console's own as one API call (`xStatus` a `/xapi/status`, `xCommand` a `/xapi/command`),
 * the identity's name taken from the record and its registration read with the status before it, and
 * one `/xapi/schema` question before each command's first use (whether the device offers it there).
 */
export function cloudCalls(procedure: CloudProcedure): CloudCall[] {
  const out: CloudCall[] = [
    {
      method: 'GET',
      path: '/devices',
      why: 'the device by its serial number: its id, that it is online, its name',
    },
  ];
  const asked = new Set<string>();
  for (const c of deviceCalls(procedure)) {
    if (c.cloud !== undefined) continue;
    const [verb, ...words] = c.command.split(' ');
    if (verb === 'xStatus') {
      out.push({ method: 'GET', path: '/xapi/status', why: c.why });
      continue;
    }
    if (verb !== 'xCommand')
      throw new ProvisionerError<InternalErrorCode>(
        'ERR_INTERNAL',
        `The ${procedure} minimum holds ${c.command}, which has no Webex cloud call.`,
        { procedure, command: c.command },
      );
    const key = words.join('.');
    if (!asked.has(key)) {
      asked.add(key);
      out.push({ method: 'GET', path: '/xapi/schema', why: `the device offers ${key} through the cloud` });
    }
    out.push({
      method: 'POST',
      path: `/xapi/command/${key}`,
      why: c.why,
      ...(c.carries !== undefined ? { carries: c.carries } : {}),
    });
  }
  return out;
}
