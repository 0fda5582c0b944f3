/**
 * `e2ee-prov simulator --cloud`: N simulated devices behind the simulated Webex cloud's REST surface on
 * 127.0.0.1 (src/simulator/cloud/). The token comes from a file (never argv) or is generated into a new
 * owner-only file whose path is printed. With `--provisioned` each device is first provisioned at its
 * console by the tool's own workflow, so its client secret is in this person's OS keychain under its
 * serial (and in the journal), as after a technician's visit.
 */
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readCredentials } from '../../core/pki/index.js';
import { issueDeviceCert, makeDemoPki } from '../../main/demo/pki.js';
import { connect } from '../../main/device/index.js';
import { openVault } from '../../main/open.js';
import { writeFileAtomic } from '../../main/vault/atomic-file.js';
import { provision } from '../../main/workflows/provision.js';
import { type RoomOsSimulator, type SimulatorOptions, createSimulator } from '../../simulator/index.js';
import { type CloudSimulator, createCloudSimulator } from '../../simulator/cloud/index.js';
import { SimulatorError } from '../../simulator/errors.js';
import { CliError } from '../errors.js';
import { type CliIO, readSecret, write } from '../io.js';

/** What `--cloud` serves. */
export interface CloudPlan {
  port: number;
  devices: number;
  tokenFile?: string;
  provisioned: boolean;
}

/** The serial of the `i`th device (from 0): distinct, and a valid keychain account name. */
export function cloudSerial(i: number): string {
  return `FOC2600C${String(i + 1).padStart(3, '0')}`;
}

async function token(plan: CloudPlan, io: CliIO): Promise<{ token: string; file: string; made: boolean }> {
  if (plan.tokenFile !== undefined) {
    const t = await readSecret(plan.tokenFile, io, 'token');
    if (!/^\S+$/.test(t))
      throw new CliError('ERR_USAGE', `The token file ${plan.tokenFile} must hold one token without spaces.`);
    return { token: t, file: plan.tokenFile, made: false };
  }
  const dir = await mkdtemp(join(tmpdir(), 'e2ee-cloud-'));
  const file = join(dir, 'token');
  const t = randomBytes(32).toString('base64url');
  await writeFileAtomic(file, `${t}\n`, { mode: 0o600, exclusive: true });
  return { token: t, file, made: true };
}

/** Provisions a device at its console with the tool's own workflow: its secret goes to the OS keychain. */
async function provisionAtConsole(sim: RoomOsSimulator, io: CliIO, dir: string, n: number): Promise<void> {
  const vault = await openVault(io.env);
  const serial = sim.state.serialNumber;
  const pki = await makeDemoPki('Simulated Cloud');
  const name = `room-${n}.cloud.example`;
  const issued = await issueDeviceCert(pki, { cn: name, dns: [name], email: [] });
  const device = await connect('sim:', { simulator: sim });
  try {
    const backup = join(dir, `${serial}-backup.json`);
    const result = await provision(
      { device, secrets: vault.secrets, journal: vault.journal },
      {
        credentials: readCredentials({ certPem: issued.bundlePem }),
        link: 'sim',
        factoryReset: { confirmed: true, keep: ['SerialPort'] },
        backupFile: backup,
        restore: { file: backup, paths: ['SystemUnit Name'] },
        activationCode: '0000-1111-2222-3333',
        securityAction: 'NoAction',
      },
      { onEvent: () => undefined },
    );
    if (!result.ok) {
      const why = result.error ? `${result.error.code}: ${result.error.message}` : 'no reason given';
      throw new SimulatorError(
        'ERR_SIM_PROVISION',
        `The simulated device ${serial} could not be provisioned at its console (${why}); nothing is served.`,
        { serial },
      );
    }
  } finally {
    await device.close();
  }
}

/**
 * Serves the cloud until `stop` resolves: prints the API base URL and each serial on stdout, where the
 * token is (never the token) on stderr.
 */
export async function serveCloud(
  plan: CloudPlan,
  options: SimulatorOptions,
  io: CliIO,
  stop: Promise<unknown>,
): Promise<void> {
  const { token: t, file, made } = await token(plan, io);
  const sims: RoomOsSimulator[] = [];
  let cloud: CloudSimulator | undefined;
  const work = await mkdtemp(join(tmpdir(), 'e2ee-cloud-work-'));
  try {
    for (let i = 0; i < plan.devices; i++) {
      const sim = await createSimulator({
        rebootDelayMs: 300,
        ...options,
        serialNumber: cloudSerial(i),
        registered: true,
      });
      sims.push(sim);
      if (plan.provisioned) await provisionAtConsole(sim, io, work, i + 1);
    }
    cloud = await createCloudSimulator({
      devices: sims.map((simulator) => ({ simulator })),
      token: t,
      port: plan.port,
    });
    await write(io.stdout, `${cloud.url}\n${sims.map((s) => s.state.serialNumber).join('\n')}\n`);
    await write(
      io.stderr,
      `Simulated Webex cloud at ${cloud.url} with ${plan.devices} device${plan.devices === 1 ? '' : 's'} (${
        plan.provisioned
          ? 'provisioned at their consoles: each client secret is in your OS keychain under its serial, and in no file'
          : 'factory-fresh: no client secret, no identity'
      }). ${made ? 'The bearer token was generated into' : 'The bearer token is read from'} ${file} (owner-only). Ctrl-C stops it.\n`,
    );
    await stop;
  } finally {
    await cloud?.close();
    await Promise.all(sims.map((s) => s.close()));
    await rm(work, { recursive: true, force: true });
  }
}
