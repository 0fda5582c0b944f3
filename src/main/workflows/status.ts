/** Read-only: everything the device says about its E2EE identity, and PreferredDomain. */
import { identityEntries, pickLeaf } from './identity.js';
import type { DeviceCertificate, DeviceIdentity, E2eeStatus } from '../../core/xapi/results.js';
import type { Journal } from '../vault/journal.js';
import type { WorkflowDevice } from './device-port.js';
import { WorkflowError } from './errors.js';
import { journaled } from './journaled.js';
import './journal-kinds.js';

export interface DeviceStatusReport {
  device: DeviceIdentity;
  e2ee: E2eeStatus;
  certificates: DeviceCertificate[];
  /** The entries `Services Show Filter: WebexIdentity` lists (the leaf and, on real devices, its chain). */
  webexIdentityEntries: DeviceCertificate[];
  /** The leaf among them: the certificate the device uses as its external identity; null when none. */
  webexIdentity: string | null;
  preferredDomain: string | null;
}

const PREFERRED_DOMAIN = 'conference endtoendencryption identity preferreddomain';

/** The CN of a subject as the device writes it (`CN=room.example, O=…`, `/CN=…/O=…`); else the subject. */
function commonName(subject: string | null): string {
  const m = /(?:^|[,/])\s*CN\s*=\s*([^,/]+)/i.exec(subject ?? '');
  return (m?.[1] ?? subject ?? '').trim().slice(0, 256);
}

/** A device's date in ISO 8601 when it reads as one; otherwise as the device gave it. */
function isoOrAsGiven(text: string | null): string {
  if (!text) return '';
  const ms = Date.parse(text);
  return Number.isNaN(ms) ? text.slice(0, 64) : new Date(ms).toISOString();
}

/**
 * Journals what a status read observed: the device (`device.identified`) and the certificate it uses as
 * its WebexIdentity, or none (`device.observed`). The inventory re-learns the device from it, e.g. after
 * the journal was moved aside. Nothing secret is read or written.
 */
export async function recordObservation(
  journal: Journal,
  report: Pick<DeviceStatusReport, 'device' | 'certificates' | 'webexIdentityEntries' | 'webexIdentity'>,
): Promise<void> {
  const d = report.device;
  const serial = d.serialNumber;
  if (!serial) return;
  await journal.append({
    kind: 'event',
    event: 'device.identified',
    serial,
    ...(d.productId ? { productId: d.productId.slice(0, 128) } : {}),
    ...(d.softwareVersion ? { softwareVersion: d.softwareVersion.slice(0, 128) } : {}),
  });
  const leaf =
    report.webexIdentity === null
      ? undefined
      : [...report.webexIdentityEntries, ...report.certificates].find(
          (c) => c.fingerprint === report.webexIdentity,
        );
  await journal.append({
    kind: 'event',
    event: 'device.observed',
    serial,
    webexIdentity: leaf
      ? {
          cn: commonName(leaf.subjectName),
          fingerprint: leaf.fingerprint,
          notAfter: isoOrAsGiven(leaf.notAfter),
        }
      : null,
    ...(d.webexStatus ? { webexStatus: d.webexStatus.slice(0, 64) } : {}),
  });
}

/**
 * Every E2EE status node, the certificate store, which certificate is the WebexIdentity (asked with
 * `Filter: WebexIdentity`; `known`: fingerprints this tool added, preferred when several are listed) and
 * the PreferredDomain configuration.
 */
export async function deviceStatus(
  device: WorkflowDevice,
  known?: ReadonlySet<string>,
): Promise<DeviceStatusReport> {
  const id = await device.identify();
  const e2ee = await device.e2eeStatus();
  const certificates = await device.listCertificates();
  const webexIdentityEntries = await identityEntries(device);
  const webexIdentity = pickLeaf(webexIdentityEntries, known ?? new Set()) ?? null;
  const dump = await device.configurationDump();
  const node = dump.nodes.find((n) => n.path.toLowerCase() === PREFERRED_DOMAIN);
  return {
    device: id,
    e2ee,
    certificates,
    webexIdentityEntries,
    webexIdentity,
    preferredDomain: node?.value ?? null,
  };
}

/**
 * Reads who the device is and which certificate it uses as its WebexIdentity (two questions, nothing
 * changed), and journals it (`recordObservation`): what the app does on connecting.
 */
export async function observeIdentity(
  device: Pick<WorkflowDevice, 'identify' | 'listCertificates'>,
  journal: Journal,
  known?: ReadonlySet<string>,
): Promise<void> {
  const id = await device.identify();
  const entries = await identityEntries(device);
  const leaf = pickLeaf(entries, known ?? new Set()) ?? null;
  await recordObservation(journal, {
    device: id,
    certificates: [],
    webexIdentityEntries: entries,
    webexIdentity: leaf,
  });
}

/**
 * Sets `Conference EndToEndEncryption Identity PreferredDomain` (for Webex-CA identities in organizations
 * with several domains) and reads it back. Warns, in `ignored`, when an external identity is active,
 * since the device then ignores it.
 */
export async function setPreferredDomain(
  device: WorkflowDevice,
  journal: Journal,
  domain: string,
): Promise<{ domain: string; ignored: boolean }> {
  const id = await device.identify();
  await journaled(journal, id.serialNumber, 'config.preferred-domain', { domain }, () =>
    device.setPreferredDomain(domain),
  );
  const after = await deviceStatus(device);
  if ((after.preferredDomain ?? '') !== domain) {
    throw new WorkflowError(
      'ERR_WORKFLOW_VERIFY_FAILED',
      `The device reports PreferredDomain ${JSON.stringify(after.preferredDomain)}, not ${JSON.stringify(domain)}.`,
    );
  }
  // An unregistered device reports no E2EE status: its certificate list says whether one is active.
  const ignored =
    after.e2ee.external.certificateChain.length > 0 ||
    (after.e2ee.external.status ?? '').trim().toLowerCase() === 'valid' ||
    after.webexIdentity !== null;
  return { domain, ignored };
}
