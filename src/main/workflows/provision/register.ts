/**
 * Provisioning's registration to Webex (`Webex Registration Start`, then the status read back) and the
 * wait for a registered device to report its external identity.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { E2eeStatus } from '../../../core/xapi/results.js';
import type { Detail, StepIO } from '../engine.js';
import { WorkflowError } from '../errors.js';
import { awaitExternalIdentity, verifyExternal } from '../identity.js';
import { outcomeOf } from '../journaled.js';
import { readWebexStatus } from '../device-port.js';
import { type Ctx, said } from './context.js';

/** How long the status may lag behind the registration's answer before it counts as not registered. */
const REGISTRATION_GRACE_MS = 30_000;

/** A registered device reports its external identity a moment after activation: wait, then verify. */
export async function waitForExternalIdentity(ctx: Ctx, io: StepIO, first: E2eeStatus): Promise<Detail> {
  const status = await awaitExternalIdentity(ctx.deps.device, ctx.cn, {
    first,
    signal: io.signal,
    ...(ctx.options.identitySettleMs !== undefined ? { timeoutMs: ctx.options.identitySettleMs } : {}),
  });
  return said('EXTERNAL_IDENTITY', verifyExternal(status.external, ctx.cn), {
    identity: status.external.identity ?? '',
    status: status.external.status ?? '',
  });
}

/**
 * Whether the device is registered already. The status this run read last (in the precheck, after a
 * reset, or after the register-first registration) still holds: nothing the steps in between do
 * registers a device. A device that was still registering is asked again.
 */
export async function registeredAlready(ctx: Ctx): Promise<false | Detail> {
  const known = ctx.identity?.webexStatus;
  const webex =
    known !== undefined && (known ?? '').toLowerCase() !== 'registering'
      ? known
      : await readWebexStatus(ctx.deps.device);
  if ((webex ?? '').toLowerCase() !== 'registered') return false;
  ctx.registered = true;
  return said('ALREADY_REGISTERED', 'the device is already registered');
}

/**
 * `Webex Registration Start`: it answers when registration succeeded or failed (it may take minutes, or
 * time out with "failed"), so the answer is waited for, then `Webex Status` is read back and the
 * journal settled either way: ok when Registered, failed when the device refused or the status says
 * so, unknown when the answer was lost.
 */
export async function register(ctx: Ctx, io: StepIO): Promise<Detail> {
  const { device, journal } = ctx.deps;
  const timeoutMs = ctx.settings.registrationTimeoutMs;
  const action = ctx.settings.securityAction;
  io.info(
    `Registering to Webex (SecurityAction ${action}); the device answers when registration succeeded or failed, which can take up to ${Math.round(timeoutMs / 60_000)} min.`,
    { code: 'NOTE_REGISTERING', params: { action, minutes: Math.round(timeoutMs / 60_000) } },
  );
  const op = await journal.intent('device.register', ctx.serial, {});
  let answer: Record<string, string>;
  try {
    answer = await device.registerWebex(ctx.options.activationCode!, action, { timeoutMs });
  } catch (e) {
    const code = (e as { code?: string }).code ?? 'ERR_INTERNAL';
    await journal.outcome('device.register', op, ctx.serial, outcomeOf(e), 'response', { error: { code } });
    if (code === 'ERR_DEVICE_COMMAND_FAILED' || code === 'ERR_DEVICE_PARAMETER') {
      const reason = (e as { details?: { reason?: string | null } }).details?.reason ?? null;
      throw new WorkflowError(
        'ERR_WORKFLOW_REGISTRATION_FAILED',
        `The device could not register to Webex${reason ? `; it said: ${JSON.stringify(reason)}` : ''}. Check the activation code (it is used once and expires) and the device's network, then run the provisioning again: it goes on from here.`,
        { reason },
      );
    }
    throw e;
  }
  if (action === 'Harden') {
    await journal.append({
      kind: 'event',
      event: 'device.hardened',
      serial: ctx.serial,
      ...(ctx.options.targetLabel ? { target: ctx.options.targetLabel } : {}),
    });
  }
  // Registering may last until the time-out; another state (the status not yet updated after the
  // answer) gets a short grace; Error ends the wait at once.
  const deadline = Date.now() + timeoutMs;
  const grace = Date.now() + Math.min(timeoutMs, REGISTRATION_GRACE_MS);
  // The registration read back (needed): the answer alone does not say the device is registered.
  let webex: string | null;
  try {
    webex = await readWebexStatus(device);
  } catch (e) {
    if (action !== 'Harden') throw e;
    // The local admin is off now: the answer is the proof when the console no longer answers.
    await journal.outcome('device.register', op, ctx.serial, 'ok', 'response');
    ctx.registered = true;
    return said('REGISTERED_HARDEN', 'registered with SecurityAction Harden: local users are now off');
  }
  for (;;) {
    const state = (webex ?? '').toLowerCase();
    if (state === 'registered' || state === 'error' || io.signal.aborted) break;
    if (Date.now() >= (state === 'registering' ? deadline : grace)) break;
    await sleep(250);
    webex = await readWebexStatus(device);
  }
  // What the later steps go by (a refused populate's advice, the register step's check).
  if (ctx.identity) ctx.identity = { ...ctx.identity, webexStatus: webex };
  if ((webex ?? '').toLowerCase() !== 'registered') {
    const settled = (webex ?? '').toLowerCase() === 'registering' ? 'unknown' : 'failed';
    await journal.outcome('device.register', op, ctx.serial, settled, 'probe', {
      error: { code: 'ERR_WORKFLOW_REGISTRATION_FAILED' },
    });
    throw new WorkflowError(
      'ERR_WORKFLOW_REGISTRATION_FAILED',
      `The device answered the registration (${JSON.stringify(Object.values(answer).join(', '))}) but its Webex status is ${JSON.stringify(webex)}, not Registered. Check the activation code and the device's network, then run the provisioning again.`,
      { webexStatus: webex },
    );
  }
  await journal.outcome('device.register', op, ctx.serial, 'ok', 'probe');
  ctx.registered = true;
  return said('REGISTERED', 'registered to Webex');
}
