import { useEffect, useRef, useState } from 'react';
import { FIELD_LIMITS, type DeviceSessionInfo } from '../../contract/index.js';
import { LimitedInput } from './common.js';
import { type Lang, messages } from '../i18n/index.js';

/**
 * A question before something that cannot be undone: it names the device (model, serial, target) and
 * what will be lost, and, when `typeToConfirm` is given, the person types it (the serial) to go on.
 */
export function ConfirmDialog({
  lang,
  testId,
  heading,
  device,
  lost,
  kept,
  typeToConfirm,
  typeLabel,
  confirmText,
  danger = true,
  onCancel,
  onConfirm,
}: {
  lang: Lang;
  testId: string;
  heading: string;
  device: DeviceSessionInfo;
  lost: string;
  kept?: string;
  typeToConfirm?: string;
  typeLabel?: string;
  confirmText: string;
  danger?: boolean;
  onCancel: () => void;
  onConfirm: (typed: string) => void;
}) {
  const m = messages(lang);
  const ref = useRef<HTMLDialogElement>(null);
  const [typed, setTyped] = useState('');
  useEffect(() => {
    const d = ref.current;
    if (d && !d.open) d.showModal();
    return () => d?.close();
  }, []);
  const ok = typeToConfirm === undefined || typed.trim() === typeToConfirm;
  const id = device.identity;
  return (
    <dialog
      ref={ref}
      className="confirm"
      data-testid={testId}
      aria-labelledby={`${testId}-heading`}
      onCancel={(e) => {
        e.preventDefault();
        onCancel();
      }}
    >
      <form
        method="dialog"
        onSubmit={(e) => {
          e.preventDefault();
          if (ok) onConfirm(typed.trim());
        }}
      >
        <h3 id={`${testId}-heading`}>
          <span aria-hidden="true">⚠ </span>
          {heading}
        </h3>
        <dl className="named-device">
          <dt>{m.device.product}</dt>
          <dd data-field="product" translate="no">
            {id.productId}
          </dd>
          <dt>{m.device.serial}</dt>
          <dd data-field="serial" className="mono">
            {id.serialNumber}
          </dd>
          <dt>{m.device.targetShort}</dt>
          <dd data-field="target" className="mono">
            {device.target}
          </dd>
          <dt>{m.device.name}</dt>
          <dd translate="no">{id.systemName || '—'}</dd>
        </dl>
        <p className="lost" data-field="lost">
          {lost}
        </p>
        {kept && <p data-field="kept">{kept}</p>}
        {typeToConfirm !== undefined && (
          <div className="field">
            <label htmlFor={`${testId}-typed`}>{typeLabel}</label>
            <LimitedInput
              lang={lang}
              max={FIELD_LIMITS.serial}
              id={`${testId}-typed`}
              value={typed}
              onChange={(e) => setTyped(e.target.value)}
              autoComplete="off"
              spellCheck={false}
              autoFocus
            />
          </div>
        )}
        <div className="buttons">
          <button type="button" onClick={onCancel}>
            {m.common.cancel}
          </button>
          <button type="submit" className={danger ? 'danger' : 'primary'} disabled={!ok}>
            {confirmText}
          </button>
        </div>
      </form>
    </dialog>
  );
}
