import type { AppStatus, DeviceSessionInfo, PendingSecret } from '../../contract/index.js';
import { type Lang, fmt, messages, plural } from '../i18n/index.js';
import { Fmt } from './Fmt.js';

/** One line at the foot of the window: connection, keychain, journal, and a secret waiting. */
export function StatusBar({
  lang,
  device,
  status,
  pending,
}: {
  lang: Lang;
  device: DeviceSessionInfo | null;
  status: AppStatus | null;
  pending: PendingSecret[];
}) {
  const t = messages(lang).statusBar;
  const keychain = status?.keychain;
  const journal = status?.journal;
  return (
    <footer className="status-bar" data-testid="status-bar">
      <span data-field="connection" data-state={device ? 'ok' : 'idle'}>
        <span aria-hidden="true">{device ? '● ' : '○ '}</span>
        {device ? <Fmt text={t.connected} values={{ target: device.target }} /> : t.disconnected}
      </span>
      <span data-field="keychain" data-state={keychain ? (keychain.ok ? 'ok' : 'bad') : 'idle'}>
        <span aria-hidden="true">{keychain?.ok === false ? '✕ ' : '✓ '}</span>
        {keychain ? (keychain.ok ? t.keychainOk : fmt(t.keychainBad, { code: keychain.code })) : t.checking}
      </span>
      <span data-field="journal" data-state={journal ? (journal.ok ? 'ok' : 'bad') : 'idle'}>
        <span aria-hidden="true">{journal?.ok === false ? '✕ ' : '✓ '}</span>
        {journal ? (journal.ok ? plural(t.journalOk, journal.records) : t.journalBad) : t.checking}
      </span>
      {pending.length > 0 && (
        <span data-field="secret" data-state="warn">
          <span aria-hidden="true">⚠ </span>
          {plural(t.secretsWaiting, pending.length)}
        </span>
      )}
    </footer>
  );
}
