import { isProvisionerError } from '../../core/errors.js';
import type { Journal } from '../vault/journal.js';
import type { ActionName, JournalActions, OutcomeResult } from '../vault/journal-types.js';
import { classifyDeviceError } from './device-holds.js';

/**
 * How a failed device operation ended: `unknown` when the device may have acted (a timeout, or a
 * connection that dropped after the command was sent); a later connection settles those.
 */
export function outcomeOf(e: unknown): OutcomeResult {
  return classifyDeviceError(e) === 'unknown' ? 'unknown' : 'failed';
}

/**
 * Runs one device-changing operation between a durable intent and its outcome, so that the journal
 * says what was attempted even when the process dies in the middle. `secrets` are the values the
 * journal must refuse to record (a second line of defence).
 */
export async function journaled<A extends ActionName, T>(
  journal: Journal,
  serial: string,
  action: A,
  intent: JournalActions[A]['intent'],
  work: () => Promise<T>,
  secrets: readonly string[] = [],
): Promise<T> {
  const op = await journal.intent(action, serial, intent, { secrets });
  let value: T;
  try {
    value = await work();
  } catch (e) {
    const code = isProvisionerError(e) ? e.code : 'ERR_INTERNAL';
    // The device's error is the one to report; a journal that cannot take the outcome says so on the next verify.
    await journal
      .outcome(action, op, serial, outcomeOf(e), 'response', { error: { code } })
      .catch(() => undefined);
    throw e;
  }
  await journal.outcome(action, op, serial, 'ok', 'response');
  return value;
}
