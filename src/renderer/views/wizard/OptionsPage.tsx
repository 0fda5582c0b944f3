import { type Dispatch, useEffect, useState } from 'react';
import { FACTORY_RESET_KEEP_ITEMS, FIELD_LIMITS, type DeviceSessionInfo } from '../../../contract/index.js';
import { type Lang, messages } from '../../i18n/index.js';
import { CheckChoice, EncField, LimitedField, RadioChoices, SecretField } from '../common.js';
import type { FlowAction, FlowState } from './flow.js';
import { PageButtons } from './Wizard.js';
import { ActivationCodeButton } from './ActivationCode.js';

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
        <RadioChoices
          name="factory-reset"
          value={c.factoryReset}
          choices={[
            [false, t.resetNo],
            [true, t.factoryReset],
          ]}
          onChoose={(reset) => choose(reset ? { factoryReset: true } : { factoryReset: false, keep: [] })}
        />
        {c.factoryReset && (
          <fieldset className="keep" data-testid="reset-keep">
            <legend>{t.keepHeading}</legend>
            {FACTORY_RESET_KEEP_ITEMS.map((item) => (
              <CheckChoice
                key={item}
                checked={c.keep.includes(item)}
                onCheck={(on) => choose({ keep: on ? [...c.keep, item] : c.keep.filter((x) => x !== item) })}
              >
                <span>
                  <strong>{t.keepNames[item]}</strong>: {t.keepItems[item]}
                </span>
              </CheckChoice>
            ))}
            <p className="help">{t.keepNever}</p>
            <p className="help">{t.resetAsked}</p>
          </fieldset>
        )}
      </fieldset>
      <fieldset>
        <legend>{t.secretLegend}</legend>
        <RadioChoices
          name="secret-mode"
          value={c.secretMode}
          choices={[
            ['generate', t.secretGenerate],
            ['given', t.secretGiven],
          ]}
          onChoose={(secretMode) => choose({ secretMode })}
        />
        <SecretField
          hidden={c.secretMode !== 'given'}
          lang={lang}
          kind="secret"
          fresh
          edgeSpace
          id="given-secret"
          label={t.secretValue}
        />
      </fieldset>
      <div className="grid-2">
        <CheckChoice checked={c.backup} onCheck={(on) => choose({ backup: on })}>
          {t.backup}
        </CheckChoice>
        <CheckChoice
          checked={c.restoreName && c.backup}
          disabled={!c.backup}
          onCheck={(on) => choose({ restoreName: on })}
        >
          {t.restoreName}
        </CheckChoice>
      </div>
      <LimitedField
        label={t.activationCode}
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
      >
        <small id="activation-code-state" data-state={codeState} className={codeState === 'bad' ? 'bad' : ''}>
          {t.codeState[codeState]}
        </small>
      </LimitedField>
      <ActivationCodeButton
        lang={lang}
        onCode={(code) => {
          const input = document.getElementById('activation-code') as HTMLInputElement | null;
          if (input) input.value = code;
          setCodeState(activationCodeState(code));
        }}
      />
      <details className="advanced">
        <summary>{t.advanced}</summary>
        <EncField id="enc" label={t.enc} value={c.enc} onChange={(enc) => choose({ enc })} />
        <CheckChoice checked={c.registerFirst} onCheck={(on) => choose({ registerFirst: on })}>
          {t.registerFirst}
        </CheckChoice>
        <CheckChoice
          testId="wrap-long-lines"
          checked={c.wrapLongLines}
          onCheck={(on) => choose({ wrapLongLines: on })}
        >
          <strong>{t.wrapLongLines}</strong>
        </CheckChoice>
        {isSsh && (
          <CheckChoice checked={c.allowPlain} onCheck={(on) => choose({ allowPlain: on })}>
            {t.allowPlain}
          </CheckChoice>
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
