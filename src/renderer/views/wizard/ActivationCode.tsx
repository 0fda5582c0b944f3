import { useRef, useState } from 'react';
import { CLOUD_FIELD_LIMITS } from '../../../contract/index.js';
import { api } from '../../api.js';
import { type Lang, messages } from '../../i18n/index.js';
import { Fmt } from '../Fmt.js';
import { LimitedField, type Problem, ProblemText } from '../common.js';

/**
 * The registration step's "Get activation code": a one-time code for a workspace, made through the
 * Webex cloud sign-in (the Fleet screen's) and put in the activation code field, never kept in state.
 */
export function ActivationCodeButton({ lang, onCode }: { lang: Lang; onCode: (code: string) => void }) {
  const t = messages(lang).fleet;
  const workspace = useRef<HTMLInputElement>(null);
  const [busy, setBusy] = useState(false);
  const [expiry, setExpiry] = useState<string | null>(null);
  const [problem, setProblem] = useState<Problem | null>(null);
  const [signInFirst, setSignInFirst] = useState(false);

  async function get(): Promise<void> {
    const id = workspace.current?.value.trim() ?? '';
    if (id === '') return;
    setBusy(true);
    const r = await api().cloud.activationCode(id);
    setBusy(false);
    setSignInFirst(!r.ok && r.code === 'ERR_CLOUD_NOT_SIGNED_IN');
    setProblem(r.ok || r.code === 'ERR_CLOUD_NOT_SIGNED_IN' ? null : { code: r.code, message: r.message });
    if (r.ok) {
      onCode(r.value.code);
      setExpiry(r.value.expiryTime);
    } else setExpiry(null);
  }

  return (
    <div className="activation-from-cloud" data-testid="activation-from-cloud">
      <LimitedField
        lang={lang}
        label={t.workspaceId}
        id="workspace-id"
        type="text"
        max={CLOUD_FIELD_LIMITS.workspaceId}
        spellCheck={false}
        autoComplete="off"
        ref={workspace}
      />
      <button type="button" disabled={busy} onClick={() => void get()}>
        {t.getCode}
      </button>
      {signInFirst && (
        <p role="status" data-testid="activation-sign-in-first">
          {t.signInFirst}
        </p>
      )}
      {expiry !== null && (
        <p role="status">
          <Fmt text={t.codeFilled} values={{ expiry: expiry === '' ? '—' : expiry }} />
        </p>
      )}
      {problem && <ProblemText lang={lang} problem={problem} />}
    </div>
  );
}
