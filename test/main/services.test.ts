/**
 * The window's services in plain Node (no Electron, no browser): every input checked by the contract,
 * the app's own refusals as data, and a whole provisioning of a training simulator through the same
 * handlers the window calls, with a stub file dialog and the demo's memory store.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHANNELS, type WorkflowEventMessage } from '../../src/contract/index.js';
import { MemorySecretStore } from '../../src/main/vault/memory-store.js';
import { issueDeviceCert, makeDemoPki } from '../../src/main/demo/pki.js';
import { type IpcEventLike, registerIpc } from '../../src/main/ipc/register.js';
import { type Services, createServices } from '../../src/main/services.js';
import { type RoomOsSimulator, type SimulatorOptions, createSimulator } from '../../src/simulator/index.js';
import { CAPTURE_PROBES } from '../../src/main/device/index.js';
import { longChain } from './workflows/rig.js';
import { plainProvision } from '../helpers/requests.js';

const TRUSTED = 'file:///app/dist/renderer/';
type Listener = (event: IpcEventLike, ...args: unknown[]) => unknown;

describe('the window’s services', () => {
  let dir: string;
  let services: Services;
  const listeners = new Map<string, Listener>();
  const events: WorkflowEventMessage[] = [];
  const dialogAnswers: (string | null)[] = [];
  const store = new MemorySecretStore();
  const sims = new Map<string, RoomOsSimulator>();
  /** A device's variants by serial (the window may name none of them). */
  const variants = new Map<string, SimulatorOptions>();
  let svcSecret = '';
  let clipboardText = '';
  const call = (channel: string, input: unknown = {}): Promise<unknown> =>
    Promise.resolve(listeners.get(channel)!({ senderFrame: { url: `${TRUSTED}index.html` } }, input));

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'e2ee-services-'));
    services = createServices({
      version: '1.2.3',
      platform: 'linux',
      dialog: { openFile: async () => dialogAnswers.shift() ?? null },
      emit: (m) => void (m.workflow === 'provision' && events.push(m)),
      env: { E2EE_PROV_HOME: join(dir, 'home'), E2EE_PROV_KNOWN_HOSTS: join(dir, 'hosts.json') },
      openSecretStore: async () => store,
      listPorts: async () => [],
      clipboard: {
        writeText: (t: string) => {
          clipboardText = t;
        },
        readText: () => clipboardText,
      },
      clipboardClearMs: 200,
      simRebootDelayMs: 100,
      createSimulator: async (o) => {
        const sim = await createSimulator({ ...o, ...variants.get(o.serialNumber ?? '') });
        sims.set(o.serialNumber ?? '', sim);
        return sim;
      },
    });
    registerIpc(
      { handle: (channel, listener) => listeners.set(channel, listener) },
      services.handlers,
      (url) => url.startsWith(TRUSTED),
    );
  });

  /** Connects the window to a training simulator and chooses and checks a certificate for it. */
  async function connectWithCertificate(serial: string, name: string, pem: string): Promise<void> {
    const cert = join(dir, name);
    await writeFile(cert, pem);
    expect(await call('device.connect', { target: `sim:?serial=${serial}`, password: null })).toMatchObject({
      ok: true,
    });
    dialogAnswers.push(cert);
    await call('credentials.choose', { role: 'certificate' });
    expect(await call('credentials.inspect', { passphrase: null })).toMatchObject({
      ok: true,
      value: { ok: true },
    });
  }

  afterAll(async () => {
    await services?.dispose();
    await rm(dir, { recursive: true, force: true });
  });

  it('checks every channel’s input: unknown keys and wrong types are refused before a handler runs', async () => {
    for (const channel of Object.keys(CHANNELS)) {
      expect(await call(channel, { surprise: 1 }), channel).toMatchObject({
        ok: false,
        code: 'ERR_IPC_BAD_INPUT',
      });
      expect(await call(channel, null), channel).toMatchObject({ ok: false, code: 'ERR_IPC_BAD_INPUT' });
    }
    const good = plainProvision();
    const bad: Record<string, unknown>[] = [
      { ...good, enc: 'A192GCM' },
      { ...good, secret: { mode: 'given' } },
      { ...good, secret: { mode: 'given', value: 'x'.repeat(1025) } },
      { ...good, secret: { mode: 'generate', value: 'sneaked in' } },
      { ...good, factoryReset: { confirmed: 'yes' } },
      { ...good, activationCode: 42 },
      { ...good, dryRun: undefined },
    ];
    for (const input of bad) {
      expect(await call('provision.run', input), JSON.stringify(input)).toMatchObject({
        ok: false,
        code: 'ERR_IPC_BAD_INPUT',
      });
    }
    expect(await call('credentials.choose', { role: '/etc/passwd' })).toMatchObject({
      code: 'ERR_IPC_BAD_INPUT',
    });
    expect(await call('console.read', { after: -1 })).toMatchObject({ code: 'ERR_IPC_BAD_INPUT' });
    expect(await call('device.connect', { target: 'sim:', password: 7 })).toMatchObject({
      code: 'ERR_IPC_BAD_INPUT',
    });
  });

  it('refuses, as data with a code, what cannot be done yet', async () => {
    expect(await call('provision.run', { ...validRequest(), dryRun: true })).toMatchObject({
      ok: false,
      code: 'ERR_APP_NOT_CONNECTED',
    });
    expect(await call('secret.rotate', rotateRequest())).toMatchObject({
      ok: false,
      code: 'ERR_APP_NOT_CONNECTED',
    });
    expect(await call('provision.resume')).toMatchObject({
      ok: false,
      code: 'ERR_WORKFLOW_NOTHING_TO_RESUME',
    });
    expect(await call('credentials.inspect', { passphrase: null })).toMatchObject({
      ok: false,
      code: 'ERR_APP_NO_CERTIFICATE',
    });
    expect(await call('secret.reveal', { source: 'rotate' })).toMatchObject({
      ok: false,
      code: 'ERR_APP_NOTHING_TO_REVEAL',
    });
    expect(await call('provision.stop')).toEqual({ ok: true, value: { stopping: false } });
    expect(await call('device.connect', { target: 'telnet://x', password: null })).toMatchObject({
      ok: false,
      code: 'ERR_DEVICE_TARGET',
    });
    dialogAnswers.push(null);
    expect(await call('credentials.choose', { role: 'certificate' })).toEqual({ ok: true, value: null });
    expect(await call('ports.list')).toEqual({ ok: true, value: [] });
    expect(await call('app.info')).toEqual({
      ok: true,
      value: { name: 'E2EE Identity Provisioner', version: '1.2.3', platform: 'linux' },
    });
  });

  it('provisions a training simulator; the generated secret crosses once, when asked for', async () => {
    const pki = await makeDemoPki('Svc');
    const issued = await issueDeviceCert(pki, { cn: 'svc.example' });
    const cert = join(dir, 'svc.pem');
    await writeFile(cert, issued.bundlePem);

    const connected = (await call('device.connect', {
      target: 'sim:?serial=FOCSVC0001',
      password: null,
    })) as {
      ok: true;
      value: { identity: { serialNumber: string }; secret: { hasSecret: boolean; label: string } };
    };
    expect(connected.ok).toBe(true);
    expect(connected.value.identity.serialNumber).toBe('FOCSVC0001');
    expect(connected.value.secret).toEqual({ hasSecret: false, hasPending: false, label: store.label });

    dialogAnswers.push(cert);
    expect(await call('credentials.choose', { role: 'certificate' })).toEqual({
      ok: true,
      value: { role: 'certificate', name: 'svc.pem' },
    });
    const check = (await call('credentials.inspect', { passphrase: null })) as {
      ok: true;
      value: { ok: boolean };
    };
    expect(check.value.ok).toBe(true);

    const runs = [call('provision.run', validRequest()), call('provision.run', validRequest())];
    const [first, second] = (await Promise.all(runs)) as [
      {
        ok: true;
        value: { runId: string; ok: boolean; secretToReveal: boolean; steps: { status: string }[] };
      },
      { ok: false; code: string },
    ];
    expect(second).toMatchObject({ ok: false, code: 'ERR_APP_BUSY' });
    expect(first.ok && first.value.ok).toBe(true);
    expect(first.value.secretToReveal).toBe(true);
    const secret = (await store.get('FOCSVC0001'))!;
    svcSecret = secret;
    expect(JSON.stringify(first)).not.toContain(secret);
    // Progress went out on the one event channel, tagged with the run.
    expect(events.length).toBeGreaterThan(10);
    expect(new Set(events.map((e) => e.runId))).toEqual(new Set([first.value.runId]));
    expect(JSON.stringify(events)).not.toContain(secret);

    // Each screen reveals only what its own action made.
    expect(await call('secret.reveal', { source: 'rotate' })).toMatchObject({
      code: 'ERR_APP_NOTHING_TO_REVEAL',
    });
    expect(await call('secret.reveal', { source: 'provision' })).toEqual({
      ok: true,
      value: { serial: 'FOCSVC0001', source: 'provision', secret },
    });
    // Kept until acknowledged: asked again, it answers again; the list names the device, never the secret.
    expect(await call('secret.reveal', { source: 'provision' })).toEqual({
      ok: true,
      value: { serial: 'FOCSVC0001', source: 'provision', secret },
    });
    const pending = (await call('secret.pending')) as { ok: true; value: Record<string, unknown>[] };
    expect(pending.value).toEqual([
      {
        serial: 'FOCSVC0001',
        source: 'provision',
        since: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
        productId: 'Cisco Room Kit',
        target: 'sim:?serial=FOCSVC0001',
        lastGroupLength: 4,
      },
    ]);
    expect(JSON.stringify(pending)).not.toContain(secret);
    expect(services.unacknowledged()).toEqual([{ serial: 'FOCSVC0001', source: 'provision' }]);
    // Copy: on the clipboard, and cleared there after the time given (only if it still holds it).
    expect(await call('secret.copy', { serial: 'FOCSVC0001' })).toEqual({
      ok: true,
      value: { clearAfterSeconds: 0 },
    });
    expect(clipboardText).toBe(secret);
    await expect.poll(() => clipboardText, { timeout: 30_000 }).toBe('');
    expect(await call('secret.acknowledge', { serial: 'FOCSVC0001', lastGroup: 'ZZZZ' })).toMatchObject({
      ok: false,
      code: 'ERR_APP_ACK_MISMATCH',
    });
    const last = secret.split('-').at(-1)!;
    expect(await call('secret.acknowledge', { serial: 'FOCSVC0001', lastGroup: last.toLowerCase() })).toEqual(
      {
        ok: true,
        value: { acknowledged: true },
      },
    );
    expect(services.unacknowledged()).toEqual([]);
    expect(await call('secret.reveal', { source: 'provision' })).toMatchObject({
      ok: false,
      code: 'ERR_APP_NOTHING_TO_REVEAL',
    });

    const inventory = (await call('inventory.list')) as {
      ok: true;
      value: { devices: { serial: string; state: string }[]; keychain: unknown };
    };
    expect(inventory.value.devices).toEqual([
      expect.objectContaining({ serial: 'FOCSVC0001', state: 'active' }),
    ]);
    expect(inventory.value.keychain).toEqual([{ serial: 'FOCSVC0001', hasSecret: true, hasPending: false }]);
    expect(await call('journal.verify')).toMatchObject({ ok: true, value: { ok: true } });
    const page = (await call('console.read', { after: 0 })) as {
      ok: true;
      value: { entries: { text: string }[]; next: number; connected: boolean };
    };
    expect(page.value.connected).toBe(true);
    expect(page.value.entries.length).toBeGreaterThan(10);
    expect(JSON.stringify(page.value)).not.toContain(secret);
    expect(await call('console.read', { after: page.value.next })).toMatchObject({
      ok: true,
      value: { entries: [] },
    });
    expect(await call('device.disconnect')).toEqual({ ok: true, value: null });
    expect(await call('device.identify')).toMatchObject({ ok: false, code: 'ERR_APP_NOT_CONNECTED' });
  });
  it('a certificate longer than the console line: refused before any change, provisioned with the wrap-long-lines choice; the capture takes the Add-refusal option', async () => {
    const long = await longChain('wrap.app.example');
    variants.set('FOCWRAPAPP1', { lineLimit: 4095, bodyLineBreaks: 'joined' });
    await connectWithCertificate('FOCWRAPAPP1', 'wrap.pem', long.bundlePem);
    const sim = sims.get('FOCWRAPAPP1')!;
    const refused = (await call('provision.run', {
      ...validRequest(),
      backup: false,
      restoreName: false,
    })) as {
      ok: true;
      value: { ok: boolean; error: { code: string }; steps: { id: string; status: string }[] };
    };
    expect(refused.value.error.code).toBe('ERR_WORKFLOW_ADD_LINE_TOO_LONG');
    expect(refused.value.steps.find((x) => x.status === 'failed')?.id).toBe('precheck');
    expect(sim.state.clientSecretSet).toBe(false);
    const wrapped = (await call('provision.run', {
      ...validRequest(),
      backup: false,
      restoreName: false,
      wrapLongLines: true,
    })) as { ok: true; value: { ok: boolean } };
    expect(wrapped.value.ok).toBe(true);
    expect(sim.state.webexIdentity).toBe(long.fingerprint);
    const made = (await store.get('FOCWRAPAPP1'))!;
    expect(
      await call('secret.acknowledge', { serial: 'FOCWRAPAPP1', lastGroup: made.split('-').at(-1)! }),
    ).toMatchObject({ ok: true });
    const captured = (await call('device.capture', { probeAddRefusals: true })) as {
      ok: true;
      value: { probes: number; failedProbes: string[] };
    };
    expect(captured.value.failedProbes).toEqual([]);
    expect(captured.value.probes).toBe(CAPTURE_PROBES.length + 3);
    expect(await call('device.capture', { probeAddRefusals: 'yes' })).toMatchObject({ ok: false });
    expect(await call('device.disconnect')).toEqual({ ok: true, value: null });
  });

  it('resumes after the cable was pulled mid-procedure: logs in again and goes on', async () => {
    const pki = await makeDemoPki('Drop');
    const issued = await issueDeviceCert(pki, { cn: 'drop.example' });
    await connectWithCertificate('FOCDROP0001', 'drop.pem', issued.bundlePem);
    sims.get('FOCDROP0001')!.setFaults({ dropOnCommand: 'Certificates Services Add' });

    const cut = (await call('provision.run', validRequest())) as {
      ok: true;
      value: { ok: boolean; error: { code: string }; steps: { id: string; status: string }[] };
    };
    expect(cut.value.ok).toBe(false);
    expect(cut.value.error.code).toBe('ERR_DEVICE_DISCONNECTED');
    expect(cut.value.steps.find((x) => x.status === 'failed')?.id).toBe('add-certificate');
    expect(await call('device.identify')).toMatchObject({ ok: false, code: 'ERR_APP_NOT_CONNECTED' });
    // The run failed after the device took the generated secret: it is still offered.
    const held = (await store.get('FOCDROP0001'))!;
    expect(held).toMatch(/^[2-9A-HJ-NP-Z]{4}(-[2-9A-HJ-NP-Z]{4}){6}$/);
    expect(await call('secret.reveal', { source: 'provision', serial: 'FOCDROP0001' })).toEqual({
      ok: true,
      value: { serial: 'FOCDROP0001', source: 'provision', secret: held },
    });

    const resumed = (await call('provision.resume')) as {
      ok: true;
      value: { ok: boolean; steps: { id: string; status: string }[] };
    };
    expect(resumed.value.ok).toBe(true);
    expect(Object.fromEntries(resumed.value.steps.map((x) => [x.id, x.status]))).toMatchObject({
      backup: 'skipped',
      'populate-secret': 'skipped',
      'add-certificate': 'done',
      activate: 'done',
      verify: 'done',
    });
    expect(await call('device.identify')).toMatchObject({
      ok: true,
      value: { identity: { serialNumber: 'FOCDROP0001' } },
    });
    // Across the resume, the same secret is offered until acknowledged.
    expect(services.unacknowledged()).toEqual([{ serial: 'FOCDROP0001', source: 'provision' }]);
    expect(await call('secret.reveal', { source: 'provision', serial: 'FOCDROP0001' })).toMatchObject({
      ok: true,
      value: { secret: held },
    });
  });
  it('rotates with the current secret the owner types when the keychain has none for the device', async () => {
    expect(svcSecret).not.toBe('');
    await store.delete('FOCSVC0001');
    const info = await call('device.connect', { target: 'sim:?serial=FOCSVC0001', password: null });
    expect(info).toMatchObject({ ok: true, value: { secret: { hasSecret: false } } });
    expect(await call('secret.rotate', rotateRequest())).toMatchObject({
      ok: false,
      code: 'ERR_VAULT_NO_SECRET',
    });
    // A weak typed secret is refused before anything reaches the device or the keychain.
    expect(await call('secret.judge', { value: 'password1', route: 'blob' })).toMatchObject({
      ok: true,
      value: { rating: 'weak', refusal: { code: 'ERR_SECRET_WEAK' } },
    });
    expect(
      await call('secret.rotate', {
        newSecret: { mode: 'given', value: 'password1' },
        currentSecret: svcSecret,
        enc: 'A128GCM',
      }),
    ).toMatchObject({ ok: false, code: 'ERR_SECRET_WEAK' });
    expect(await store.get('FOCSVC0001')).toBe(null);
    expect(await call('secret.rotate', { ...rotateRequest(), currentSecret: 'not the one' })).toMatchObject({
      ok: false,
      code: 'ERR_ROTATE_CURRENT_WRONG',
    });
    const rotated = (await call('secret.rotate', { ...rotateRequest(), currentSecret: svcSecret })) as {
      ok: true;
      value: { serial: string; generated: boolean; secretToReveal: boolean };
    };
    expect(rotated).toMatchObject({
      ok: true,
      value: { serial: 'FOCSVC0001', generated: true, secretToReveal: true },
    });
    const fresh = (await store.get('FOCSVC0001'))!;
    expect(fresh).not.toBe(svcSecret);
    expect(JSON.stringify(rotated)).not.toContain(fresh);
    expect(await call('secret.reveal', { source: 'provision', serial: 'FOCSVC0001' })).toMatchObject({
      code: 'ERR_APP_NOTHING_TO_REVEAL',
    });
    expect(await call('secret.reveal', { source: 'rotate' })).toEqual({
      ok: true,
      value: { serial: 'FOCSVC0001', source: 'rotate', secret: fresh },
    });
  });
});

function validRequest(): Record<string, unknown> {
  return { ...plainProvision({ enc: 'A256GCM', backup: true, restoreName: true }) };
}

function rotateRequest(): Record<string, unknown> {
  return { newSecret: { mode: 'generate' }, currentSecret: null, enc: 'A128GCM' };
}
