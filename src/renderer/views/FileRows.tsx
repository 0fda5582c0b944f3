import type { FileRole } from '../../contract/index.js';
import { type Lang, messages } from '../i18n/index.js';
import { Fmt } from './Fmt.js';

/**
 * The certificate and key file pickers (main's file dialog; the window sees only the chosen file's
 * name): the certificate page's two rows, and each device's rows on the Fleet screen.
 */
export function FileRows({
  lang,
  chosen,
  onChoose,
  testIdPrefix = 'chosen',
  label,
}: {
  lang: Lang;
  chosen: Partial<Record<FileRole, string>>;
  onChoose: (role: FileRole) => void;
  testIdPrefix?: string;
  /** Names the device, for the buttons' accessible names when several devices' rows are shown. */
  label?: string;
}) {
  const t = messages(lang).wizard;
  return (
    <div className="grid-2">
      {(['certificate', 'key'] as const).map((role) => {
        const words = role === 'certificate' ? t.chooseCert : t.chooseKey;
        return (
          <div className="file-row" key={role}>
            <button
              type="button"
              onClick={() => onChoose(role)}
              aria-label={label !== undefined ? `${words} (${label})` : undefined}
            >
              {words}
            </button>
            <span data-testid={`${testIdPrefix}-${role}`}>
              {chosen[role] ? <Fmt text={t.chosen} values={{ name: chosen[role] }} /> : t.notChosen}
            </span>
          </div>
        );
      })}
    </div>
  );
}
