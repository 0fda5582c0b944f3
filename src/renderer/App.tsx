import { type KeyboardEvent, useEffect, useRef, useState } from 'react';
import type { AppInfo, DeviceSessionInfo } from '../contract/index.js';
import { api } from './api.js';
import { type Lang, fmt, messages, pickLang } from './i18n/index.js';
import { BlobInspector } from './views/BlobInspector.js';
import { Console } from './views/Console.js';
import { Inventory } from './views/Inventory.js';
import { MeetingCheck } from './views/MeetingCheck.js';
import { Rotation } from './views/Rotation.js';
import { Wizard } from './views/Wizard.js';

type Tab = 'provision' | 'rotate' | 'meeting' | 'inventory' | 'console' | 'inspect';
const TABS: readonly Tab[] = ['provision', 'rotate', 'meeting', 'inventory', 'console', 'inspect'];

export function App() {
  const [lang, setLang] = useState<Lang>(() => pickLang(navigator.languages));
  const [info, setInfo] = useState<AppInfo | null>(null);
  const [tab, setTab] = useState<Tab>('provision');
  const [device, setDevice] = useState<DeviceSessionInfo | null>(null);
  const [meetingFor, setMeetingFor] = useState<{ serial: string; cn: string | null } | null>(null);
  const tabRefs = useRef<Partial<Record<Tab, HTMLButtonElement | null>>>({});
  const t = messages(lang);

  useEffect(() => {
    void api()
      .app.info()
      .then((r) => r.ok && setInfo(r.value));
  }, []);

  useEffect(() => {
    document.documentElement.lang = lang;
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

  return (
    <div className="app">
      <header className="top">
        <h1>{t.title}</h1>
        {info && (
          <span data-testid="version" className="version">
            v{info.version}
          </span>
        )}
        <span className="device-chip" role="status" data-testid="device-chip">
          {device
            ? fmt(t.device.connected, {
                target: `${device.identity.productId} ${device.identity.serialNumber}`,
              })
            : t.device.notConnected}
        </span>
        <select aria-label="Language / 언어" value={lang} onChange={(e) => setLang(e.target.value as Lang)}>
          <option value="en">English</option>
          <option value="ko">한국어</option>
        </select>
      </header>
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
      <main>
        {/* The wizard stays mounted so that a running procedure keeps its progress while another tab is open. */}
        <div
          role="tabpanel"
          id="panel-provision"
          aria-labelledby="tab-provision"
          hidden={tab !== 'provision'}
        >
          <Wizard lang={lang} device={device} onDevice={setDevice} />
        </div>
        {tab === 'rotate' && (
          <div role="tabpanel" id="panel-rotate" aria-labelledby="tab-rotate">
            <Rotation lang={lang} device={device} onRefresh={refreshDevice} />
          </div>
        )}
        {tab === 'meeting' && (
          <div role="tabpanel" id="panel-meeting" aria-labelledby="tab-meeting">
            <MeetingCheck lang={lang} connected={device !== null} expected={meetingFor} />
          </div>
        )}
        {tab === 'inventory' && (
          <div role="tabpanel" id="panel-inventory" aria-labelledby="tab-inventory">
            <Inventory
              lang={lang}
              onMeetingCheck={(d) => {
                setMeetingFor(d);
                setTab('meeting');
              }}
            />
          </div>
        )}
        {tab === 'console' && (
          <div role="tabpanel" id="panel-console" aria-labelledby="tab-console">
            <Console lang={lang} />
          </div>
        )}
        {tab === 'inspect' && (
          <div role="tabpanel" id="panel-inspect" aria-labelledby="tab-inspect">
            <BlobInspector lang={lang} />
          </div>
        )}
      </main>
    </div>
  );
}
