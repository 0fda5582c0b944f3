import { randomUUID } from 'node:crypto';
import { isProvisionerError } from '../../core/errors.js';
import type { Journal } from '../vault/journal.js';
import type { ActionName, JournalActions, OutcomeResult } from '../vault/journal-types.js';

/**
 * Whether a failure leaves it open if the device acted: a timeout, or a connection that dropped after
 * the command was sent. Those outcomes are `unknown` until a later connection settles them.
 */
export function outcomeOf(e: unknown): OutcomeResult {
  if (!isProvisionerError(e)) return 'failed';
  if (e.code === 'ERR_DEVICE_TIMEOUT') return 'unknown';
  if (e.code === 'ERR_DEVICE_DISCONNECTED') return e.details.mayHaveRun === false ? 'failed' : 'unknown';
  return 'failed';
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
  const op = randomUUID();
  await journal.append(
    { kind: 'intent', action, op, serial, ...intent } as Parameters<Journal['append']>[0],
    { secrets },
  );
  try {
    const value = await work();
    await journal.append({
      kind: 'outcome',
      action,
      op,
      serial,
      result: 'ok',
      settledBy: 'response',
    } as Parameters<Journal['append']>[0]);
    return value;
  } catch (e) {
    const result = outcomeOf(e);
    const code = isProvisionerError(e) ? e.code : 'ERR_INTERNAL';
    await journal
      .append({
        kind: 'outcome',
        action,
        op,
        serial,
        result,
        settledBy: 'response',
        error: { code },
      } as Parameters<Journal['append']>[0])
      .catch(() => undefined); // the device error is the one to report
    throw e;
  }
}
