/**
 * The Fleet screen's "Sign in with Webex": the integration's client id (and its client secret, sent to
 * main once from its input and never kept here), the API base and redirect port in the advanced options;
 * main opens the sign-in page in the person's browser and waits for its answer, which this shows with a
 * Cancel. The outcome is the account, or the coded error in the person's language.
 */
import { type Ref, useEffect, useRef, useState } from 'react';
import { CLOUD_FIELD_LIMITS, type CloudAccount } from '../../contract/index.js';
import { api } from '../api.js';
import { type Lang, messages } from '../i18n/index.js';
import { Fmt } from './Fmt.js';
import { LimitedField, type Problem, ProblemText, SubmitForm, problemOf } from './common.js';

/** The port the redirect comes back to unless the person gives another (main's default too). */
const DEFAULT_PORT = 8921;

/** The API base of a sign-in (empty: the default), with what it takes; the address and name marked as data. */
export function ApiBaseField({
  lang,
  id,
  ref,
  disabled = false,
}: {
  lang: Lang;
  id: string;
  ref: Ref<HTMLInputElement>;
  disabled?: boolean;
}) {
  const t = messages(lang).fleet;
  return (
    <LimitedField
      lang={lang}
      label={t.apiBase}
      id={id}
      type="url"
      max={CLOUD_FIELD_LIMITS.apiBase}
      spellCheck={false}
      autoComplete="off"
      placeholder="https://webexapis.com/v1"
      ref={ref}
      disabled={disabled}
    >
      <small>
        <Fmt
          text={t.apiBaseHelp}
          values={{ url: 'https://webexapis.com/v1', government: 'Webex for Government' }}
        />
      </small>
    </LimitedField>
  );
}

export function FleetOAuth({ lang, onSignedIn }: { lang: Lang; onSignedIn: (a: CloudAccount) => void }) {
  const m = messages(lang);
  const t = m.fleet;
  const [waiting, setWaiting] = useState(false);
  const [problem, setProblem] = useState<Problem | null>(null);
  const [port, setPort] = useState('');
  const clientId = useRef<HTMLInputElement>(null);
  // The client secret stays in its input until it is sent, once; never React state.
  const clientSecret = useRef<HTMLInputElement>(null);
  const apiBase = useRef<HTMLInputElement>(null);
  // Leaving the screen while main waits for the browser cancels that sign-in (its port is freed).
  const pending = useRef(false);
  useEffect(
    () => () => {
      if (pending.current) void api().cloud.cancelOAuth();
    },
    [],
  );

  async function signIn(): Promise<void> {
    const secret = clientSecret.current?.value ?? '';
    if (clientSecret.current) clientSecret.current.value = '';
    const base = apiBase.current?.value.trim() ?? '';
    setProblem(null);
    setWaiting(true);
    pending.current = true;
    const r = await api().cloud.signInOAuth({
      clientId: clientId.current?.value.trim() ?? '',
      clientSecret: secret === '' ? null : secret,
      apiBase: base === '' ? null : base,
      redirectPort: port.trim() === '' ? null : Number(port),
    });
    pending.current = false;
    setWaiting(false);
    setProblem(problemOf(r));
    if (r.ok) onSignedIn(r.value);
  }

  return (
    <section aria-labelledby="oauth-heading" data-testid="oauth-sign-in">
      <h3 id="oauth-heading">{t.oauthHeading}</h3>
      <p className="help">
        <Fmt
          text={t.oauthHelp}
          values={{
            site: 'developer.webex.com',
            redirect: `http://localhost:${port.trim() === '' ? DEFAULT_PORT : port.trim()}/callback`,
          }}
        />
      </p>
      <SubmitForm onSubmit={signIn}>
        <LimitedField
          lang={lang}
          id="oauth-client-id"
          label={t.clientId}
          ref={clientId}
          type="text"
          required
          autoComplete="off"
          spellCheck={false}
          max={CLOUD_FIELD_LIMITS.clientId}
          disabled={waiting}
        />
        <LimitedField
          lang={lang}
          id="oauth-client-secret"
          label={t.clientSecret}
          ref={clientSecret}
          type="password"
          autoComplete="off"
          spellCheck={false}
          max={CLOUD_FIELD_LIMITS.clientSecret}
          disabled={waiting}
        />
        <details className="advanced">
          <summary>{m.wizard.advanced}</summary>
          <ApiBaseField lang={lang} id="oauth-api-base" ref={apiBase} disabled={waiting} />
          <div className="field">
            <label htmlFor="oauth-redirect-port">{t.redirectPort}</label>
            <input
              id="oauth-redirect-port"
              type="number"
              min={1}
              max={65535}
              step={1}
              placeholder={String(DEFAULT_PORT)}
              value={port}
              onChange={(e) => setPort(e.currentTarget.value)}
              disabled={waiting}
            />
            <small>{t.redirectPortHelp}</small>
          </div>
        </details>
        <button type="submit" className="primary" disabled={waiting}>
          {t.oauthSignIn}
        </button>
      </SubmitForm>
      {waiting && (
        <p role="status" aria-busy="true" data-testid="oauth-waiting">
          {t.oauthWaiting}{' '}
          <button type="button" onClick={() => void api().cloud.cancelOAuth()}>
            {m.common.cancel}
          </button>
        </p>
      )}
      {problem && <ProblemText lang={lang} problem={problem} />}
    </section>
  );
}
