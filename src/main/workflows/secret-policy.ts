/**
 * The weak-secret policy of the workflows that take a caller-chosen client secret (provision with a given
 * secret, a rotation to a given secret, a batch row's secret_file): the secret is judged once (core's
 * `checkSecret`), a weak one is refused with ERR_SECRET_WEAK before anything reaches the device or the
 * keychain unless the caller allows it (`weakSecret: 'allow'`), and the judgement travels with the secret
 * into the workflow's result, for the edges to show. The edges pass the person's choice and their words.
 */
import { type PopulateRoute, type SecretCheck, SecretError, checkSecret } from '../../core/secret/index.js';

/** A weak caller-chosen secret: refused (the default) or taken, its warning then saying so. */
export type WeakSecretPolicy = 'refuse' | 'allow';

/** How a refusal names the secret, and what it tells the person to do instead (each edge has its words). */
export interface WeakSecretWords {
  subject: string;
  remedy: string;
  /** Added to the refusal's details (a batch row's line). */
  details?: Record<string, unknown>;
}

/** Only this module holds it: nothing else can make an AdmittedSecret. */
const ADMIT: unique symbol = Symbol('admit');

const DEFAULT_WORDS: WeakSecretWords = {
  subject: 'The secret',
  remedy: 'Choose a longer one, or leave it out to have one generated.',
};

/**
 * A caller-chosen secret that passed the policy, with its judgement: made only by `admitSecret`, so a
 * workflow given one does not judge it again. `R` is the route it was judged for.
 */
export class AdmittedSecret<R extends PopulateRoute = PopulateRoute> {
  constructor(
    token: typeof ADMIT,
    readonly value: string,
    readonly route: R,
    readonly check: SecretCheck,
  ) {
    if (token !== ADMIT) throw new TypeError('an AdmittedSecret is made by admitSecret');
  }

  /** Never the secret in a log line or a JSON dump by mistake. */
  toJSON(): { route: R; bits: number; rating: string } {
    return { route: this.route, bits: this.check.strength.bits, rating: this.check.strength.rating };
  }
}

/** The judgement of a secret and the policy's verdict on it, without throwing the refusal. */
export interface SecretVerdict {
  check: SecretCheck;
  /** ERR_SECRET_WEAK when the policy refuses it; null when it is taken. */
  refusal: SecretError | null;
}

/**
 * Judges `value` for `route` once: throws SecretError when the device could not take it at all (empty,
 * too long, a control character), and says whether the policy refuses it as weak.
 */
export function judgeGivenSecret(
  value: string,
  route: PopulateRoute,
  policy: WeakSecretPolicy = 'refuse',
  words: WeakSecretWords = DEFAULT_WORDS,
): SecretVerdict {
  const check = checkSecret(value, route);
  if (policy === 'allow' || check.strength.rating !== 'weak') return { check, refusal: null };
  return {
    check,
    refusal: new SecretError(
      'ERR_SECRET_WEAK',
      `${words.subject} is too easy to guess (about ${Math.round(check.strength.bits)} bits: a common word, a short or repeated pattern); nothing was sent to the device. ${words.remedy}`,
      { ...words.details, bits: check.strength.bits },
    ),
  };
}

/** Judges `value` once and admits it, or throws the refusal (ERR_SECRET_WEAK, or the device's limits). */
export function admitSecret<R extends PopulateRoute>(
  value: string,
  route: R,
  policy: WeakSecretPolicy = 'refuse',
  words: WeakSecretWords = DEFAULT_WORDS,
): AdmittedSecret<R> {
  const { check, refusal } = judgeGivenSecret(value, route, policy, words);
  if (refusal) throw refusal;
  return new AdmittedSecret(ADMIT, value, route, check);
}

/**
 * A workflow's given secret, admitted: one admitted ahead (by a caller that refuses before it connects)
 * is taken as it is; a plain string is judged now, under `policy`.
 */
export function admitted<R extends PopulateRoute>(
  given: string | AdmittedSecret<R>,
  route: R,
  policy: WeakSecretPolicy | undefined,
  words: WeakSecretWords | undefined,
): AdmittedSecret<R> {
  if (given instanceof AdmittedSecret) {
    if (given.route !== route)
      throw new TypeError(`the secret was judged for the ${given.route} route, not ${route}`);
    return given;
  }
  return admitSecret(given, route, policy, words);
}
