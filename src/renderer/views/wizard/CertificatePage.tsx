import { type Dispatch, useRef } from 'react';
import type { FileRole } from '../../../contract/index.js';
import { api } from '../../api.js';
import { type Lang, messages } from '../../i18n/index.js';
import { CertReport } from '../CertReport.js';
import { ProblemText, SecretField } from '../common.js';
import type { FlowAction, FlowState } from './flow.js';
import { PageButtons } from './Wizard.js';
import { FileRows } from '../FileRows.js';

/** The certificate and key files, and what the device will think of them. */
export function CertificatePage({
  lang,
  flow,
  dispatch,
}: {
  lang: Lang;
  flow: FlowState;
  dispatch: Dispatch<FlowAction>;
}) {
  const t = messages(lang).wizard;
  const { chosen, check } = flow.choices;
  // The passphrase stays in the input until it is sent, once; it is never React state.
  const passphrase = useRef<HTMLInputElement>(null);

  async function choose(role: FileRole): Promise<void> {
    const r = await api().credentials.choose(role);
    if (!r.ok) {
      dispatch({ type: 'cert-problem', problem: { code: r.code, message: r.message } });
      return;
    }
    if (r.value === null) return;
    dispatch({ type: 'choose', patch: { chosen: { ...chosen, [role]: r.value.name }, check: null } });
  }

  async function inspect(): Promise<void> {
    const typed = passphrase.current?.value ?? '';
    if (passphrase.current) passphrase.current.value = '';
    const r = await api().credentials.inspect(typed === '' ? null : typed);
    if (r.ok) dispatch({ type: 'choose', patch: { check: r.value } });
    else {
      dispatch({ type: 'choose', patch: { check: null } });
      dispatch({ type: 'cert-problem', problem: { code: r.code, message: r.message } });
    }
  }

  return (
    <section className="panel" aria-labelledby="cert-heading">
      <h3 id="cert-heading" tabIndex={-1}>
        {t.certHeading}
      </h3>
      <p className="help">{t.certHelp}</p>
      <FileRows lang={lang} chosen={chosen} onChoose={(role) => void choose(role)} />
      <SecretField
        key={flow.generation}
        lang={lang}
        kind="passphrase"
        id="passphrase"
        label={t.passphrase}
        ref={passphrase}
      />
      <button type="button" className="primary" disabled={!chosen.certificate} onClick={() => void inspect()}>
        {t.check}
      </button>
      {flow.certProblem && <ProblemText lang={lang} problem={flow.certProblem} />}
      {check && <CertReport lang={lang} check={check} />}
      <PageButtons
        lang={lang}
        onBack={() => dispatch({ type: 'page', page: 'device' })}
        onNext={() => dispatch({ type: 'page', page: 'options' })}
        nextPrimary={check?.ok === true}
      />
    </section>
  );
}
