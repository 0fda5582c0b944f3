/**
 * The Fleet screen's capture of one selected, connected device through the Webex cloud (`fleet.capture`):
 * its button, what it keeps while it runs, and the result panel naming the device (serial and name), with
 * the summary the Console screen's capture shows, or the coded error.
 */
import { type ReactNode, useState } from 'react';
import type { CaptureSummary, FleetDeviceRow } from '../../contract/index.js';
import { api } from '../api.js';
import { type Lang, messages } from '../i18n/index.js';
import { CaptureResult } from './CaptureResult.js';
import { Fmt } from './Fmt.js';
import { type Problem, ProblemText, problemOf } from './common.js';

/** The device a capture belongs to, and what came of it (nothing yet while it runs). */
export interface FleetCaptureState {
  serial: string;
  name: string;
  summary: CaptureSummary | null;
  problem: Problem | null;
}

/** The capture's state and its start (main writes the file; the window gets the summary). */
export function useFleetCapture() {
  const [capture, setCapture] = useState<FleetCaptureState | null>(null);
  const [capturing, setCapturing] = useState(false);
  async function start(row: FleetDeviceRow): Promise<void> {
    const named = { serial: row.serial, name: row.displayName };
    setCapturing(true);
    setCapture({ ...named, summary: null, problem: null });
    const r = await api().fleet.capture(row.serial);
    setCapturing(false);
    setCapture({ ...named, summary: r.ok ? r.value : null, problem: problemOf(r) });
  }
  return { capture, capturing, start, clear: () => setCapture(null) };
}

/** The button: enabled with one connected device (`row`) selected and nothing running. */
export function FleetCaptureButton({
  lang,
  row,
  busy,
  onCapture,
}: {
  lang: Lang;
  row: FleetDeviceRow | null;
  busy: boolean;
  onCapture: (row: FleetDeviceRow) => void;
}) {
  const t = messages(lang).fleet;
  return (
    <button
      type="button"
      data-testid="fleet-capture"
      disabled={row === null || busy}
      title={t.captureHelp}
      onClick={() => {
        if (row) onCapture(row);
      }}
    >
      {t.capture}
    </button>
  );
}

/** The result panel, naming the device the capture belongs to. */
export function FleetCapturePanel({
  lang,
  capture,
  capturing,
}: {
  lang: Lang;
  capture: FleetCaptureState;
  capturing: boolean;
}) {
  const t = messages(lang).fleet;
  return (
    <DeviceResultPanel
      lang={lang}
      id="fleet-capture"
      testId="fleet-capture-result"
      heading={t.captureHeading}
      device={capture}
      busy={capturing ? t.captureReading : null}
      problem={capture.problem}
    >
      {capture.summary && (
        <CaptureResult lang={lang} capture={capture.summary} testId="fleet-capture-summary" />
      )}
    </DeviceResultPanel>
  );
}

/**
 * A result on the Fleet screen, headed by the device it belongs to (its serial number and name, as data),
 * saying it is busy while it runs, then the coded problem or the result.
 */
export function DeviceResultPanel({
  lang,
  id,
  testId,
  heading,
  device,
  busy,
  problem,
  children,
}: {
  lang: Lang;
  id: string;
  testId: string;
  /** The heading's words, with `{serial}` and `{name}`. */
  heading: string;
  device: { serial: string; name: string };
  /** What is said while it runs, or null when it is not running. */
  busy: string | null;
  problem: Problem | null;
  children: ReactNode;
}) {
  return (
    <section
      className="panel"
      aria-labelledby={`${id}-heading`}
      aria-busy={busy !== null}
      data-testid={testId}
      data-serial={device.serial}
    >
      <h3 id={`${id}-heading`}>
        <Fmt text={heading} values={{ serial: device.serial, name: device.name }} />
      </h3>
      {busy !== null && <p role="status">{busy}</p>}
      {problem && <ProblemText lang={lang} problem={problem} />}
      {children}
    </section>
  );
}
