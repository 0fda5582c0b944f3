import { type KeyboardEvent, type ReactNode, useCallback, useEffect, useRef, useState } from 'react';
import type { AppInfo, AppStatus, DeviceSessionInfo, PendingSecret } from '../contract/index.js';
import { api } from './api.js';
import { type Lang, messages, pickLang } from './i18n/index.js';
import { BlobInspector } from './views/BlobInspector.js';
import { Console } from './views/Console.js';
import { Fleet } from './views/Fleet.js';
import { Inventory } from './views/Inventory.js';
import { MeetingCheck } from './views/MeetingCheck.js';
import { Rotation } from './views/Rotation.js';
import { StatusBar } from './views/StatusBar.js';
import { Wizard } from './views/wizard/Wizard.js';
import { Fmt } from './views/Fmt.js';

type Tab = 'provision' | 'rotate' | 'meeting' | 'inventory' | 'fleet' | 'console' | 'inspect';
const TABS: readonly Tab[] = ['provision', 'rotate', 'meeting', 'inventory', 'fleet', 'console', 'inspect'];
/** Tabs whose view stays mounted while hidden (a running procedure keeps its progress). */
const KEPT: readonly Tab[] = ['provision'];

export function App() {
  const [lang, setLang] = useState<Lang>(() => pickLang(navigator.languages));
  const [info, setInfo] = useState<AppInfo | null>(null);
  const [tab, setTab] = useState<Tab>('provision');
  const [device, setDevice] = useState<DeviceSessionInfo | null>(null);
  const [meetingFor, setMeetingFor] = useState<{ serial: string; cn: string | null } | null>(null);
  const [pending, setPending] = useState<PendingSecret[]>([]);
  const [status, setStatus] = useState<AppStatus | null>(null);
  const tabRefs = useRef<Partial<Record<Tab, HTMLButtonElement | null>>>({});
  const t = messages(lang);

  const refreshStatus = useCallback(async (): Promise<void> => {
    const [p, s] = await Promise.all([api().secrets.pending(), api().app.status()]);
    if (p.ok) setPending(p.value);
    if (s.ok) setStatus(s.value);
  }, []);

  useEffect(() => {
    void api()
      .app.info()
      .then((r) => r.ok && setInfo(r.value));
    void refreshStatus();
  }, [refreshStatus]);

  // Whatever screen is open, what waits in main is asked again when the person moves between screens.
  useEffect(() => {
    void refreshStatus();
  }, [tab, device, refreshStatus]);

  useEffect(() => {
    document.documentElement.lang = lang;
    // Main draws a few dialogs itself (files, the question on quit): they follow the window's language.
    void api().app.setLanguage(lang);
  }, [lang]);

  async function refreshDevice(): Promise<void> {
    const r = await api().device.identify();
    if (r.ok) setDevice(r.value);
    else if (r.code === 'ERR_APP_NOT_CONNECTED') setDevice(null);
  }

  // Tabs follow the WAI-ARIA pattern: arrows move between them, Home and End jump.
  function onTabKey(e: KeyboardEvent<HTMLButtonElement>): void {
    const i = TABS.indexOf(tab);
    const to =
      e.key === 'ArrowRight'
        ? TABS[(i + 1) % TABS.length]
        : e.key === 'ArrowLeft'
          ? TABS[(i + TABS.length - 1) % TABS.length]
          : e.key === 'Home'
            ? TABS[0]
            : e.key === 'End'
              ? TABS[TABS.length - 1]
              : undefined;
    if (!to) return;
    e.preventDefault();
    setTab(to);
    tabRefs.current[to]?.focus();
  }

  // The meeting check of one device (from a finished provisioning or an inventory row).
  function openMeetingCheck(d: { serial: string; cn: string | null }): void {
    setMeetingFor(d);
    setTab('meeting');
  }

  // What the two screens that change a device's secret or certificate both take.
  const deviceProps = { lang, device, pending, onPendingChanged: refreshStatus };
  const views: Record<Tab, () => ReactNode> = {
    provision: () => (
      <Wizard
        {...deviceProps}
        onDevice={setDevice}
        onRefreshDevice={refreshDevice}
        onMeetingCheck={openMeetingCheck}
      />
    ),
    rotate: () => <Rotation {...deviceProps} onRefresh={refreshDevice} />,
    meeting: () => (
      <MeetingCheck
        lang={lang}
        device={device}
        expected={meetingFor}
        onCheckConnected={() => setMeetingFor(null)}
      />
    ),
    inventory: () => <Inventory lang={lang} onMeetingCheck={openMeetingCheck} />,
    fleet: () => <Fleet lang={lang} onPendingChanged={refreshStatus} />,
    console: () => <Console lang={lang} />,
    inspect: () => <BlobInspector lang={lang} />,
  };
  // A secret waiting on another screen is announced on every screen, with the way to it.
  const elsewhere = pending.filter((p) =>
    p.source === 'provision' ? tab !== 'provision' : tab !== 'rotate',
  );

  return (
    <div className="app">
      <header className="top">
        <h1>{t.title}</h1>
        {info && (
          <span data-testid="version" className="version" translate="no">
            v{info.version}
          </span>
        )}
        <span className="device-chip" data-testid="device-chip" data-connected={String(device !== null)}>
          <span aria-hidden="true">{device ? '● ' : '○ '}</span>
          {device ? (
            <Fmt
              text={t.device.connected}
              values={{ target: `${device.identity.productId} ${device.identity.serialNumber}` }}
            />
          ) : (
            t.device.notConnected
          )}
        </span>
        <select aria-label="Language / 언어" value={lang} onChange={(e) => setLang(e.target.value as Lang)}>
          <option value="en">English</option>
          <option value="ko" lang="ko">
            한국어
          </option>
        </select>
      </header>
      <nav aria-label={t.nav.label}>
        <div role="tablist" aria-label={t.nav.label} className="tabs">
          {TABS.map((id) => (
            <button
              key={id}
              type="button"
              role="tab"
              id={`tab-${id}`}
              aria-selected={tab === id}
              aria-controls={`panel-${id}`}
              tabIndex={tab === id ? 0 : -1}
              ref={(el) => {
                tabRefs.current[id] = el;
              }}
              onClick={() => setTab(id)}
              onKeyDown={onTabKey}
            >
              {t.nav[id]}
            </button>
          ))}
        </div>
      </nav>
      <main>
        {elsewhere.length > 0 && (
          <div
            className="waiting-secret"
            role="region"
            aria-label={t.reveal.waitingLabel}
            data-testid="waiting-secret"
          >
            {elsewhere.map((p) => (
              <p key={p.serial}>
                <span aria-hidden="true">⚠ </span>
                <Fmt text={t.reveal.waiting} values={{ serial: p.serial }} />{' '}
                <button
                  type="button"
                  className="link"
                  onClick={() => setTab(p.source === 'provision' ? 'provision' : 'rotate')}
                >
                  {t.reveal.goTo}
                </button>
              </p>
            ))}
          </div>
        )}
        {TABS.map((id) =>
          KEPT.includes(id) || tab === id ? (
            <div
              key={id}
              role="tabpanel"
              id={`panel-${id}`}
              aria-labelledby={`tab-${id}`}
              hidden={tab !== id}
            >
              {views[id]()}
            </div>
          ) : null,
        )}
      </main>
      <StatusBar lang={lang} device={device} status={status} pending={pending} />
    </div>
  );
}
