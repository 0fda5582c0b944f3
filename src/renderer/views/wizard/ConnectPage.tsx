import { useEffect, useRef, useState } from 'react';
import type { DeviceSessionInfo, PortInfo } from '../../../contract/index.js';
import { api } from '../../api.js';
import { type Lang, messages } from '../../i18n/index.js';
import { FIELD_LIMITS } from '../../../contract/index.js';
import {
  ActionButton,
  LimitedField,
  type Problem,
  ProblemText,
  RadioChoices,
  SecretField,
  SubmitForm,
} from '../common.js';
import { DeviceFacts } from '../DevicePanel.js';
import { Fmt } from '../Fmt.js';
import { PageButtons } from './Wizard.js';

const LINKS = ['serial', 'ssh', 'sim'] as const;
type Link = (typeof LINKS)[number];

/** What the person typed, as a target: `/dev/ttyACM0` and `COM3` as they are, `admin@host` for SSH. */
export function targetOf(link: Link, text: string): string {
  const t = text.trim();
  if (link === 'serial') return /^serial:/i.test(t) ? t : `serial:${t}`;
  if (link === 'ssh') return /^ssh:\/\//i.test(t) ? t : `ssh://${t}`;
  return t === '' ? 'sim:' : /^sim:/i.test(t) ? t : `sim:${t}`;
}

/**
 * Whether what a field holds can be a target of that kind: a `sim:` or SSH address left in the Port
 * field (or a port in the SSH one) is not carried over when the person switches the link.
 */
export function fitsLink(link: Link, text: string): boolean {
  const t = text.trim();
  if (t === '') return true;
  if (link === 'serial') return !/^(sim:|ssh:|[^/\\]*@)/i.test(t) && !t.startsWith('?');
  if (link === 'ssh') return !/^(sim:|serial:|\/dev\/|COM\d)/i.test(t);
  return /^(sim:|\?)/i.test(t);
}

/** A port as the dropdown names it: path, USB vendor:product, maker and serial number. */
export function portLabel(p: PortInfo): string {
  const usb = p.vendorId ? ` — USB ${p.vendorId}:${p.productId ?? '????'}` : '';
  const who = p.manufacturer ? ` ${p.manufacturer}` : '';
  const serial = p.serialNumber ? ` (${p.serialNumber})` : '';
  return `${p.path}${usb}${who}${serial}`;
}

/** Connect to a device (serial port, SSH, or the training simulator), and show who answered. */
export function ConnectPage({
  lang,
  device,
  onDevice,
  onNext,
}: {
  lang: Lang;
  device: DeviceSessionInfo | null;
  onDevice: (d: DeviceSessionInfo | null) => void;
  onNext: () => void;
}) {
  const m = messages(lang);
  const t = m.device;
  const [link, setLink] = useState<Link>('serial');
  const [text, setText] = useState<Record<Link, string>>({ serial: '', ssh: '', sim: 'sim:' });
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
  const nextButton = useRef<HTMLDivElement>(null);

  async function findPorts(): Promise<void> {
    const r = await api().ports.list();
    if (r.ok) {
      setPorts(r.value);
      const likely = r.value.find((p) => p.likelyConsole) ?? r.value[0];
      if (likely && text.serial === '') setText((x) => ({ ...x, serial: likely.path }));
    } else setProblem({ code: r.code, message: r.message });
  }

  useEffect(() => {
    void findPorts();
    // Once, when the page first shows; Refresh asks again.
  }, []);

  async function connect(acceptedKey?: string): Promise<void> {
    const typed = acceptedKey !== undefined ? (heldPassword.current ?? '') : (password.current?.value ?? '');
    if (password.current) password.current.value = '';
    heldPassword.current = null;
    setHostKey(null);
    setWorking(true);
    setProblem(null);
    const r = await api().device.connect(
      targetOf(link, text[link]),
      typed === '' ? null : typed,
      acceptedKey,
    );
    setWorking(false);
    if (r.ok) {
      onDevice(r.value);
      queueMicrotask(() => nextButton.current?.querySelector<HTMLButtonElement>('button.primary')?.focus());
    } else if (r.code === 'ERR_DEVICE_HOST_KEY' && acceptedKey === undefined && r.details?.unknown === true) {
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

  const fieldLabel = { serial: t.portField, ssh: t.sshField, sim: t.simField }[link];
  const fieldHelp = { serial: t.portHelp, ssh: t.sshHelp, sim: t.simHelp }[link];
  return (
    <section aria-labelledby="device-heading" className="panel">
      <h3 id="device-heading" tabIndex={-1}>
        {t.heading}
      </h3>
      <p className="help">{t.help}</p>
      <SubmitForm className="connect-form" onSubmit={connect}>
        <fieldset className="segmented">
          <legend>{t.linkLegend}</legend>
          <RadioChoices
            name="link"
            value={link}
            choices={LINKS.map((l) => [l, t.links[l]] as const)}
            onChoose={(l) => {
              setLink(l);
              setText((x) => (fitsLink(l, x[l]) ? x : { ...x, [l]: l === 'sim' ? 'sim:' : '' }));
            }}
          />
        </fieldset>
        {link === 'serial' && (
          <div className="field">
            <label htmlFor="port-select">{t.ports}</label>
            <div className="row">
              <select
                id="port-select"
                value={ports?.some((p) => p.path === text.serial) ? text.serial : ''}
                onChange={(e) => setText((x) => ({ ...x, serial: e.target.value }))}
              >
                <option value="">{ports && ports.length === 0 ? t.noPorts : t.choosePort}</option>
                {ports?.map((p) => (
                  <option key={p.path} value={p.path}>
                    {portLabel(p)}
                    {p.likelyConsole ? ` ★` : ''}
                  </option>
                ))}
              </select>
              <ActionButton onClick={findPorts}>{t.findPorts}</ActionButton>
            </div>
          </div>
        )}
        <LimitedField
          key={link}
          label={fieldLabel}
          lang={lang}
          max={FIELD_LIMITS.target}
          id="target"
          value={text[link]}
          onChange={(e) => setText((x) => ({ ...x, [link]: e.target.value }))}
          aria-describedby="target-help"
          spellCheck={false}
          autoComplete="off"
          required={link !== 'sim'}
        >
          <small id="target-help">{fieldHelp}</small>
        </LimitedField>
        <SecretField lang={lang} kind="password" id="login-password" label={t.password} ref={password} />
        <div className="buttons">
          <button
            type="submit"
            className={device ? undefined : 'primary'}
            disabled={working || (link !== 'sim' && text[link].trim() === '')}
          >
            {working ? m.common.working : t.connect}
          </button>
          {device && (
            <>
              <ActionButton onClick={refresh}>{m.common.refresh}</ActionButton>
              <ActionButton onClick={disconnect}>{t.disconnect}</ActionButton>
            </>
          )}
        </div>
      </SubmitForm>
      {hostKey && (
        <div
          role="alertdialog"
          aria-labelledby="host-key-heading"
          className="host-key"
          data-testid="host-key"
        >
          <h4 id="host-key-heading">{t.hostKeyHeading}</h4>
          <p>
            <Fmt text={t.hostKeyQuestion} values={{ where: hostKey.where }} />
          </p>
          <p>
            <code data-field="fingerprint">{hostKey.fingerprint}</code> ({hostKey.keyType})
          </p>
          <div className="buttons">
            <button type="button" className="primary" onClick={() => void connect(hostKey.fingerprint)}>
              {t.hostKeyAccept}
            </button>
            <button
              type="button"
              onClick={() => {
                heldPassword.current = null;
                setHostKey(null);
              }}
            >
              {t.hostKeyRefuse}
            </button>
          </div>
        </div>
      )}
      {problem && <ProblemText lang={lang} problem={problem} />}
      {device && <DeviceFacts lang={lang} device={device} />}
      <div ref={nextButton}>
        <PageButtons lang={lang} onNext={onNext} nextPrimary={device !== null} />
      </div>
    </section>
  );
}
