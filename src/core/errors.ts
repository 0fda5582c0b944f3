/**
 * The project's error base. Every expected failure carries a stable `code` (public API: the CLI prints
 * it, the IPC layer sends it, the renderer translates it) and a message that says what went wrong and
 * what to do next. Programming errors stay `TypeError`s.
 */
/**
 * The code of a failure that is none of ours (a bug, a foreign exception): the CLI, the IPC layer and the
 * journal report it as this, with a message that asks for a report and never a stack.
 */
export const INTERNAL_ERROR_CODES = ['ERR_INTERNAL'] as const;
export type InternalErrorCode = (typeof INTERNAL_ERROR_CODES)[number];

export class ProvisionerError<C extends string = string> extends Error {
  readonly code: C;
  /** Structured facts for a UI (which part, which limit); never a secret. */
  readonly details: Readonly<Record<string, unknown>>;

  constructor(
    code: C,
    message: string,
    details: Record<string, unknown> = {},
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = new.target.name;
    this.code = code;
    this.details = details;
  }

  /** The serializable form that crosses IPC and the CLI's `--json` output. */
  toJSON(): { ok: false; code: C; message: string; details: Readonly<Record<string, unknown>> } {
    return { ok: false, code: this.code, message: this.message, details: this.details };
  }
}

/** True when `e` is one of ours (not a bug or a foreign exception). */
export function isProvisionerError(e: unknown): e is ProvisionerError {
  return e instanceof ProvisionerError;
}
