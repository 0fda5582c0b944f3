import { type Dispatch, useEffect, useState } from 'react';
import {
  FACTORY_RESET_KEEP_ITEMS,
  FIELD_LIMITS,
  type DeviceSessionInfo,
  type EncChoice,
} from '../../../contract/index.js';
import { type Lang, messages } from '../../i18n/index.js';
import { LimitedInput } from '../common.js';
import type { FlowAction, FlowState } from './flow.js';
import { PageButtons } from './Wizard.js';

/** The activation code's shape, as main checks it: 16 digits, groups split by hyphens or spaces. */
export function activationCodeState(code: string): 'empty' | 'ok' | 'partial' | 'bad' {
  const t = code.trim();
  if (t === '') return 'empty';
  if (!/^\d+([ -]\d*)*$/.test(t)) return 'bad';
  const digits = t.replace(/[ -]/g, '').length;
  return digits === 16 && /^\d+([ -]\d+)*$/.test(t) ? 'ok' : digits > 16 ? 'bad' : 'partial';
}

/** The run's options: the factory reset decision first, then the secret, then the rest. */
export function OptionsPage({
  lang,
  device,
  flow,
  dispatch,
}: {
  lang: Lang;
  device: DeviceSessionInfo | null;
  flow: FlowState;
  dispatch: Dispatch<FlowAction>;
}) {
  const t = messages(lang).wizard;
  const c = flow.choices;
  const choose = (patch: Partial<typeof c>): void => dispatch({ type: 'choose', patch });
  // Only whether the code looks right is state; the code itself stays in its input until it is sent.
  const [codeState, setCodeState] = useState<ReturnType<typeof activationCodeState>>('empty');
  // Another device starts with an empty code field: its hint starts over too.
  useEffect(() => setCodeState('empty'), [flow.generation]);
  const isSsh = device?.link === 'ssh';

  return (
    <section className="panel" aria-labelledby="options-heading" key={flow.generation}>
      <h3 id="options-heading" tabIndex={-1}>
        {t.optionsHeading}
      </h3>
      <fieldset className="decision">
        <legend>{t.resetLegend}</legend>
        <label className="choice">
          <input
            type="radio"
            name="factory-reset"
            checked={!c.factoryReset}
            onChange={() => choose({ factoryReset: false, keep: [] })}
          />
          {t.resetNo}
        </label>
        <label className="choice">
          <input
            type="radio"
            name="factory-reset"
            checked={c.factoryReset}
            onChange={() => choose({ factoryReset: true })}
          />
          {t.factoryReset}
        </label>
        {c.factoryReset && (
          <fieldset className="keep" data-testid="reset-keep">
            <legend>{t.keepHeading}</legend>
            {FACTORY_RESET_KEEP_ITEMS.map((item) => (
              <label className="choice" key={item}>
                <input
                  type="checkbox"
                  checked={c.keep.includes(item)}
                  onChange={(e) =>
                    choose({ keep: e.target.checked ? [...c.keep, item] : c.keep.filter((x) => x !== item) })
                  }
                />
                <span>
                  <strong>{t.keepNames[item]}</strong>: {t.keepItems[item]}
                </span>
              </label>
            ))}
            <p className="help">{t.keepNever}</p>
            <p className="help">{t.resetAsked}</p>
          </fieldset>
        )}
      </fieldset>
      <fieldset>
        <legend>{t.secretLegend}</legend>
        <label className="choice">
          <input
            type="radio"
            name="secret-mode"
            checked={c.secretMode === 'generate'}
            onChange={() => choose({ secretMode: 'generate' })}
          />
          {t.secretGenerate}
        </label>
        <label className="choice">
          <input
            type="radio"
            name="secret-mode"
            checked={c.secretMode === 'given'}
            onChange={() => choose({ secretMode: 'given' })}
          />
          {t.secretGiven}
        </label>
        <div className="field" hidden={c.secretMode !== 'given'}>
          <label htmlFor="given-secret">{t.secretValue}</label>
          <LimitedInput
            lang={lang}
            max={FIELD_LIMITS.secret}
            edgeSpace
            id="given-secret"
            type="password"
            autoComplete="new-password"
          />
        </div>
      </fieldset>
      <div className="grid-2">
        <label className="choice">
          <input type="checkbox" checked={c.backup} onChange={(e) => choose({ backup: e.target.checked })} />
          {t.backup}
        </label>
        <label className="choice">
          <input
            type="checkbox"
            checked={c.restoreName && c.backup}
            disabled={!c.backup}
            onChange={(e) => choose({ restoreName: e.target.checked })}
          />
          {t.restoreName}
        </label>
      </div>
      <div className="field">
        <label htmlFor="activation-code">{t.activationCode}</label>
        <LimitedInput
          lang={lang}
          max={FIELD_LIMITS.activationCode}
          id="activation-code"
          type="text"
          inputMode="numeric"
          spellCheck={false}
          autoComplete="off"
          aria-describedby="activation-code-state"
          aria-invalid={codeState === 'bad' ? true : undefined}
          onInput={(e) => setCodeState(activationCodeState(e.currentTarget.value))}
        />
        <small id="activation-code-state" data-state={codeState} className={codeState === 'bad' ? 'bad' : ''}>
          {t.codeState[codeState]}
        </small>
      </div>
      <details className="advanced">
        <summary>{t.advanced}</summary>
        <div className="field">
          <label htmlFor="enc">{t.enc}</label>
          <select id="enc" value={c.enc} onChange={(e) => choose({ enc: e.target.value as EncChoice })}>
            <option value="A128GCM">A128GCM</option>
            <option value="A256GCM">A256GCM</option>
          </select>
        </div>
        <label className="choice">
          <input
            type="checkbox"
            checked={c.registerFirst}
            onChange={(e) => choose({ registerFirst: e.target.checked })}
          />
          {t.registerFirst}
        </label>
        <label className="choice" data-testid="wrap-long-lines">
          <input
            type="checkbox"
            checked={c.wrapLongLines}
            onChange={(e) => choose({ wrapLongLines: e.target.checked })}
          />
          <strong>{t.wrapLongLines}</strong>
        </label>
        {isSsh && (
          <label className="choice">
            <input
              type="checkbox"
              checked={c.allowPlain}
              onChange={(e) => choose({ allowPlain: e.target.checked })}
            />
            {t.allowPlain}
          </label>
        )}
      </details>
      <PageButtons
        lang={lang}
        onBack={() => dispatch({ type: 'page', page: 'certificate' })}
        onNext={() => dispatch({ type: 'page', page: 'run' })}
        nextPrimary
      />
    </section>
  );
}
