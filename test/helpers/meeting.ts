/**
 * Simulated devices in a simulated meeting, each with an externally issued identity (as after
 * provisioning), at their consoles or through the simulated Webex cloud.
 */
import { seal } from '../../src/core/jwe/index.js';
import { connect } from '../../src/main/device/index.js';
import {
  type MemberFacts,
  type RoomOsSimulator,
  type SimulatorOptions,
  certInfoBlob,
  createSimulator,
} from '../../src/simulator/index.js';
import {
  type CloudDeviceOptions,
  type CloudSimulator,
  type CloudVariants,
  createCloudSimulator,
} from '../../src/simulator/cloud/index.js';
import type { WatchTimer } from '../../src/main/workflows/meeting.js';
import { type DeviceCert, makeDeviceCert } from '../main/device/fixtures.js';

const SECRET = 'meeting test secret';

/**
 * A Webex-verified board in a meeting, with a certificate `CN=board.example.com` issued by
 * `CN=Webex Identity CA` (valid 2026-11-01 to 2026-11-15) whose SHA-256 is `sha256Byte` repeated.
 */
export function webexBoard(sha256Byte: string) {
  return {
    displayName: 'Webex Board',
    identity: 'board.example.com',
    verification: 'webex' as const,
    certInfo: certInfoBlob({
      subject: 'CN=board.example.com',
      issuer: 'CN=Webex Identity CA',
      notBefore: new Date('2026-11-01T00:00:00Z'),
      notAfter: new Date('2026-11-15T00:00:00Z'),
      sha256: sha256Byte.repeat(32),
    }),
  };
}

/** A participant without a certificate (`certInfo` empty), as it joins a simulated meeting. */
export function uncertified(
  displayName: string,
  identity: string,
  verification: MemberFacts['verification'],
): MemberFacts {
  return { displayName, identity, verification, certInfo: '' };
}

/** Gives the simulated device an active WebexIdentity certificate for `cn`, through its console. */
export async function giveIdentity(sim: RoomOsSimulator, cn: string): Promise<DeviceCert> {
  const cert = makeDeviceCert(cn);
  const dev = await connect('sim:', { simulator: sim, timeoutMs: 8000 });
  try {
    await dev.populateSecretPlain(SECRET);
    await dev.addCertificate(await seal('add', cert.cert + cert.key, SECRET));
    await dev.activate(await seal('activate', cert.sha1, SECRET));
  } finally {
    await dev.close();
  }
  return cert;
}

/** A registered Room Kit named `name` in `meeting`, with the identity `cn`. */
export async function roomInMeeting(
  meeting: NonNullable<SimulatorOptions['meeting']>,
  name: string,
  cn: string,
  serialNumber: string,
  options: SimulatorOptions = {},
): Promise<{ sim: RoomOsSimulator; cert: DeviceCert }> {
  const sim = await createSimulator({
    registered: true,
    systemName: name,
    serialNumber,
    meeting,
    ...options,
  });
  try {
    return { sim, cert: await giveIdentity(sim, cn) };
  } catch (e) {
    await sim.close();
    throw e;
  }
}

/**
 * Simulated devices (in a simulated meeting, say) served through a simulated Webex cloud with `token`:
 * the meeting scenarios of console devices, reached as `webex:SERIAL` targets.
 */
export async function cloudServing(
  sims: readonly RoomOsSimulator[],
  token: string,
  options: {
    variants?: CloudVariants;
    each?: (i: number) => Partial<Omit<CloudDeviceOptions, 'simulator'>>;
  } = {},
): Promise<CloudSimulator> {
  return createCloudSimulator({
    devices: sims.map((simulator, i) => ({ simulator, ...options.each?.(i) })),
    token,
    ...(options.variants ? { variants: options.variants } : {}),
  });
}

/** A timer that fires only when the test says so. */
export function manualTimer(): WatchTimer & { pending: number[]; fire(): void } {
  const due = new Map<number, { fn: () => void; ms: number }>();
  let next = 0;
  return {
    set(fn, ms) {
      due.set(++next, { fn, ms });
      return next;
    },
    clear(h) {
      due.delete(h as number);
    },
    get pending() {
      return [...due.values()].map((d) => d.ms);
    },
    fire() {
      const all = [...due.entries()];
      due.clear();
      for (const [, d] of all) d.fn();
    },
  };
}

/** A Webex sign-in kept in memory for a test only (the keychain is not the point). */
export { MemoryEntries } from '../../src/main/cloud/login.js';
