/**
 * The Fleet screen's meeting result of one cloud device, and its watch: the single read's report until
 * the person presses Watch, then the meeting read again through the cloud every few seconds (an input
 * checked against the CLI's default and limits) with its joins and security code changes, each naming
 * its device. Stop, leaving the screen or checking another device ends the watch (main's polling timer
 * with it).
 */
import { useEffect, useRef, useState } from 'react';
import { MEETING_POLL_SECONDS, type MeetingReport, type MeetingView } from '../../contract/index.js';
import { api } from '../api.js';
import { type Lang, fmt, messages } from '../i18n/index.js';
import { type Problem, ProblemText, problemOf } from './common.js';
import { Fmt } from './Fmt.js';
import { MeetingReportView, MeetingUpdatesView, useWatchedMeeting } from './MeetingCheck.js';

/** The poll interval the person typed, in whole seconds within the limits, or null. */
export function pollSecondsOf(text: string): number | null {
  if (!/^\d{1,5}$/.test(text.trim())) return null;
  const n = Number(text.trim());
  return n >= MEETING_POLL_SECONDS.min && n <= MEETING_POLL_SECONDS.max ? n : null;
}

/**
 * How often a cloud device is read while watching (whole seconds, the CLI's default and limits), and
 * why the value typed is refused. The Fleet screen's watch and the Meeting check screen share it.
 */
export function PollSecondsField({
  lang,
  value,
  disabled,
  onChange,
  testId,
}: {
  lang: Lang;
  value: string;
  disabled: boolean;
  onChange: (value: string) => void;
  testId: string;
}) {
  const t = messages(lang).fleet;
  const invalid = pollSecondsOf(value) === null;
  return (
    <>
      <label>
        {t.pollSeconds}{' '}
        <input
          type="number"
          inputMode="numeric"
          data-testid={testId}
          min={MEETING_POLL_SECONDS.min}
          max={MEETING_POLL_SECONDS.max}
          step={1}
          value={value}
          disabled={disabled}
          aria-invalid={invalid}
          onChange={(e) => onChange(e.target.value)}
        />
      </label>
      {invalid && ' '}
      {invalid && (
        <span className="bad" role="status" data-testid={`${testId}-invalid`}>
          {fmt(t.pollInvalid, { min: MEETING_POLL_SECONDS.min, max: MEETING_POLL_SECONDS.max })}
        </span>
      )}
    </>
  );
}

export function FleetMeetingWatch({
  lang,
  serial,
  name,
  report,
}: {
  lang: Lang;
  serial: string;
  name: string;
  /** The single read's report (fleet.meeting), shown until a watch has its own. */
  report: MeetingReport;
}) {
  const t = messages(lang).fleet;
  const [poll, setPoll] = useState(String(MEETING_POLL_SECONDS.default));
  const [view, setView] = useState<MeetingView | null>(null);
  const [problem, setProblem] = useState<Problem | null>(null);
  const [starting, setStarting] = useState(false);
  // Whether this view started a watch: leaving it ends that watch in main.
  const started = useRef(false);
  const seconds = pollSecondsOf(poll);

  useEffect(
    () => () => {
      if (started.current) void api().meeting.stop();
    },
    [],
  );

  useWatchedMeeting(view?.watching === true, setView);

  async function watch(): Promise<void> {
    if (seconds === null) return;
    setStarting(true);
    started.current = true;
    const r = await api().fleet.watchMeeting(serial, seconds);
    setStarting(false);
    setProblem(problemOf(r));
    if (r.ok) setView(r.value);
  }

  async function stop(): Promise<void> {
    const r = await api().meeting.stop();
    setProblem(problemOf(r));
    if (r.ok) setView(r.value);
  }

  // Only what was read on this device is shown here.
  const mine = view && view.serial === serial ? view : null;
  const watching = mine?.watching === true;
  return (
    <div data-testid="fleet-meeting-watch" data-watching={String(watching)}>
      <div className="buttons">
        <PollSecondsField
          lang={lang}
          value={poll}
          disabled={watching}
          onChange={setPoll}
          testId="fleet-meeting-poll"
        />
        <button
          type="button"
          data-testid="fleet-meeting-watch-start"
          disabled={watching || starting || seconds === null}
          onClick={() => void watch()}
        >
          {t.watchMeeting}
        </button>
        <button
          type="button"
          data-testid="fleet-meeting-watch-stop"
          disabled={!watching}
          onClick={() => void stop()}
        >
          {t.stopWatching}
        </button>
      </div>
      {problem && <ProblemText lang={lang} problem={problem} />}
      {!problem && mine?.error && <ProblemText lang={lang} problem={mine.error} />}
      {watching && seconds !== null && (
        <p role="status" data-testid="fleet-meeting-watching">
          <Fmt text={t.watchingMeeting} values={{ serial, name, n: seconds }} />
        </p>
      )}
      <MeetingReportView lang={lang} report={mine?.report ?? report} />
      {mine && <MeetingUpdatesView lang={lang} updates={mine.updates} />}
    </div>
  );
}
