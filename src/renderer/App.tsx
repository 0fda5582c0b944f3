import { useEffect, useState } from 'react';
import type { AppInfo } from '../contract/index.js';
import { api } from './api.js';
import { type Lang, messages, pickLang } from './i18n/index.js';
import { BlobInspector } from './views/BlobInspector.js';

export function App() {
  const [lang, setLang] = useState<Lang>(() => pickLang(navigator.languages));
  const [info, setInfo] = useState<AppInfo | null>(null);
  const t = messages(lang);

  useEffect(() => {
    void api()
      .app.info()
      .then((r) => r.ok && setInfo(r.value));
  }, []);

  return (
    <main>
      <header>
        <h1>{t.title}</h1>
        {info && <span data-testid="version">v{info.version}</span>}
        <select aria-label="Language" value={lang} onChange={(e) => setLang(e.target.value as Lang)}>
          <option value="en">English</option>
          <option value="ko">한국어</option>
        </select>
      </header>
      <BlobInspector lang={lang} />
    </main>
  );
}
