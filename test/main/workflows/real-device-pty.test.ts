/**
 * The workflows against a device that follows the published facts rather than our earlier guesses, over a
 * real pseudo-terminal and the real keychain: a `ce`-prefixed RoomOS 11 version, a console that cuts lines
 * at 4,095 bytes while the add blob of a realistic chain is longer, a device that wants to be registered
 * before it takes a secret, a registration that fails, and a certificate the tool did not add.
 */
import { describe, expect, it } from 'vitest';
import { seal } from '../../../src/core/jwe/index.js';
import { buildAddPayload } from '../../../src/core/pki/index.js';
import { DeviceError } from '../../../src/core/xapi/index.js';
import { deviceOps } from '../../../src/main/workflows/device-port.js';
import { deactivate } from '../../../src/main/workflows/deactivate.js';
import { renew } from '../../../src/main/workflows/renew.js';
import { rotateSecret } from '../../../src/main/workflows/rotate.js';
import { deviceStatus } from '../../../src/main/workflows/status.js';
import { type ProvisionOptions, provision } from '../../../src/main/workflows/provision.js';
import type { SimulatorOptions } from '../../../src/simulator/index.js';
import { Rig, ptyAndKeyring, longChain, recorder, stepStatuses } from './rig.js';

const ready = ptyAndKeyring();
const rig = new Rig();
let n = 0;

async function fresh(options: SimulatorOptions = {}) {
  return rig.simOnPty('FOCREAL', ++n, options);
}

describe.runIf(ready)('workflows against a device that follows the public facts', () => {
  rig.suite('real-device');

  it('provisions a device that reports ce11.19.1.7.3055d561c16 (RoomOS 11 keeps the ce prefix)', async () => {
    const { sim, target, serial } = await fresh({ software: 'ce11.19.1.7 3055d561c16' });
    expect(sim.state.softwareVersion).toBe('ce11.19.1.7.3055d561c16');
    const cert = await rig.issue('ce11.real.example');
    const device = await rig.connect(target);
    const r = await provision(rig.deps(device), { credentials: cert.credentials, link: 'serial' });
    expect(r.error).toBeUndefined();
    expect(r.ok).toBe(true);
    expect(r.steps[0]!.detail).toContain(`serial ${serial}`);
    expect(sim.state.webexIdentity).toBe(cert.fingerprint);
  });

  it('refuses CE 9 by its release number, naming it', async () => {
    const { target } = await fresh({ software: 'ce 9.15.18.5 a6e2b8bf6f4' });
    const cert = await rig.issue('ce9.real.example');
    const device = await rig.connect(target);
    const r = await provision(rig.deps(device), { credentials: cert.credentials, link: 'serial' });
    expect(r.error?.code).toBe('ERR_WORKFLOW_SOFTWARE_TOO_OLD');
    expect(r.error?.message).toContain('CE 9.15.18.5');
  });

  it('a device that joins wrapped lines, opted in (--wrap-long-lines): the limit is measured, the long add blob goes wrapped', async () => {
    const { sim, target, serial } = await fresh({ bodyLineBreaks: 'joined' });
    sim.setFaults({ truncateLineAt: 4095 });
    const chain = await longChain('wrapped.real.example');
    expect(chain.blobBytes).toBeGreaterThan(4095);
    const device = await rig.connect(target);
    const rec = recorder();
    const r = await provision(
      rig.deps(device),
      { credentials: chain.credentials, link: 'serial', wrapLongLines: true },
      { onEvent: rec.onEvent },
    );
    expect(r.error).toBeUndefined();
    expect(r.ok).toBe(true);
    expect(device.lineLimit.cut).not.toBeNull();
    expect(device.lineLimit.whole).toBeGreaterThanOrEqual(4095 - 16);
    expect(device.lineLimit.whole).toBeLessThanOrEqual(4095);
    expect(r.warnings.map((w) => w.code)).toContain('WARN_LINE_LIMIT');
    expect(sim.state.webexIdentity).toBe(chain.fingerprint);
    expect(sim.clientSecretIs(r.newSecret!)).toBe(true);
    expect(await rig.secrets.get(serial)).toBe(r.newSecret);
    // The probes: the non-certificate blob on one line, wrapped, and the control; then the real add.
    const adds = sim.events.filter(
      (e) => e.type === 'command' && e.path === 'Security Certificates Services Add',
    );
    expect(adds.map((e) => e.type === 'command' && e.code)).toEqual([
      undefined,
      undefined,
      'ERR_JWE_DECRYPTION_FAILED',
      undefined,
    ]);
    expect(adds.map((e) => e.type === 'command' && e.status)).toEqual(['Error', 'Error', 'Error', 'OK']);
    // Run again without the choice: the certificate is on the device already, nothing is sent or refused.
    const again = await provision(rig.deps(device), { credentials: chain.credentials, link: 'serial' });
    expect(again.error).toBeUndefined();
    expect(stepStatuses(again)['add-certificate']).toBe('skipped');
  });

  it('on the 4,095-byte console of a device that joins, opted in: provision, status, renew, rotate, deactivate, end to end', async () => {
    const { sim, target, serial } = await fresh({
      software: 'ce11.19.1.7 3055d561c16',
      bodyLineBreaks: 'joined',
    });
    sim.setFaults({ truncateLineAt: 4095 });
    const first = await longChain('first.e2e.real.example');
    const second = await longChain('second.e2e.real.example');
    expect(Math.min(first.blobBytes, second.blobBytes)).toBeGreaterThan(4095);
    const device = await rig.connect(target);
    const p = await provision(rig.deps(device), {
      credentials: first.credentials,
      link: 'serial',
      wrapLongLines: true,
    });
    expect(p.error).toBeUndefined();

    const st = await deviceStatus(device);
    expect(st.webexIdentity).toBe(first.fingerprint);
    // A real device lists the chain certificate as an entry of its own, under the same filter.
    expect(st.webexIdentityEntries.length).toBe(2);
    expect(st.certificates.map((c) => c.subjectName)).toContain('/CN=TemporaryDefaultCertificate');

    const r = await renew(rig.deps(device), {
      credentials: second.credentials,
      wrapLongLines: true,
      allowNewName: true,
    });
    expect(r.error).toBeUndefined();
    expect(r.warnings.map((w) => w.code)).toContain('WARN_RENEW_NEW_NAME');
    expect(sim.state.webexIdentity).toBe(second.fingerprint);
    expect(sim.state.certificates.filter((c) => c.kind === 'service').map((c) => c.fingerprint)).toEqual([
      second.fingerprint,
    ]);
    // The device's own certificate is never the tool's to delete.
    expect(sim.state.certificates.some((c) => c.kind === 'preinstalled')).toBe(true);

    const rot = await rotateSecret(device, {}, { store: rig.secrets, journal: rig.journal });
    expect(sim.clientSecretIs(rot.newSecret!)).toBe(true);
    expect(await rig.secrets.get(serial)).toBe(rot.newSecret);

    const d = await deactivate(rig.deps(device), {});
    expect(d.error).toBeUndefined();
    expect(sim.state.webexIdentity).toBeUndefined();
    expect((await deviceStatus(device)).webexIdentity).toBeNull();
  });

  it('a console without a limit: one line, no warning', async () => {
    const { sim, target } = await fresh();
    const chain = await longChain('oneline.real.example');
    const device = await rig.connect(target);
    const r = await provision(rig.deps(device), { credentials: chain.credentials, link: 'serial' });
    expect(r.ok).toBe(true);
    expect(r.warnings.map((w) => w.code)).not.toContain('WARN_LINE_LIMIT');
    expect(device.lineLimit).toEqual({ whole: chain.blobBytes, cut: null });
    expect(sim.state.webexIdentity).toBe(chain.fingerprint);
  });

  it('by default a blob longer than the line is refused in the precheck: the device is neither reset nor populated', async () => {
    const { sim, target } = await fresh({ lineLimit: 4095, refusals: 'uniform' });
    const chain = await longChain('refused.real.example');
    const device = await rig.connect(target);
    const r = await provision(rig.deps(device), {
      credentials: chain.credentials,
      link: 'serial',
      factoryReset: { confirmed: true },
    });
    expect(r.ok).toBe(false);
    expect(r.error?.code).toBe('ERR_WORKFLOW_ADD_LINE_TOO_LONG');
    expect(r.steps.find((x) => x.status === 'failed')?.id).toBe('precheck');
    expect(r.error?.message).toContain(`${chain.blobBytes} bytes on one line`);
    expect(r.error?.message).toContain(`at most ${device.lineLimit.whole} bytes`);
    expect(r.error?.message).toContain('Connect over SSH');
    expect(r.error?.message).toContain('only the first plain Populate needs the serial console');
    expect(r.error?.message).toContain('ECDSA intermediate');
    expect(r.error?.message).toContain('--wrap-long-lines');
    // The device's own event log: no reset, no populate, no add.
    expect(
      sim.events.filter((e) => e.type === 'factory-reset' || e.type === 'secret' || e.type === 'certificate'),
    ).toEqual([]);
    expect(
      sim.events
        .filter((e) => e.type === 'command' && e.verb === 'xCommand')
        .map((e) => e.type === 'command' && e.path),
    ).toEqual([]);
    expect(sim.state.clientSecretSet).toBe(false);
  });

  it('opted in, a device that keeps line breaks and refuses uniformly: cannot tell, the run stops before the add with the secret kept and nothing activated', async () => {
    const { sim, target, serial } = await fresh({ lineLimit: 4095, refusals: 'uniform' });
    const chain = await longChain('uniform.real.example');
    const device = await rig.connect(target);
    const r = await provision(rig.deps(device), {
      credentials: chain.credentials,
      link: 'serial',
      factoryReset: { confirmed: true },
      wrapLongLines: true,
    });
    expect(r.ok).toBe(false);
    expect(r.error?.code).toBe('ERR_WORKFLOW_WRAP_NOT_JOINED');
    expect(r.steps.find((x) => x.status === 'failed')?.id).toBe('add-certificate');
    expect(r.error?.details).toMatchObject({
      verdict: 'cannot-tell',
      oneLine: 'Error ServicesAddResult: Invalid input.',
      wrapped: 'Error ServicesAddResult: Invalid input.',
      control: 'Error ServicesAddResult: Invalid input.',
    });
    expect(r.error?.message).toContain('cannot be told');
    expect(r.error?.message).toContain('the client secret is kept');
    expect(r.error?.message).toContain('Connect over SSH');
    // The device holds the secret the keychain has; nothing was added or activated.
    const stored = await rig.secrets.get(serial);
    expect(stored).not.toBeNull();
    expect(sim.clientSecretIs(stored!)).toBe(true);
    expect(r.heldSecret).toBe(stored);
    expect(sim.state.certificates.filter((c) => c.kind !== 'preinstalled')).toEqual([]);
    expect(sim.state.webexIdentity).toBeUndefined();
    expect(sim.events.filter((e) => e.type === 'certificate')).toEqual([]);
  });

  it('opted in, a device that keeps line breaks and words its refusals: it does not join, the run stops before the add', async () => {
    const { sim, target, serial } = await fresh({ lineLimit: 4095 });
    const chain = await longChain('kept.real.example');
    const device = await rig.connect(target);
    const r = await provision(rig.deps(device), {
      credentials: chain.credentials,
      link: 'serial',
      wrapLongLines: true,
    });
    expect(r.error?.code).toBe('ERR_WORKFLOW_WRAP_NOT_JOINED');
    expect(r.error?.details).toMatchObject({
      verdict: 'does-not-join',
      wrapped: 'Error ServicesAddResult: Invalid JWE blob.',
      control: 'Error ServicesAddResult: Invalid JWE blob.',
    });
    expect(r.error?.message).toContain('keeps the line breaks');
    expect(sim.clientSecretIs((await rig.secrets.get(serial))!)).toBe(true);
    expect(sim.state.webexIdentity).toBeUndefined();
  });

  it('opted in, with a secret the tool knows (re-provision, renew): the probe runs before anything changes', async () => {
    const { sim, target } = await fresh({ lineLimit: 4095, refusals: 'uniform' });
    const device = await rig.connect(target);
    const short = await rig.issue('short.real.example');
    const p = await provision(rig.deps(device), { credentials: short.credentials, link: 'serial' });
    expect(p.ok).toBe(true);
    const chain = await longChain('short.real.example');
    const before = sim.events.length;
    const again = await provision(rig.deps(device), {
      credentials: chain.credentials,
      link: 'serial',
      wrapLongLines: true,
    });
    expect(again.error?.code).toBe('ERR_WORKFLOW_WRAP_NOT_JOINED');
    expect(again.steps.find((x) => x.status === 'failed')?.id).toBe('precheck');
    const r = await renew(rig.deps(device), { credentials: chain.credentials, wrapLongLines: true });
    expect(r.error?.code).toBe('ERR_WORKFLOW_WRAP_NOT_JOINED');
    expect(r.steps.find((x) => x.status === 'failed')?.id).toBe('precheck');
    // Nothing changed: the only secret events are the harmless re-populates of the same secret.
    const after = sim.events.slice(before);
    expect(after.filter((e) => e.type === 'certificate' || e.type === 'factory-reset')).toEqual([]);
    expect(
      after.filter((e) => e.type === 'secret').every((e) => e.type === 'secret' && e.change === 'unchanged'),
    ).toBe(true);
    expect(sim.state.webexIdentity).toBe(short.fingerprint);
  });

  it('a device that ends the session on an overlong line: counted as cut, measured upwards after reconnecting', async () => {
    const { sim, target } = await fresh({ lineLimit: 4095, overlongLine: 'drop' });
    const chain = await longChain('dropped.real.example');
    const device = await rig.connect(target);
    const r = await provision(rig.deps(device), { credentials: chain.credentials, link: 'serial' });
    expect(r.error?.code).toBe('ERR_WORKFLOW_ADD_LINE_TOO_LONG');
    expect(device.firstCutLine).toEqual({ bytes: chain.blobBytes, raw: [], disconnected: true });
    expect(device.lineLimit.whole).toBeGreaterThanOrEqual(4095 - 16);
    expect(device.lineLimit.whole).toBeLessThanOrEqual(4095);
    // Upwards from small lines: 256 … 4,095 arrived whole before the interval was halved.
    const dropped = sim.events.filter((e) => e.type === 'fault' && e.fault === 'overlongLine').length;
    expect(dropped).toBeGreaterThanOrEqual(2);
    expect(dropped).toBeLessThanOrEqual(10);
    expect(sim.state.clientSecretSet).toBe(false);
    expect(device.connected).toBe(true);
  });

  it('a device that takes a secret only once registered: recognised, then the register-first order works', async () => {
    const { sim, target, serial } = await fresh();
    const cert = await rig.issue('regfirst.real.example');
    const device = await rig.connect(target);
    // The device's refusal, as such a device words it (the wording is not public: see docs/hardware.md).
    const needsRegistration = deviceOps(device, {
      populateSecretPlain: async (secret: string) => {
        if (sim.state.webexStatus !== 'Registered')
          throw new DeviceError('ERR_DEVICE_COMMAND_FAILED', 'refused', {
            status: 'Error',
            reason: 'This command is only available when the device is registered to Webex.',
          });
        return device.populateSecretPlain(secret);
      },
    });
    const options: ProvisionOptions = { credentials: cert.credentials, link: 'serial' };
    const first = await provision(rig.deps(needsRegistration), options);
    expect(first.error?.code).toBe('ERR_WORKFLOW_NEEDS_REGISTRATION');
    expect(first.error?.message).toContain('--register-first');
    expect(first.error?.message).toContain('only available when the device is registered');
    expect(await rig.secrets.getPending(serial)).toBeNull();

    const again = await provision(rig.deps(needsRegistration), {
      ...options,
      order: 'register-first',
      activationCode: '1234-5678-9012-3456',
      securityAction: 'NoAction',
    });
    expect(again.error).toBeUndefined();
    expect(stepStatuses(again)).toMatchObject({
      'register-first': 'done',
      'populate-secret': 'done',
      'add-certificate': 'done',
      activate: 'done',
      verify: 'done',
      register: 'skipped',
      'verify-registered': 'skipped',
    });
    expect(sim.state.webexStatus).toBe('Registered');
    expect(sim.state.webexIdentity).toBe(cert.fingerprint);
    const regs = (await rig.journal.read()).filter(
      (x) => x.kind !== 'event' && x.action === 'device.register',
    );
    expect(regs.map((x) => [x.kind, x.kind === 'outcome' ? x.result : null])).toEqual([
      ['intent', null],
      ['outcome', 'ok'],
    ]);
  });

  it('register-first needs an activation code and refuses Harden, before anything changes', async () => {
    const { sim, target } = await fresh();
    const cert = await rig.issue('regfirst-bad.real.example');
    const device = await rig.connect(target);
    const noCode = await provision(rig.deps(device), {
      credentials: cert.credentials,
      link: 'serial',
      order: 'register-first',
    });
    expect(noCode.error?.code).toBe('ERR_WORKFLOW_CONFIRMATION_REQUIRED');
    const harden = await provision(rig.deps(device), {
      credentials: cert.credentials,
      link: 'serial',
      order: 'register-first',
      activationCode: '1234-5678-9012-3456',
      securityAction: 'Harden',
    });
    expect(harden.error?.code).toBe('ERR_WORKFLOW_CONFIRMATION_REQUIRED');
    expect(harden.error?.message).toContain('Harden');
    expect(sim.state.clientSecretSet).toBe(false);
    expect(sim.state.webexStatus).not.toBe('Registered');
  });

  it('a refused registration is settled as failed in the journal, with the device words', async () => {
    const { target, serial } = await fresh();
    const cert = await rig.issue('regfail.real.example');
    const device = await rig.connect(target);
    const refusing = deviceOps(device, {
      registerWebex: async () => {
        throw new DeviceError('ERR_DEVICE_COMMAND_FAILED', 'failed', {
          status: 'Error',
          reason: 'Registration failed',
        });
      },
    });
    const r = await provision(rig.deps(refusing), {
      credentials: cert.credentials,
      link: 'serial',
      activationCode: '9999-9999-9999-9999',
    });
    expect(r.error?.code).toBe('ERR_WORKFLOW_REGISTRATION_FAILED');
    expect(r.error?.message).toContain('"Registration failed"');
    const outcome = (await rig.journal.read()).find(
      (x) => x.kind === 'outcome' && x.action === 'device.register' && x.serial === serial,
    );
    expect(outcome).toMatchObject({ result: 'failed', error: { code: 'ERR_DEVICE_COMMAND_FAILED' } });
  });

  it('a first populate refused with unknown words: a coded error that quotes them, both remedies named', async () => {
    const { target } = await fresh();
    const cert = await rig.issue('unknown-words.real.example');
    const device = await rig.connect(target);
    const odd = deviceOps(device, {
      populateSecretPlain: async () => {
        throw new DeviceError('ERR_DEVICE_COMMAND_FAILED', 'refused', { status: 'Error', reason: 'Zorp 42' });
      },
    });
    const r = await provision(rig.deps(odd), { credentials: cert.credentials, link: 'serial' });
    expect(r.error?.code).toBe('ERR_WORKFLOW_POPULATE_REFUSED');
    expect(r.error?.message).toContain('"Zorp 42"');
    expect(r.error?.message).toContain('--factory-reset');
    expect(r.error?.message).toContain('--register-first');
  });

  it('never deletes a certificate the tool did not add; names a chain certificate as such', async () => {
    const { sim, target } = await fresh();
    const cert = await rig.issue('foreign.real.example');
    const device = await rig.connect(target);
    // Someone else put this identity on the device: the journal has no add for it.
    const secret = 'a secret set by someone else';
    await device.populateSecretPlain(secret);
    await rig.secrets.set(sim.state.serialNumber, secret);
    await device.addCertificate(await seal('add', buildAddPayload(cert.credentials).payload, secret));
    await device.activate(await seal('activate', cert.fingerprint, secret));
    const r = await deactivate(rig.deps(device), { delete: true });
    expect(r.error?.code).toBe('ERR_WORKFLOW_NOT_ADDED_BY_TOOL');
    expect(sim.state.webexIdentity).toBe(cert.fingerprint);
    expect(sim.state.certificates.some((c) => c.fingerprint === cert.fingerprint)).toBe(true);
    // Deactivating without deleting is allowed: it is what was asked.
    const d = await deactivate(rig.deps(device), {});
    expect(d.error).toBeUndefined();
    expect(sim.state.webexIdentity).toBeUndefined();
    expect(sim.state.certificates.some((c) => c.fingerprint === cert.fingerprint)).toBe(true);
  });
});
