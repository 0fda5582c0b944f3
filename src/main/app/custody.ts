/**
 * Secret custody: the generated secrets a device holds (or may hold) that the person has not
 * acknowledged yet, by serial. Each is kept until acknowledged, whatever else happens (stop, failure,
 * resume, another device, another screen): revealed on the screen that made it, copied to the
 * clipboard for a while, named in the quit question. Needs no device: a plain store.
 */
import type { AppLanguage, PendingSecret, RevealedSecret } from '../../contract/index.js';
import { NATIVE_TEXT } from '../native-text.js';
import { AppError } from './errors.js';
import type { ClipboardLike, QuitQuestion } from './options.js';

/** A secret in custody: the secret, its device and when it was made. */
export type HeldSecret = RevealedSecret & Omit<PendingSecret, 'lastGroupLength'>;

/** The device a kept secret belongs to. */
export interface SecretOwner {
  serial: string;
  productId: string | null;
  /** The target as shown (`describeTarget`). */
  target: string;
}

/** The group the person types to acknowledge a secret: what follows its last dash. */
export function lastGroup(secret: string): string {
  return secret.split('-').at(-1) ?? secret;
}

export interface CustodyOptions {
  /** Where Copy puts a secret; absent: Copy is refused. */
  clipboard?: ClipboardLike;
  /** How long a copied secret stays on the clipboard (default 60 s). */
  clipboardClearMs?: number;
  /** The clock that stamps `since` (tests give a fixed one). */
  now?: () => Date;
}

export class SecretCustody {
  /** By serial, oldest first: a newer secret for a device replaces the older one and moves to the end. */
  private readonly unacknowledged = new Map<string, HeldSecret>();

  constructor(private readonly options: CustodyOptions = {}) {}

  /** A newer secret for the same device replaces an older one: the device holds only the newest. */
  keep(owner: SecretOwner, source: RevealedSecret['source'], secret: string): void {
    this.unacknowledged.delete(owner.serial);
    this.unacknowledged.set(owner.serial, {
      serial: owner.serial,
      source,
      secret,
      since: (this.options.now?.() ?? new Date()).toISOString(),
      productId: owner.productId,
      target: owner.target,
    });
  }

  /** The device no longer holds the kept secret (a typed one replaced it): nothing to keep. */
  drop(serial: string): void {
    this.unacknowledged.delete(serial);
  }

  /** The secret kept for a device, if any. */
  get(serial: string): HeldSecret | undefined {
    return this.unacknowledged.get(serial);
  }

  get size(): number {
    return this.unacknowledged.size;
  }

  /** The newest secret a screen's own action made (for one device, when named); it stays kept. */
  reveal(source: RevealedSecret['source'], serial?: string): RevealedSecret {
    const found = [...this.unacknowledged.values()]
      .reverse()
      .find((x) => x.source === source && (serial === undefined || x.serial === serial));
    if (!found) {
      throw new AppError(
        'ERR_APP_NOTHING_TO_REVEAL',
        'There is no new secret to show: it was acknowledged already, and it is kept in the keychain.',
      );
    }
    return { serial: found.serial, source, secret: found.secret };
  }

  /** The devices whose secret waits, never the secrets (the length of the last group, to type it). */
  pending(): PendingSecret[] {
    return [...this.unacknowledged.values()].map(({ secret, ...rest }) => ({
      ...rest,
      lastGroupLength: lastGroup(secret).length,
    }));
  }

  private held(serial: string): HeldSecret {
    const found = this.unacknowledged.get(serial);
    if (!found) {
      throw new AppError('ERR_APP_NOTHING_TO_REVEAL', 'There is no unacknowledged secret for this device.');
    }
    return found;
  }

  /** "I have saved it", confirmed by the secret's last group (any case, edge spaces ignored). */
  acknowledge(serial: string, typed: string): { acknowledged: true } {
    const found = this.held(serial);
    if (typed.trim().toUpperCase() !== lastGroup(found.secret).toUpperCase()) {
      throw new AppError(
        'ERR_APP_ACK_MISMATCH',
        'That is not the secret’s last group: look at the secret you saved and type its last group again.',
      );
    }
    this.unacknowledged.delete(serial);
    return { acknowledged: true as const };
  }

  /** Puts the secret on the clipboard; cleared after a while, only if it still holds the secret. */
  async copy(serial: string): Promise<{ clearAfterSeconds: number }> {
    const found = this.held(serial);
    const clipboard = this.options.clipboard;
    if (!clipboard)
      throw new AppError('ERR_APP_NO_CLIPBOARD', 'This window has no clipboard; write the secret down.');
    await clipboard.writeText(found.secret);
    const ms = this.options.clipboardClearMs ?? 60_000;
    // Cleared only if it still holds the secret: what the person copied since is theirs.
    const timer = setTimeout(() => {
      void (async () => {
        if ((await clipboard.readText()) === found.secret) await clipboard.writeText('');
      })().catch(() => undefined);
    }, ms);
    timer.unref();
    return { clearAfterSeconds: Math.round(ms / 1000) };
  }

  /** The devices whose secret waits, with the action that made it (the shell warns on quit). */
  owners(): { serial: string; source: RevealedSecret['source'] }[] {
    return [...this.unacknowledged.values()].map(({ serial, source }) => ({ serial, source }));
  }

  /** What to ask before the window closes, in its language; null: nothing waits. */
  quitQuestion(language: AppLanguage): QuitQuestion | null {
    if (this.unacknowledged.size === 0) return null;
    const t = NATIVE_TEXT[language];
    return {
      title: t.quitTitle,
      message: t.quitMessage([...this.unacknowledged.keys()].join(', ')),
      detail: t.quitDetail,
      buttons: [t.quitStay, t.quitLeave],
    };
  }
}
