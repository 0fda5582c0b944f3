/**
 * What a device capture saved, as main summed it up (`device.capture` on the Console screen,
 * `fleet.capture` on the Fleet screen): the file, the console's line limit when there is a console, the
 * entries the cloud cannot ask when it went through the cloud, and the probes that got no answer; the
 * file and the probe ids marked as data.
 */
import type { CaptureSummary } from '../../contract/index.js';
import { type Lang, messages } from '../i18n/index.js';
import { Fmt } from './Fmt.js';

export function CaptureResult({
  lang,
  capture,
  testId,
}: {
  lang: Lang;
  capture: CaptureSummary;
  testId: string;
}) {
  const t = messages(lang).console;
  const limit = capture.lineLimit;
  return (
    <div role="status" data-testid={testId}>
      <p className="ok">
        <Fmt text={t.captured} values={{ n: capture.probes, file: capture.file }} />
      </p>
      {limit && (
        <p>
          {limit.cut === null ? (
            <Fmt text={t.lineWhole} values={{ n: limit.probedUpTo }} />
          ) : (
            <Fmt text={t.lineCut} values={{ whole: limit.whole, cut: limit.cut }} />
          )}
        </p>
      )}
      {capture.link === 'webex' && (
        <p>
          <Fmt text={t.captureUnavailable} values={{ ids: (capture.unavailableProbes ?? []).join(', ') }} />
        </p>
      )}
      {capture.failedProbes.length > 0 && (
        <p>
          <Fmt text={t.captureFailed} values={{ ids: capture.failedProbes.join(', ') }} />
        </p>
      )}
    </div>
  );
}
