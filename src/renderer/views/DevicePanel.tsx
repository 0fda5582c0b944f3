import { useRef, useState } from 'react';
import type { DeviceSessionInfo, PortInfo } from '../../contract/index.js';
import { api } from '../api.js';
import { type Lang, fmt, messages } from '../i18n/index.js';
import { type Problem, ProblemText } from './common.js';

/** Connect to a device (serial, SSH, or the training simulator), and show who answered. */
export function DevicePanel({
  lang,
  device,
  onDevice,
}: {
  lang: Lang;
  device: DeviceSessionInfo | null;
  onDevice: (d: DeviceSessionInfo | null) => void;
}) {
  const t = messages(lang).device;
  const [target, setTarget] = useState('');
  const [ports, setPorts] = useState<PortInfo[] | null>(null);
  const [problem, setProblem] = useState<Problem | null>(null);
  const [working, setWorking] = useState(false);
  // The login password lives only in the input until Connect; it is never React state.
  const password = useRef<HTMLInputElement>(null);
  // A first SSH connection: the host key main saw, shown to the person to accept or refuse. The typed
  // password waits in a ref (not state) only while the question is open.
  const [hostKey, setHostKey] = useState<{ fingerprint: string; keyType: string; where: string } | null>(
    null,
  );
  const heldPassword = useRef<string | null>(null);

  async function findPorts(): Promise<void> {
    const r = await api().ports.list();
    if (r.ok) setPorts(r.value);
    else setProblem({ code: r.code, message: r.message });
  }

  async function connect(acceptedKey?: string): Promise<void> {
    const typed = acceptedKey !== undefined ? (heldPassword.current ?? '') : (password.current?.value ?? '');
    if (password.current) password.current.value = '';
    heldPassword.current = null;
    setHostKey(null);
    setWorking(true);
    setProblem(null);
    const r = await api().device.connect(target.trim(), typed === '' ? null : typed, acceptedKey);
    setWorking(false);
    if (r.ok) onDevice(r.value);
    else if (r.code === 'ERR_DEVICE_HOST_KEY' && acceptedKey === undefined && r.details?.unknown === true) {
      const d = r.details as { fingerprint?: unknown; keyType?: unknown; host?: unknown; port?: unknown };
      if (typeof d.fingerprint === 'string') {
        heldPassword.current = typed;
        setHostKey({
          fingerprint: d.fingerprint,
          keyType: String(d.keyType ?? ''),
          where: `${String(d.host ?? '')}:${String(d.port ?? '')}`,
        });
        return;
      }
      setProblem({ code: r.code, message: r.message });
    } else setProblem({ code: r.code, message: r.message });
  }

  function refuseHostKey(): void {
    heldPassword.current = null;
    setHostKey(null);
  }

  async function disconnect(): Promise<void> {
    const r = await api().device.disconnect();
    if (r.ok) onDevice(null);
    else setProblem({ code: r.code, message: r.message });
  }

  async function refresh(): Promise<void> {
    const r = await api().device.identify();
    if (r.ok) onDevice(r.value);
    else setProblem({ code: r.code, message: r.message });
  }

  return (
    <section aria-labelledby="device-heading" className="panel">
      <h2 id="device-heading" tabIndex={-1}>
        {t.heading}
      </h2>
      <p className="help">{t.help}</p>
      <form
        className="connect-form"
        onSubmit={(e) => {
          e.preventDefault();
          void connect();
        }}
      >
        <div className="field">
          <label htmlFor="target">{t.target}</label>
          <input
            id="target"
            value={target}
            onChange={(e) => setTarget(e.target.value)}
            aria-describedby="target-help"
            spellCheck={false}
            autoComplete="off"
            required
          />
          <small id="target-help">{t.targetHelp}</small>
        </div>
        <div className="field">
          <label htmlFor="login-password">{t.password}</label>
          <input id="login-password" type="password" ref={password} autoComplete="off" />
        </div>
        <div className="buttons">
          <button type="submit" className="primary" disabled={working || target.trim() === ''}>
            {working ? messages(lang).common.working : t.connect}
          </button>
          <button type="button" onClick={() => setTarget('sim:')}>
            {t.simulator}
          </button>
          <button type="button" onClick={() => void findPorts()}>
            {t.findPorts}
          </button>
          {device && (
            <>
              <button type="button" onClick={() => void refresh()}>
                {messages(lang).common.refresh}
              </button>
              <button type="button" onClick={() => void disconnect()}>
                {t.disconnect}
              </button>
            </>
          )}
        </div>
      </form>
      {ports && (
        <div className="ports">
          <h3>{t.ports}</h3>
          {ports.length === 0 ? (
            <p>{t.noPorts}</p>
          ) : (
            <ul>
              {ports.map((p) => (
                <li key={p.path}>
                  <button type="button" onClick={() => setTarget(`serial:${p.path}`)}>
                    {fmt(t.usePort, { path: p.path })}
                  </button>{' '}
                  <span className={p.likelyConsole ? 'likely' : ''}>{p.note}</span>
                </li>
              ))}
            </ul>
          )}
        </div>
      )}
      {hostKey && (
        <div
          role="alertdialog"
          aria-labelledby="host-key-heading"
          className="host-key"
          data-testid="host-key"
        >
          <h3 id="host-key-heading">{t.hostKeyHeading}</h3>
          <p>{fmt(t.hostKeyQuestion, { where: hostKey.where })}</p>
          <p>
            <code data-field="fingerprint">{hostKey.fingerprint}</code> ({hostKey.keyType})
          </p>
          <div className="buttons">
            <button type="button" className="primary" onClick={() => void connect(hostKey.fingerprint)}>
              {t.hostKeyAccept}
            </button>
            <button type="button" onClick={refuseHostKey}>
              {t.hostKeyRefuse}
            </button>
          </div>
        </div>
      )}
      {problem && <ProblemText lang={lang} problem={problem} />}
      {device && <DeviceFacts lang={lang} device={device} />}
    </section>
  );
}

/** Who answered on the console, and whether the keychain holds its secret (never the secret). */
export function DeviceFacts({ lang, device }: { lang: Lang; device: DeviceSessionInfo }) {
  const t = messages(lang).device;
  const id = device.identity;
  return (
    <div data-testid="device-facts" className="facts">
      <p className="connected" role="status">
        {fmt(t.connected, { target: device.target })}
      </p>
      <dl>
        <dt>{t.product}</dt>
        <dd data-field="product">{id.productId}</dd>
        <dt>{t.software}</dt>
        <dd>{id.softwareDisplayName || id.softwareVersion}</dd>
        <dt>{t.serial}</dt>
        <dd data-field="serial">{id.serialNumber}</dd>
        <dt>{t.name}</dt>
        <dd>{id.systemName || '—'}</dd>
        <dt>{t.webex}</dt>
        <dd>{id.webexStatus ?? '—'}</dd>
        <dt>{t.secret}</dt>
        <dd data-field="secret">
          {device.secret
            ? device.secret.hasSecret
              ? fmt(t.secretStored, { label: device.secret.label })
              : t.secretNone
            : t.keychainProblem}
          {device.secret?.hasPending && <> — {t.secretPending}</>}
        </dd>
      </dl>
      {device.keychainError && <ProblemText lang={lang} problem={device.keychainError} />}
    </div>
  );
}
