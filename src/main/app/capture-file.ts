/**
 * Where the app keeps a device capture, for both of its captures (the console session's and the Fleet
 * screen's through the cloud): the `captures` folder beside the journal (owner-only), one new file named
 * by the serial number and the time, written atomically with owner-only permissions, never over another;
 * and the summary the window shows.
 */
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { CaptureSummary } from '../../contract/index.js';
import type { CloudDeviceCapture, DeviceCapture } from '../device/index.js';
import { writeFileAtomic } from '../vault/atomic-file.js';
import type { AppVault } from './vault.js';

/** The captures folder, made when missing (owner-only). */
export async function capturesDir(vault: AppVault): Promise<string> {
  const dir = join((await vault.records()).dir, 'captures');
  await mkdir(dir, { recursive: true, mode: 0o700 });
  return dir;
}

/** Writes `capture` of the device `serial` into `dir`; what the window is told of it. */
export async function saveCapture(
  dir: string,
  serial: string,
  capture: DeviceCapture | CloudDeviceCapture,
): Promise<CaptureSummary> {
  const stamp = capture.takenAt.replace(/[:.]/g, '-');
  const file = join(dir, `capture-${serial || 'device'}-${stamp}.json`);
  await writeFileAtomic(file, JSON.stringify(capture, null, 2) + '\n', { mode: 0o600, exclusive: true });
  const summary: CaptureSummary = {
    file,
    probes: capture.probes.length,
    failedProbes: capture.probes.filter((p) => p.error !== undefined).map((p) => p.id),
    lineLimit: capture.lineLimit,
  };
  if (capture.link !== 'webex') return summary;
  return {
    ...summary,
    link: 'webex',
    unavailableProbes: capture.probes.filter((p) => p.unavailable !== undefined).map((p) => p.id),
  };
}
