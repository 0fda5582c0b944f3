/**
 * The Fleet screen's store: the Webex cloud sign-in (the token arrives once from the window, is checked
 * and kept in the OS keychain by `signIn`, and never goes back; or the OAuth sign-in of oauth-sign-in.ts,
 * renewed by the client as the CLI's is), the devices it reaches listed by certificate expiry, renewals
 * and rotations of a selection over the cloud with their progress on the event channel, one device's
 * meeting check and capture through the cloud, and activation codes for the registration step. What
 * crosses to the window is built from allow-lists of fields; a rotated secret stays in the keychain.
 */
import { randomUUID } from 'node:crypto';
import { basename } from 'node:path';
import type {
  ActivationCodeView,
  AppEventMessage,
  CaptureSummary,
  CloudAccount,
  FileRole,
  FleetChosenFile,
  FleetDeviceRow,
  FleetMeetingView,
  FleetProgress,
  FleetRunRequest,
  FleetRunSummary,
  OAuthSignInRequest,
} from '../../contract/index.js';
import {
  type CloudClientOptions,
  type CloudLogin,
  type CloudPerson,
  loadLogin,
  signIn,
  signOut,
  signedInClient,
} from '../cloud/index.js';
import { type CloudClient, DEFAULT_API_BASE } from '../cloud/client.js';
import { CloudDevice } from '../cloud/device.js';
import { captureCloudDevice } from '../device/index.js';
import { MemoryEntries, type OwnEntries } from '../cloud/login.js';
import type { NativeText } from '../native-text.js';
import {
  type FleetDevice,
  type FleetEvent,
  type FleetJob,
  listFleet,
  runFleet,
} from '../workflows/fleet/index.js';
import { checkMeetings, provisionedIdentity } from '../workflows/meeting.js';
import { capturesDir, saveCapture } from './capture-file.js';
import { dialogFor, readChosenFile } from './credentials.js';
import { AppError } from './errors.js';
import { OAuthSignIns, type OpenBrowser } from './oauth-sign-in.js';
import type { FileDialog } from './options.js';
import type { AppVault } from './vault.js';

/** What the fleet store is given by `createServices`. */
export interface FleetParts {
  vault: AppVault;
  dialog: FileDialog;
  emit: (message: AppEventMessage) => void;
  /** The app's version, written into a capture. */
  version: string;
  /** Where the sign-in is kept (default: the vault's keychain; a store without own entries keeps it in memory). */
  login?: () => Promise<OwnEntries>;
  /** The REST client's clock and limits (tests). */
  client?: Omit<CloudClientOptions, 'token' | 'apiBase'>;
  /** Devices read or changed at once (default: the fleet module's). */
  concurrency?: number;
  /** Opens the OAuth sign-in page in the person's browser (the shell's opener); absent: no OAuth sign-in. */
  openBrowser?: OpenBrowser;
  /** How long an OAuth sign-in waits for the browser (default: oauth.ts's). */
  oauthTimeoutMs?: number;
}

function hasOwnEntries(store: object): store is OwnEntries {
  const s = store as Partial<OwnEntries>;
  return (
    typeof s.getOwn === 'function' && typeof s.setOwn === 'function' && typeof s.deleteOwn === 'function'
  );
}

/** The window's view of who is signed in and how: chosen fields, never a token or the client secret. */
function accountOf(person: CloudPerson, login: CloudLogin): CloudAccount {
  return {
    displayName: person.displayName,
    emails: [...person.emails],
    orgId: person.orgId,
    apiBase: login.apiBase,
    kind: login.kind,
    clientId: login.clientId,
    expiresAt: login.expiresAt === null ? null : new Date(login.expiresAt).toISOString(),
  };
}

/** The window's row of a device: chosen fields. */
function rowOf(d: FleetDevice): FleetDeviceRow {
  return {
    serial: d.serial,
    deviceId: d.deviceId,
    displayName: d.displayName,
    product: d.product,
    software: d.software,
    connectionStatus: d.connectionStatus,
    tags: [...d.tags],
    identity: d.identity,
    certificateExpiry: d.certificateExpiry,
    daysLeft: d.daysLeft,
    secretInKeychain: d.secretInKeychain,
    readProblem: d.readProblem ? { code: d.readProblem.code, message: d.readProblem.message } : null,
  };
}

/** The window's copy of a progress event: chosen fields. */
function progressOf(e: FleetEvent): FleetProgress {
  switch (e.type) {
    case 'started':
      return { type: 'started', serial: e.serial, workflow: e.workflow };
    case 'step':
      return { type: 'step', serial: e.serial, step: e.step };
    case 'done':
      return {
        type: 'done',
        serial: e.serial,
        workflow: e.workflow,
        ...(e.fingerprint !== undefined ? { fingerprint: e.fingerprint } : {}),
      };
    case 'failed':
      return { type: 'failed', serial: e.serial, workflow: e.workflow, code: e.code, message: e.message };
    case 'finished':
      return { type: 'finished', done: e.done, failed: e.failed, skipped: e.skipped };
  }
}

export class FleetStore {
  /** The files chosen for each device's renewal (paths stay in main). */
  private readonly files = new Map<string, Partial<Record<FileRole, string>>>();
  /** The serial numbers of the last list: a run takes only devices the person saw listed. */
  private listed = new Set<string>();
  private running = false;
  private entries: Promise<OwnEntries> | null = null;
  private readonly oauth: OAuthSignIns;

  constructor(private readonly parts: FleetParts) {
    this.oauth = new OAuthSignIns({
      openBrowser: parts.openBrowser,
      client: parts.client ?? {},
      ...(parts.oauthTimeoutMs !== undefined ? { timeoutMs: parts.oauthTimeoutMs } : {}),
    });
  }

  private own(): Promise<OwnEntries> {
    this.entries ??= (
      this.parts.login
        ? this.parts.login()
        : this.parts.vault.secrets().then((s): OwnEntries => (hasOwnEntries(s) ? s : new MemoryEntries()))
    ).catch((e: unknown) => {
      this.entries = null; // the person may unlock the keychain and try again
      throw e;
    });
    return this.entries;
  }

  /** The kept sign-in's client; an OAuth one renews its access token as the CLI's does (login.ts). */
  private async client(): Promise<CloudClient> {
    const { renew: _renew, ...options } = this.parts.client ?? {};
    return signedInClient(await this.own(), options);
  }

  /** Checks the token with the cloud, then keeps it (and the API base) in the keychain. */
  async signIn(token: string, apiBase: string | null): Promise<CloudAccount> {
    const base = apiBase === null || apiBase.trim() === '' ? DEFAULT_API_BASE : apiBase;
    const own = await this.own();
    const person = await signIn(own, token, base, this.parts.client ?? {});
    this.listed = new Set();
    this.files.clear();
    return accountOf(person, await loadLogin(own));
  }

  /** The OAuth (PKCE) sign-in in the person's browser; the tokens and the client secret stay in main. */
  async signInOAuth(request: OAuthSignInRequest): Promise<CloudAccount> {
    const own = await this.own();
    const { person } = await this.oauth.run(own, request);
    this.listed = new Set();
    this.files.clear();
    return accountOf(person, await loadLogin(own));
  }

  /** Cancels the OAuth sign-in that waits for the browser; its loopback is closed when this resolves. */
  async cancelOAuth(): Promise<{ cancelled: boolean }> {
    return { cancelled: await this.oauth.cancel() };
  }

  async signOut(): Promise<{ signedOut: boolean }> {
    this.listed = new Set();
    this.files.clear();
    return { signedOut: await signOut(await this.own()) };
  }

  /** Who the kept sign-in is (asked of the cloud), or null when there is none. */
  async whoami(): Promise<CloudAccount | null> {
    const own = await this.own();
    if ((await own.getOwn('cloud:token')) === null) return null;
    const client = await this.client();
    const person = await client.me();
    // Read after the call: an OAuth sign-in may have been renewed by it.
    return accountOf(person, await loadLogin(own));
  }

  /** The devices the sign-in reaches (all of `tags`), sorted by expiry. */
  async list(tags: readonly string[]): Promise<FleetDeviceRow[]> {
    const client = await this.client();
    const devices = await listFleet(client, await this.parts.vault.secrets(), {
      tags: tags.map((t) => t.trim()),
      ...(this.parts.concurrency !== undefined ? { concurrency: this.parts.concurrency } : {}),
    });
    this.listed = new Set(devices.map((d) => d.serial).filter((s) => s !== ''));
    return devices.map(rowOf);
  }

  /** Main's file dialog for one device's certificate or key; the file's name, or null on cancel. */
  async choose(serial: string, role: FileRole, text: NativeText): Promise<FleetChosenFile | null> {
    this.requireListed([serial]);
    const path = await this.parts.dialog.openFile({ role, ...dialogFor(role, text) });
    if (path === null) return null;
    this.files.set(serial, { ...this.files.get(serial), [role]: path });
    return { serial, role, name: basename(path) };
  }

  private requireListed(serials: readonly string[]): void {
    const missing = serials.filter((s) => !this.listed.has(s));
    if (missing.length > 0)
      throw new AppError(
        'ERR_APP_FLEET_NOT_LISTED',
        `${missing.join(', ')} ${missing.length === 1 ? 'is' : 'are'} not in the last list of devices: list the devices again, then choose.`,
        { serials: missing },
      );
  }

  private async readChosen(path: string): Promise<string> {
    return (await readChosenFile(path)).toString('utf8');
  }

  /** The jobs of a request: for a renewal, each device's chosen files read now (before any device is reached). */
  private async jobs(request: FleetRunRequest): Promise<FleetJob[]> {
    if (request.workflow === 'rotate')
      return request.devices.map((d) => ({ workflow: 'rotate', serial: d.serial }));
    const without = request.devices.filter((d) => !this.files.get(d.serial)?.certificate);
    if (without.length > 0)
      throw new AppError(
        'ERR_APP_FLEET_NO_CERTIFICATE',
        `Choose the certificate file for ${without.map((d) => d.serial).join(', ')} first; nothing was started.`,
        { serials: without.map((d) => d.serial) },
      );
    const jobs: FleetJob[] = [];
    for (const d of request.devices) {
      const chosen = this.files.get(d.serial)!;
      jobs.push({
        workflow: 'renew',
        serial: d.serial,
        cert: await this.readChosen(chosen.certificate!),
        key: chosen.key ? await this.readChosen(chosen.key) : '',
        ...(d.passphrase !== null && d.passphrase !== '' ? { passphrase: d.passphrase } : {}),
      });
    }
    return jobs;
  }

  /** Renews or rotates the devices the person confirmed; progress goes out as `fleet` events. */
  async run(request: FleetRunRequest): Promise<FleetRunSummary> {
    if (this.running)
      throw new AppError('ERR_APP_BUSY', 'A fleet run is already going on; wait for its end.');
    this.requireListed(request.devices.map((d) => d.serial));
    this.running = true;
    try {
      const jobs = await this.jobs(request);
      const client = await this.client();
      const runId = randomUUID();
      const result = await runFleet(client, await this.parts.vault.secrets(), jobs, {
        journal: await this.parts.vault.records(),
        runId,
        ...(this.parts.concurrency !== undefined ? { concurrency: this.parts.concurrency } : {}),
        onEvent: (e) => this.parts.emit({ workflow: 'fleet', runId, event: progressOf(e) }),
      });
      if (request.workflow === 'renew')
        for (const r of result.rows) if (r.outcome === 'done') this.files.delete(r.serial);
      return {
        runId: result.runId,
        rows: result.rows.map((r) => ({
          serial: r.serial,
          workflow: r.workflow,
          outcome: r.outcome,
          code: r.code,
          message: r.message,
          fingerprint: r.fingerprint,
        })),
      };
    } finally {
      this.running = false;
    }
  }

  /**
   * One listed device's meeting, read once through the cloud (its statuses and participant list): the
   * Meeting check screen's report, naming the device. An offline device: ERR_CLOUD_DEVICE_UNREACHABLE.
   */
  async meeting(serial: string): Promise<FleetMeetingView> {
    const device = await this.cloudDevice(serial);
    const records = await (await this.parts.vault.records()).read().catch(() => []);
    const report = await checkMeetings([
      { target: device.target, device, expectedIdentity: provisionedIdentity(records, serial) },
    ]);
    return { serial, target: device.target, report };
  }

  /**
   * One listed device's capture through the cloud (capture-cloud.ts, as `device capture --target webex:`
   * does), written where the console session's captures go (capture-file.ts). Read-only; an offline
   * device: ERR_CLOUD_DEVICE_UNREACHABLE, before anything is read or written.
   */
  async capture(serial: string, probeAddRefusals: boolean): Promise<CaptureSummary> {
    const device = await this.cloudDevice(serial);
    const dir = await capturesDir(this.parts.vault);
    const capture = await captureCloudDevice(device, { toolVersion: this.parts.version, probeAddRefusals });
    return saveCapture(dir, device.record.serial || serial, capture);
  }

  /**
   * A device of the last list, by serial number, opened through the cloud for a meeting check (the
   * meeting session watches it): one not listed, ERR_APP_FLEET_NOT_LISTED; one offline,
   * ERR_CLOUD_DEVICE_UNREACHABLE.
   */
  async cloudDevice(serial: string): Promise<CloudDevice> {
    this.requireListed([serial]);
    return CloudDevice.open(await this.client(), serial);
  }

  /** A one-time activation code for a workspace (the registration step fills it in). */
  async activationCode(workspaceId: string): Promise<ActivationCodeView> {
    const a = await (await this.client()).activationCode(workspaceId);
    return { code: a.code, expiryTime: a.expiryTime };
  }
}
