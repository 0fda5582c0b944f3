/**
 * Changing a device's ClientSecret without ever losing it (issue 6, DESIGN "Nothing lost").
 *
 * The order is the whole point: the intent is journaled and the new secret is stored in the keychain as
 * *pending* before the device is told. If the answer never comes (a timeout, a pulled cable, a killed
 * process), the pending entry survives, and the next connection finds out which secret the device
 * holds with a harmless probe: a populate blob of a secret to itself changes nothing, and the device
 * accepts it only if that secret is the one it holds. Then the keychain and the journal are settled.
 */
import { type InternalErrorCode, ProvisionerError } from '../../core/errors.js';
import { type Enc, seal } from '../../core/jwe/index.js';
import { type SecretCheck, checkSecret, generateSecret } from '../../core/secret/index.js';
import { type Journal, unsettledOps } from '../vault/journal.js';
import type { JournalRecord } from '../vault/journal-types.js';
import { VaultError } from '../vault/errors.js';
import { type SecretStore, checkSerial } from '../vault/secret-store.js';
import { type SecretDevice, classifyDeviceError, deviceHolds, errorCode } from './device-holds.js';
import { canProbeReset, settleFactoryResets } from './reset.js';
import {
  type AdmittedSecret,
  type WeakSecretPolicy,
  type WeakSecretWords,
  admitted,
} from './secret-policy.js';

export const ROTATE_ERROR_CODES = [
  /** The device answered no: its secret did not change. */
  'ERR_ROTATE_REJECTED',
  /** No answer (timeout, cut connection): the next connection settles it. The new secret is pending. */
  'ERR_ROTATE_OUTCOME_UNKNOWN',
  /** The device accepts neither the keychain's secret nor the pending one. */
  'ERR_ROTATE_SECRET_UNKNOWN',
  /** The current secret given by a person is not the one the device holds. */
  'ERR_ROTATE_CURRENT_WRONG',
  /** The new secret is the current one. */
  'ERR_ROTATE_SAME_SECRET',
  /** The answer was lost, and the next connection found the device still holds the current secret. */
  'ERR_ROTATE_NOT_APPLIED',
] as const;
export type RotateErrorCode = (typeof ROTATE_ERROR_CODES)[number];
export class RotateError extends ProvisionerError<RotateErrorCode> {}

/** The boundaries between the steps, in order; fault-injection tests stop the process at each. */
export const ROTATE_STEPS = [
  'identified',
  'settled-before',
  'current-known',
  'sealed',
  'intent-recorded',
  'pending-stored',
  'device-answered',
  'outcome-recorded',
  'keychain-updated',
  'pending-cleared',
] as const;
export type RotateStep = (typeof ROTATE_STEPS)[number];

export interface RotateDeps {
  store: SecretStore;
  journal: Journal;
  enc?: Enc;
  /** Called at each step boundary (tests inject faults here). */
  onStep?: (step: RotateStep) => void | Promise<void>;
  /** Opens a new connection to the same device; used once to settle an unknown outcome at once. */
  reconnect?: () => Promise<SecretDevice & { close?(): Promise<void> }>;
}

export interface RotateRequest {
  /**
   * The new secret; generated (140 bits, readable) when absent. A given one is judged once, before
   * anything reaches the device or the keychain (`secret-policy.ts`); one admitted ahead (`admitSecret`)
   * is not judged again.
   */
  newSecret?: string | AdmittedSecret<'blob'>;
  /** A weak given secret: refused with ERR_SECRET_WEAK (the default), or taken with a warning. */
  weakSecret?: WeakSecretPolicy;
  /** How that refusal names the secret and what it says to do instead (the caller's words). */
  weakSecretWords?: WeakSecretWords;
  /** Asked only when the keychain holds no secret for the device. */
  askCurrentSecret?: () => Promise<string>;
}

export interface SettleResult {
  serial: string;
  /** `clean`: nothing was pending. `settled`: a pending change was resolved. */
  state: 'clean' | 'settled';
  /** Which secret the device was found to hold, when something was settled. */
  holds?: 'new' | 'previous';
  /** Journal ops that got their final outcome. */
  ops: string[];
}

export interface RotateResult {
  serial: string;
  op: string;
  /** The new secret (show a generated one once, then forget it; it is in the keychain). */
  newSecret: string;
  generated: boolean;
  /** Exact entropy of a generated secret. */
  generatedBits?: number;
  /** The judgement of the new secret (bits, rating, warnings), given or generated, made once. */
  check: SecretCheck;
  /** What an earlier, unsettled change turned out to be. */
  before: SettleResult;
  /** When the answer was lost and `reconnect` settled it. */
  settledAfter?: SettleResult;
  /**
   * The device already held the requested secret, set by the earlier rotation `op` (a re-run of a change
   * that went through): nothing was sent, and the keychain is settled.
   */
  alreadyApplied?: true;
}

/**
 * The op of the rotation that set the keychain's current secret of `serial`, when the last thing that
 * set it was a rotation (settled `ok`); undefined when it was a plain populate, an import or a typed one.
 */
export function lastRotation(records: readonly JournalRecord[], serial: string): string | undefined {
  let last: string | undefined;
  for (const r of records) {
    if (r.kind === 'event') {
      if (r.event === 'secret.stored' && r.serial === serial) last = undefined;
      if (r.event === 'secret.imported' && r.serials.includes(serial)) last = undefined;
      continue;
    }
    if (r.serial !== serial || r.kind !== 'outcome' || r.result !== 'ok') continue;
    if (r.action === 'secret.rotate') last = r.op;
    else if (r.action === 'secret.populate-plain' || r.action === 'device.factory-reset') last = undefined;
  }
  return last;
}

async function step(deps: RotateDeps, s: RotateStep): Promise<void> {
  await deps.onStep?.(s);
}

/**
 * Settles any unfinished secret change of the device `serial`: finds out which secret it holds (probe),
 * makes the keychain's current entry that one, removes the pending entry, and journals the outcome of
 * every unsettled rotation. Call it on every connection before anything secret-bearing; it does nothing
 * when nothing is pending.
 */
export async function settleSecret(
  device: SecretDevice,
  serial: string,
  deps: RotateDeps,
): Promise<SettleResult> {
  checkSerial(serial);
  const { store, journal } = deps;
  const pending = await store.getPending(serial);
  const open = unsettledOps(await journal.read(), { action: 'secret.rotate', serial });
  if (pending === null && open.length === 0) return { serial, state: 'clean', ops: [] };
  const current = await store.get(serial);
  const secrets = [pending, current].filter((s): s is string => s !== null);
  const enc = deps.enc ?? 'A128GCM';
  const settle = async (
    result: 'ok' | 'failed' | 'abandoned',
    by: 'probe' | 'recovery',
  ): Promise<string[]> => {
    for (const o of open) await journal.outcome('secret.rotate', o.op, serial, result, by, {}, { secrets });
    return open.map((o) => o.op);
  };

  if (pending !== null) {
    if (await deviceHolds(device, pending, enc)) {
      await store.set(serial, pending);
      await store.deletePending(serial);
      return { serial, state: 'settled', holds: 'new', ops: await settle('ok', 'probe') };
    }
    if (current !== null && (await deviceHolds(device, current, enc))) {
      await store.deletePending(serial);
      return { serial, state: 'settled', holds: 'previous', ops: await settle('failed', 'probe') };
    }
    throw unknownSecret(serial);
  }
  // An intent without a pending entry: the process stopped before the new secret was stored, so the
  // device was never told. Confirm the current secret when there is one.
  if (current !== null && !(await deviceHolds(device, current, enc))) throw unknownSecret(serial);
  return { serial, state: 'settled', holds: 'previous', ops: await settle('abandoned', 'recovery') };
}

function unknownSecret(serial: string): RotateError {
  return new RotateError(
    'ERR_ROTATE_SECRET_UNKNOWN',
    `The device ${serial} accepts neither the secret in the keychain nor the pending one. Someone changed it elsewhere: find the secret (an escrow file: "e2ee-prov secret import"), or factory reset the device.`,
    { serial },
  );
}

/**
 * Changes the device's ClientSecret to `request.newSecret` (or a generated one): settles anything left
 * over first, then seals the populate blob under the current secret, journals the intent, stores the new
 * secret as pending, tells the device, and settles on its answer.
 */
export async function rotateSecret(
  device: SecretDevice,
  request: RotateRequest,
  deps: RotateDeps,
): Promise<RotateResult> {
  const { store, journal } = deps;
  const enc = deps.enc ?? 'A128GCM';
  // The weak-secret policy, before anything reaches the keychain or the device.
  const given =
    request.newSecret === undefined
      ? undefined
      : admitted(request.newSecret, 'blob', request.weakSecret, request.weakSecretWords);
  await store.check();
  const identity = await device.identify();
  const serial = checkSerial(identity.serialNumber);
  await journal.append({
    kind: 'event',
    event: 'device.identified',
    serial,
    ...(identity.productId ? { productId: identity.productId } : {}),
    ...(identity.softwareVersion ? { softwareVersion: identity.softwareVersion } : {}),
  });
  await step(deps, 'identified');
  // A factory reset a killed run left open: settled by what the device shows, before its secret is asked.
  if (canProbeReset(device)) await settleFactoryResets(device, journal, store, serial);

  const before = await settleSecret(device, serial, deps);
  await step(deps, 'settled-before');

  let current = await store.get(serial);
  if (current === null) {
    if (!request.askCurrentSecret) {
      throw new VaultError(
        'ERR_VAULT_NO_SECRET',
        `The keychain holds no secret for the device ${serial}: give its current secret (--secret-file or the prompt), or import it from an escrow file.`,
        { serial },
      );
    }
    const given = await request.askCurrentSecret();
    // Check it with the harmless probe before anything else, then keep it: from here on, the keychain
    // must hold every secret the device might have.
    if (!(await deviceHolds(device, given, enc))) {
      throw new RotateError(
        'ERR_ROTATE_CURRENT_WRONG',
        `The device ${serial} does not accept that secret as its current one; nothing was changed.`,
        { serial },
      );
    }
    await store.set(serial, given);
    await journal.append(
      { kind: 'event', event: 'secret.stored', serial, source: 'typed' },
      { secrets: [given] },
    );
    current = given;
  }
  await step(deps, 'current-known');

  const generated = given === undefined ? generateSecret() : undefined;
  const newSecret = given?.value ?? generated!.secret;
  const check = given?.check ?? checkSecret(newSecret, 'blob');
  if (newSecret === current) {
    // A re-run of a rotation that went through (here, or settled just now by the probe): the device
    // holds the requested secret, which is all that was asked. Only a secret that no rotation set is
    // refused as "the same one".
    const earlier =
      (before.holds === 'new' ? before.ops.at(-1) : undefined) ?? lastRotation(await journal.read(), serial);
    if (earlier === undefined) {
      throw new RotateError('ERR_ROTATE_SAME_SECRET', 'The new secret is the current one; choose another.', {
        serial,
      });
    }
    if (before.holds !== 'new' && !(await deviceHolds(device, current, enc))) throw unknownSecret(serial);
    return {
      serial,
      op: earlier,
      newSecret,
      generated: false,
      check,
      before,
      alreadyApplied: true,
    };
  }
  const secrets = [current, newSecret];
  const blob = await seal('populate', newSecret, current, { enc });
  await step(deps, 'sealed');

  const op = await journal.intent('secret.rotate', serial, { enc }, { secrets });
  await step(deps, 'intent-recorded');
  await store.setPending(serial, newSecret);
  await step(deps, 'pending-stored');

  const base = {
    serial,
    op,
    newSecret,
    generated: generated !== undefined,
    ...(generated ? { generatedBits: generated.bits } : {}),
    check,
    before,
  };
  try {
    await device.populateSecret(blob);
  } catch (e) {
    const kind = classifyDeviceError(e);
    const error = { code: errorCode(e) ?? ('ERR_INTERNAL' satisfies InternalErrorCode) };
    if (kind !== 'unknown') {
      await journal.outcome('secret.rotate', op, serial, 'failed', 'response', { error }, { secrets });
      await store.deletePending(serial);
      if (kind === 'not-sent') throw e;
      throw new RotateError(
        'ERR_ROTATE_REJECTED',
        `The device ${serial} refused the new secret (${error.code}); it still holds the current one.`,
        { serial, cause: error.code, reason: (e as { details?: { reason?: unknown } }).details?.reason },
        { cause: e },
      );
    }
    await journal.outcome('secret.rotate', op, serial, 'unknown', 'response', { error }, { secrets });
    await step(deps, 'outcome-recorded');
    if (deps.reconnect) {
      const again = await deps.reconnect().catch(() => undefined);
      if (again) {
        let settled: SettleResult | undefined;
        try {
          settled = await settleSecret(again, serial, deps);
        } catch {
          // Left pending: the next connection settles it.
        } finally {
          await again.close?.().catch(() => undefined);
        }
        if (settled?.holds === 'new') return { ...base, settledAfter: settled };
        if (settled?.holds === 'previous') {
          throw new RotateError(
            'ERR_ROTATE_NOT_APPLIED',
            `The connection to ${serial} was lost before the device took the new secret; it still holds the current one (checked). Nothing is pending; run the command again.`,
            { serial, op, cause: error.code },
            { cause: e },
          );
        }
      }
    }
    throw new RotateError(
      'ERR_ROTATE_OUTCOME_UNKNOWN',
      `The device ${serial} did not answer (${error.code}), so it may hold either secret. Both are in the keychain; connect again (run the command again) and the tool finds out which one it holds.`,
      { serial, op, cause: error.code },
      { cause: e },
    );
  }
  await step(deps, 'device-answered');
  await journal.outcome('secret.rotate', op, serial, 'ok', 'response', {}, { secrets });
  await step(deps, 'outcome-recorded');
  await store.set(serial, newSecret);
  await step(deps, 'keychain-updated');
  await store.deletePending(serial);
  await step(deps, 'pending-cleared');
  return base;
}
