import type { IpcResult } from '../../contract/index.js';
import { type Lang, errorText } from '../i18n/index.js';

/** A failure as the person reads it: words for its code in their language, and the code. */
export interface Problem {
  code: string;
  message: string;
}

export function problemOf<T>(r: IpcResult<T>): Problem | null {
  return r.ok ? null : { code: r.code, message: r.message };
}

/** Shows a failure by its code, in the person's language (main's sentence when the catalog has none). */
export function ProblemText({ lang, problem }: { lang: Lang; problem: Problem }) {
  return (
    <p role="alert" className="problem" data-code={problem.code}>
      <span className="problem-words">{errorText(lang, problem.code, problem.message)}</span>{' '}
      <code className="problem-code">{problem.code}</code>
    </p>
  );
}
