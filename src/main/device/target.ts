import { DeviceError, findConsoleUnsafe } from '../../core/xapi/index.js';
import { DEFAULT_SERIAL, type SerialSettings } from './serial.js';
import type { SimulatorSettings } from '../../core/simulator-options.js';

/** Options of an in-process simulator, from `sim:?state=FILE&model=…&software=…` (the simulator's one options type). */
export type SimTargetOptions = SimulatorSettings;

/** Where a device console is. */
export type Target =
  | { kind: 'serial'; path: string; serial: SerialSettings; text: string }
  | { kind: 'ssh'; host: string; port: number; username: string; text: string }
  | { kind: 'sim'; options: SimTargetOptions; text: string }
  /** A device registered to Webex, reached through the cloud's REST API: its serial number or device id. */
  | { kind: 'webex'; ref: string; text: string };

export const TARGET_FORMS =
  'serial:/dev/ttyUSB0[?baud=N], ssh://user@host[:port], sim:, or webex:SERIAL (or webex:DEVICE_ID)';

/** A serial number or a Webex device id (base64url, as the API writes ids). */
const WEBEX_REF = /^[A-Za-z0-9_=-]{1,512}$/;

function bad(text: string, why: string): DeviceError {
  return new DeviceError(
    'ERR_DEVICE_TARGET',
    `${JSON.stringify(text)} is not a device target: ${why}. Use ${TARGET_FORMS}.`,
    { target: text },
  );
}

function splitQuery(rest: string): { head: string; query: URLSearchParams } {
  const i = rest.indexOf('?');
  return i < 0
    ? { head: rest, query: new URLSearchParams() }
    : { head: rest.slice(0, i), query: new URLSearchParams(rest.slice(i + 1)) };
}

function onOff(text: string, name: string, v: string): boolean {
  if (/^(on|true|yes|1)$/i.test(v)) return true;
  if (/^(off|false|no|0)$/i.test(v)) return false;
  throw bad(text, `${name} must be on or off`);
}

/**
 * Reads a target: `serial:/dev/ttyUSB0[?baud=N&flow=none|rtscts|xonxoff]`, `serial:COM3`,
 * `ssh://user@host[:port]` (user `admin` when left out; never a password), `webex:SERIAL` or
 * `webex:DEVICE_ID` (through the Webex cloud; `main/open.ts` opens it), `sim:[?state=FILE&model=…&software=…&serial=…&name=…&login=on|off&registered=on|off&usedfor=labels|purposes&label=…&chain=on|off&selfsigned=on|off&encryption=on|off&populate=any|registered&linelimit=N&overlong=cut|drop&bodylines=kept|joined&refusals=worded|uniform&regdelay=MS&org=DOMAIN&meeting=ID&sessiontype=N&meetingshape=schema|seed&meetingwords=identity|verified]`.
 */
export function parseTarget(text: string): Target {
  const t = text.trim();
  if (/^serial:/i.test(t)) {
    const { head, query } = splitQuery(t.slice('serial:'.length));
    const path = head.replace(/^\/\/(?=\/)/, '');
    if (!path) throw bad(text, 'the serial port path is missing');
    const serial: SerialSettings = { ...DEFAULT_SERIAL };
    for (const [k, v] of query) {
      if (k === 'baud') {
        const n = Number(v);
        if (!Number.isInteger(n) || n < 300 || n > 4_000_000)
          throw bad(text, `baud must be a whole number of bits per second, not ${JSON.stringify(v)}`);
        serial.baudRate = n;
      } else if (k === 'flow') {
        if (v === 'none') Object.assign(serial, { rtscts: false, xonxoff: false });
        else if (v === 'rtscts') Object.assign(serial, { rtscts: true, xonxoff: false });
        else if (v === 'xonxoff') Object.assign(serial, { rtscts: false, xonxoff: true });
        else throw bad(text, 'flow must be none, rtscts or xonxoff');
      } else throw bad(text, `unknown serial option ${JSON.stringify(k)} (baud, flow)`);
    }
    return { kind: 'serial', path, serial, text: t };
  }
  if (/^ssh:/i.test(t)) {
    let url: URL;
    try {
      url = new URL(t);
    } catch {
      throw bad(text, 'it is not a valid ssh:// address');
    }
    if (url.password)
      throw bad(text, 'a password never goes in the target (use --password-file or the prompt)');
    if (!url.hostname) throw bad(text, 'the host is missing');
    if ((url.pathname && url.pathname !== '/') || url.search)
      throw bad(text, 'an ssh target has no path or options');
    const port = url.port ? Number(url.port) : 22;
    let username = 'admin';
    try {
      if (url.username) username = decodeURIComponent(url.username);
    } catch {
      throw bad(text, 'the user name is not valid percent-encoding');
    }
    // The user name is sent at a login prompt on some consoles: a control character would end the line.
    if (findConsoleUnsafe(username)) throw bad(text, 'the user name holds a control character');
    return {
      kind: 'ssh',
      host: url.hostname.replace(/^\[(.*)\]$/, '$1'),
      port,
      username,
      text: t,
    };
  }
  if (/^sim:/i.test(t)) {
    const { head, query } = splitQuery(t.slice('sim:'.length));
    if (head && head !== '//') throw bad(text, 'sim: takes options only after "?"');
    const options: SimTargetOptions = {};
    for (const [k, v] of query) {
      if (k === 'state') options.stateFile = v;
      else if (k === 'model') options.model = v;
      else if (k === 'software') options.software = v;
      else if (k === 'serial') options.serialNumber = v;
      else if (k === 'name') options.systemName = v;
      else if (k === 'login') options.loginRequired = onOff(text, 'login', v);
      else if (k === 'registered') options.registered = onOff(text, 'registered', v);
      else if (k === 'usedfor') {
        if (v !== 'labels' && v !== 'purposes') throw bad(text, 'usedfor must be labels or purposes');
        options.usedFor = v;
      } else if (k === 'label') options.webexIdentityLabel = v;
      else if (k === 'chain') options.chainEntries = onOff(text, 'chain', v);
      else if (k === 'selfsigned') options.selfSignedCertificate = onOff(text, 'selfsigned', v);
      else if (k === 'encryption') options.encryptionOptionKey = onOff(text, 'encryption', v);
      else if (k === 'populate') {
        if (v !== 'any' && v !== 'registered') throw bad(text, 'populate must be any or registered');
        options.populateNeedsRegistration = v === 'registered';
      } else if (k === 'overlong' || k === 'bodylines' || k === 'refusals') {
        const allowed = {
          overlong: ['cut', 'drop'],
          bodylines: ['kept', 'joined'],
          refusals: ['worded', 'uniform'],
        }[k];
        if (!allowed.includes(v)) throw bad(text, `${k} must be ${allowed.join(' or ')}`);
        if (k === 'overlong') options.overlongLine = v as 'cut' | 'drop';
        else if (k === 'bodylines') options.bodyLineBreaks = v as 'kept' | 'joined';
        else options.refusals = v as 'worded' | 'uniform';
      } else if (k === 'linelimit' || k === 'regdelay') {
        const n = Number(v);
        if (!Number.isInteger(n) || n < (k === 'linelimit' ? 1 : 0))
          throw bad(text, `${k} must be a whole number, not ${JSON.stringify(v)}`);
        if (k === 'linelimit') options.lineLimit = n;
        else options.registrationDelayMs = n;
      } else if (k === 'org') options.orgDomain = v;
      else if (k === 'meeting') {
        if (!/^[A-Za-z0-9._-]{1,64}$/.test(v))
          throw bad(text, 'meeting must be 1 to 64 letters, digits, dots, dashes or underscores');
        options.meeting = v;
      } else if (k === 'sessiontype') {
        if (!/^\d{1,6}$/.test(v))
          throw bad(text, `sessiontype must be a session type ID, not ${JSON.stringify(v)}`);
        options.meetingSessionType = Number(v);
      } else if (k === 'meetingshape') {
        if (v !== 'schema' && v !== 'seed')
          throw bad(text, `meetingshape must be schema or seed, not ${JSON.stringify(v)}`);
        options.meetingShape = v;
      } else if (k === 'meetingwords') {
        if (v !== 'identity' && v !== 'verified')
          throw bad(text, `meetingwords must be identity or verified, not ${JSON.stringify(v)}`);
        options.meetingVerificationWords = v;
      } else
        throw bad(
          text,
          `unknown simulator option ${JSON.stringify(k)} (state, model, software, serial, name, login, registered, usedfor, label, chain, selfsigned, encryption, populate, linelimit, overlong, bodylines, refusals, regdelay, org, meeting, sessiontype, meetingshape, meetingwords)`,
        );
    }
    return { kind: 'sim', options, text: t };
  }
  if (/^webex:/i.test(t)) {
    const ref = t.slice('webex:'.length);
    if (!ref) throw bad(text, 'the serial number or device id is missing (webex:FOC2214N0AB)');
    if (!WEBEX_REF.test(ref))
      throw bad(text, 'a serial number or device id is letters, digits, "-", "_" and "="');
    return { kind: 'webex', ref, text: t };
  }
  throw bad(text, 'it names no known kind of connection');
}

/** The target as text, for messages and the journal (never a secret: targets hold none). */
export function describeTarget(target: Target): string {
  switch (target.kind) {
    case 'serial':
      return target.serial.baudRate === 115200
        ? `serial:${target.path}`
        : `serial:${target.path}?baud=${target.serial.baudRate}`;
    case 'ssh':
      return `ssh://${target.username}@${target.host.includes(':') ? `[${target.host}]` : target.host}${target.port === 22 ? '' : `:${target.port}`}`;
    case 'sim':
      return target.text;
    case 'webex':
      return `webex:${target.ref}`;
  }
}
