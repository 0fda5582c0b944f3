/**
 * Secret custody without a device: what is kept, revealed, listed, acknowledged and copied, and the
 * question asked before the window closes. The clipboard is an in-memory one (the shell's is Electron's).
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { SecretCustody, lastGroup } from '../../../src/main/app/custody.js';
import { AppError } from '../../../src/main/app/errors.js';
import type { ClipboardLike } from '../../../src/main/app/options.js';
import { NATIVE_TEXT } from '../../../src/main/native-text.js';

const ROOM = { serial: 'FOC0001', productId: 'Cisco Room Kit', target: 'sim:room' };
const DESK = { serial: 'FOC0002', productId: null, target: 'serial:/dev/ttyACM0' };
const S1 = 'K7QM-2XPD-9HRT-WN4C-ZB6E-UYJ3-F8AS';
const S2 = 'A2B3-C4D5-E6F7-G8H9-JKLM-NPQR-STUV';
const S3 = '2345-6789-ABCD-EFGH-JKLM-NPQR-WXYZ';
const at = (iso: string) => () => new Date(iso);

/** The code an action is refused with (the test fails when it is not refused, or not with an AppError). */
async function refusal(action: () => unknown): Promise<string> {
  try {
    await action();
  } catch (e) {
    expect(e).toBeInstanceOf(AppError);
    return (e as AppError).code;
  }
  throw new Error('not refused');
}

class MemoryClipboard implements ClipboardLike {
  text = '';
  writeText(text: string): void {
    this.text = text;
  }
  readText(): string {
    return this.text;
  }
}

afterEach(() => {
  vi.useRealTimers();
});

describe('secret custody', () => {
  it('keeps the newest secret per device, reveals it on the screen that made it, lists no secret', () => {
    const custody = new SecretCustody({ now: at('2026-12-07T02:00:00.000Z') });
    custody.keep(ROOM, 'provision', S1);
    custody.keep(DESK, 'rotate', S2);
    expect(custody.reveal('provision')).toEqual({ serial: 'FOC0001', source: 'provision', secret: S1 });
    expect(custody.reveal('rotate', 'FOC0002')).toEqual({ serial: 'FOC0002', source: 'rotate', secret: S2 });
    // Revealing keeps it: it stays until acknowledged.
    expect(custody.reveal('provision', 'FOC0001').secret).toBe(S1);

    // A newer secret for the same device replaces the older one, and moves to the end.
    custody.keep(ROOM, 'rotate', S3);
    expect(custody.size).toBe(2);
    expect(custody.pending()).toEqual([
      {
        serial: 'FOC0002',
        source: 'rotate',
        since: '2026-12-07T02:00:00.000Z',
        productId: null,
        target: 'serial:/dev/ttyACM0',
        lastGroupLength: 4,
      },
      {
        serial: 'FOC0001',
        source: 'rotate',
        since: '2026-12-07T02:00:00.000Z',
        productId: 'Cisco Room Kit',
        target: 'sim:room',
        lastGroupLength: 4,
      },
    ]);
    expect(JSON.stringify(custody.pending())).not.toContain('WXYZ');
    // The newest secret a screen made is the one it reveals.
    expect(custody.reveal('rotate')).toEqual({ serial: 'FOC0001', source: 'rotate', secret: S3 });
    expect(custody.owners()).toEqual([
      { serial: 'FOC0002', source: 'rotate' },
      { serial: 'FOC0001', source: 'rotate' },
    ]);
  });

  it('refuses to reveal what another screen made or nothing at all (ERR_APP_NOTHING_TO_REVEAL)', async () => {
    const custody = new SecretCustody();
    expect(await refusal(() => custody.reveal('provision'))).toBe('ERR_APP_NOTHING_TO_REVEAL');
    custody.keep(ROOM, 'rotate', S1);
    expect(await refusal(() => custody.reveal('provision'))).toBe('ERR_APP_NOTHING_TO_REVEAL');
    expect(await refusal(() => custody.reveal('rotate', 'FOC0002'))).toBe('ERR_APP_NOTHING_TO_REVEAL');
    expect(await refusal(() => custody.acknowledge('FOC0002', 'F8AS'))).toBe('ERR_APP_NOTHING_TO_REVEAL');
    expect(await refusal(() => custody.copy('FOC0002'))).toBe('ERR_APP_NOTHING_TO_REVEAL');
  });

  it('is acknowledged only by the last group (any case, edge spaces ignored); a wrong one keeps it', async () => {
    const custody = new SecretCustody();
    custody.keep(ROOM, 'provision', S1);
    expect(lastGroup(S1)).toBe('F8AS');
    expect(await refusal(() => custody.acknowledge('FOC0001', 'UYJ3'))).toBe('ERR_APP_ACK_MISMATCH');
    expect(await refusal(() => custody.acknowledge('FOC0001', 'F8A'))).toBe('ERR_APP_ACK_MISMATCH');
    expect(custody.get('FOC0001')?.secret).toBe(S1);
    expect(custody.acknowledge('FOC0001', '  f8as ')).toEqual({ acknowledged: true });
    expect(custody.get('FOC0001')).toBeUndefined();
    expect(custody.size).toBe(0);
    expect(await refusal(() => custody.reveal('provision'))).toBe('ERR_APP_NOTHING_TO_REVEAL');
  });

  it('forgets a secret the device no longer holds (a typed one replaced it)', () => {
    const custody = new SecretCustody();
    custody.keep(ROOM, 'rotate', S1);
    custody.keep(DESK, 'rotate', S2);
    custody.drop('FOC0001');
    expect(custody.owners()).toEqual([{ serial: 'FOC0002', source: 'rotate' }]);
  });

  it('copies to the clipboard and clears it when the time is up, unless the person copied something since', async () => {
    vi.useFakeTimers();
    const clipboard = new MemoryClipboard();
    const custody = new SecretCustody({ clipboard, clipboardClearMs: 30_000 });
    custody.keep(ROOM, 'provision', S1);
    custody.keep(DESK, 'rotate', S2);

    expect(await custody.copy('FOC0001')).toEqual({ clearAfterSeconds: 30 });
    expect(clipboard.text).toBe(S1);
    await vi.advanceTimersByTimeAsync(29_999);
    expect(clipboard.text).toBe(S1);
    await vi.advanceTimersByTimeAsync(1);
    expect(clipboard.text).toBe('');
    // Copying does not acknowledge.
    expect(custody.get('FOC0001')?.secret).toBe(S1);

    expect(await custody.copy('FOC0002')).toEqual({ clearAfterSeconds: 30 });
    clipboard.writeText('the person’s own text');
    await vi.advanceTimersByTimeAsync(30_000);
    expect(clipboard.text).toBe('the person’s own text');
  });

  it('copies after the default minute; without a clipboard Copy is refused (ERR_APP_NO_CLIPBOARD)', async () => {
    const custody = new SecretCustody();
    custody.keep(ROOM, 'provision', S1);
    expect(await refusal(() => custody.copy('FOC0001'))).toBe('ERR_APP_NO_CLIPBOARD');
    const withClipboard = new SecretCustody({ clipboard: new MemoryClipboard() });
    withClipboard.keep(ROOM, 'provision', S1);
    expect(await withClipboard.copy('FOC0001')).toEqual({ clearAfterSeconds: 60 });
  });

  it('asks before quitting while a secret waits, in the window’s language, naming the devices', () => {
    const custody = new SecretCustody();
    expect(custody.quitQuestion('en')).toBeNull();
    custody.keep(ROOM, 'provision', S1);
    custody.keep(DESK, 'rotate', S2);
    for (const lang of ['en', 'ko'] as const) {
      const t = NATIVE_TEXT[lang];
      expect(custody.quitQuestion(lang)).toEqual({
        title: t.quitTitle,
        message: t.quitMessage('FOC0001, FOC0002'),
        detail: t.quitDetail,
        buttons: [t.quitStay, t.quitLeave],
      });
    }
    expect(custody.quitQuestion('en')!.message).toBe(
      'The new client secret of FOC0001, FOC0002 has not been acknowledged.',
    );
    custody.acknowledge('FOC0001', 'F8AS');
    custody.acknowledge('FOC0002', 'STUV');
    expect(custody.quitQuestion('ko')).toBeNull();
  });
});
