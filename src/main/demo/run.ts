/**
 * The headless form of the main job: provisions a simulated Room Kit, as a technician would a real one,
 * narrating every step. Everything is real but the device: the blobs, the certificate checks, the
 * console protocol, the journal.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readCredentials } from '../../core/pki/index.js';
import { connect } from '../device/index.js';
import { createSimulator } from '../../simulator/index.js';
import { deriveInventory } from '../vault/inventory.js';
import { Journal } from '../vault/journal.js';
import type { SecretStore } from '../vault/secret-store.js';
import type { WorkflowEvent } from '../workflows/engine.js';
import { provision } from '../workflows/provision.js';
import { rotateSecret } from '../workflows/rotate.js';
import { deviceStatus } from '../workflows/status.js';
import { MemorySecretStore } from '../vault/memory-store.js';
import { issueDeviceCert, makeDemoPki } from './pki.js';

export interface DemoOptions {
  /** A line of narration. */
  say(text: string): void;
  onEvent(event: WorkflowEvent): void;
  /** Keep secrets here instead of the demo's memory store (e.g. the OS keychain). */
  secrets?: SecretStore;
  /** Where the demo's journal and backup go (default: a temporary folder, removed afterwards). */
  dir?: string;
  model?: string;
}

export interface DemoResult {
  ok: boolean;
  serialNumber: string;
  identity: string;
  fingerprint: string;
  errorCode?: string;
}

export async function runDemo(options: DemoOptions): Promise<DemoResult> {
  const { say } = options;
  const dir = options.dir ?? (await mkdtemp(join(tmpdir(), 'e2ee-demo-')));
  const secrets = options.secrets ?? new MemorySecretStore();
  const sim = await createSimulator({
    model: options.model ?? 'Cisco Room Kit',
    serialNumber: 'FOC2611DEMO',
    systemName: 'Demo Room 101',
    rebootDelayMs: 300,
  });
  try {
    const s = sim.state;
    say(
      `A simulated ${s.productId} (serial ${s.serialNumber}, ${s.software}) is on the console, as on a laptop's USB cable.`,
    );
    say(
      'A CA issues its identity: RSA root, intermediate, and a P-256 key for the device (what the device requires).',
    );
    const pki = await makeDemoPki('Demo');
    const issued = await issueDeviceCert(pki, {
      cn: 'room-101.demo.example',
      dns: ['room-101.demo.example'],
      email: ['facilities@demo.example'],
    });
    const credentials = readCredentials({ certPem: issued.bundlePem });
    say(
      `Secrets are kept in ${secrets instanceof MemorySecretStore ? secrets.label : 'the OS keychain'}; the journal is in ${dir}.`,
    );
    say('');

    const journal = new Journal(dir);
    const device = await connect('sim:', { simulator: sim });
    let result;
    try {
      result = await provision(
        { device, secrets, journal },
        {
          credentials,
          link: 'sim',
          factoryReset: { confirmed: true, keep: ['SerialPort'] },
          backupFile: join(dir, 'config-backup.json'),
          restore: { file: join(dir, 'config-backup.json'), paths: ['SystemUnit Name'] },
          // Control Hub issues a 16-digit code; the simulator registers with any such code.
          activationCode: '0000-1111-2222-3333',
          securityAction: 'NoAction',
        },
        { onEvent: options.onEvent },
      );
      say('');
      if (!result.ok)
        return {
          ok: false,
          serialNumber: s.serialNumber,
          identity: '',
          fingerprint: '',
          errorCode: result.error?.code,
        };
      const r = result.report!;
      say(
        `Done: ${r.productId} ${r.serialNumber} now shows "${r.identity}" in end-to-end encrypted meetings.`,
      );
      say(`Certificate fingerprint ${r.fingerprint}, valid until ${r.notAfter}.`);
      if (result.newSecret)
        say(`Its client secret (generated, shown once, kept for the owner): ${result.newSecret}`);
      const status = await deviceStatus(device);
      const ext = status.e2ee.external;
      say(
        `The device reports: ExternalIdentity ${ext.identity}, Verification ${ext.verification}, Status ${ext.status}; chain of ${ext.certificateChain.length}.`,
      );
      say('');
      say(
        'Later, the owner changes the client secret: a populate blob of the new secret under the current one.',
      );
      const rotated = await rotateSecret(device, {}, { store: secrets, journal });
      say(
        `Rotated: the device now holds a new ${rotated.generatedBits ?? 0}-bit secret (shown once): ${rotated.newSecret}`,
      );
      say(
        'The new secret was stored as pending before the device was told, and made current when it confirmed.',
      );
    } finally {
      await device.close();
    }
    const records = await journal.read();
    const inv = deriveInventory(records);
    const verify = await journal.verify();
    say(
      `The journal holds ${records.length} records (${verify.ok ? 'chain intact' : 'PROBLEMS'}); the inventory lists ${inv.devices.map((d) => `${d.serial} (${d.state})`).join(', ')}.`,
    );
    return {
      ok: true,
      serialNumber: s.serialNumber,
      identity: result.report!.identity,
      fingerprint: result.report!.fingerprint,
    };
  } finally {
    await sim.close();
    if (!options.dir) await rm(dir, { recursive: true, force: true });
  }
}
