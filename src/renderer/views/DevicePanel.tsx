import type { DeviceSessionInfo } from '../../contract/index.js';
import { type Lang, fmt, messages } from '../i18n/index.js';
import { ProblemText } from './common.js';
import { Fmt } from './Fmt.js';

/** Who answered on the console, and whether the keychain holds its secret (never the secret). */
export function DeviceFacts({ lang, device }: { lang: Lang; device: DeviceSessionInfo }) {
  const t = messages(lang).device;
  const id = device.identity;
  return (
    <div data-testid="device-facts" className="facts">
      <p className="connected" role="status">
        <Fmt text={t.connected} values={{ target: device.target }} />
      </p>
      <dl>
        <dt>{t.product}</dt>
        <dd data-field="product" translate="no">
          {id.productId}
        </dd>
        <dt>{t.software}</dt>
        <dd translate="no">{id.softwareDisplayName || id.softwareVersion}</dd>
        <dt>{t.serial}</dt>
        <dd data-field="serial" translate="no">
          {id.serialNumber}
        </dd>
        <dt>{t.name}</dt>
        <dd translate="no">{id.systemName || '—'}</dd>
        <dt>{t.webex}</dt>
        <dd>{id.webexStatus ? (t.webexStates[id.webexStatus] ?? id.webexStatus) : '—'}</dd>
        <dt>{t.secret}</dt>
        <dd data-field="secret">
          {device.secret
            ? device.secret.hasSecret
              ? fmt(t.secretStored, {
                  label: device.secret.label === 'OS keychain' ? t.osKeychain : device.secret.label,
                })
              : t.secretNone
            : t.keychainProblem}
          {device.secret?.hasPending && <> — {t.secretPending}</>}
        </dd>
      </dl>
      {device.keychainError && <ProblemText lang={lang} problem={device.keychainError} />}
    </div>
  );
}
