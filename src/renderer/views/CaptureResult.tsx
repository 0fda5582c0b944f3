/**
 * What a device capture saved, as main summed it up (`device.capture` on the Console screen,
 * `fleet.capture` on the Fleet screen): the file, the console's line limit when there is a console, the
 * entries the cloud cannot ask when it went through the cloud, and the probes that got no answer.
 */
import type { CaptureSummary } from '../../contract/index.js';
import { type Lang, fmt, messages } from '../i18n/index.js';

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
      <p className="ok">{fmt(t.captured, { n: capture.probes, file: capture.file })}</p>
      {limit && (
        <p>
          {limit.cut === null
            ? fmt(t.lineWhole, { n: limit.probedUpTo })
            : fmt(t.lineCut, { whole: limit.whole, cut: limit.cut })}
        </p>
      )}
      {capture.link === 'webex' && (
        <p>{fmt(t.captureUnavailable, { ids: (capture.unavailableProbes ?? []).join(', ') })}</p>
      )}
      {capture.failedProbes.length > 0 && (
        <p>{fmt(t.captureFailed, { ids: capture.failedProbes.join(', ') })}</p>
      )}
    </div>
  );
}
