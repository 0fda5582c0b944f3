import { dataDir } from '../../main/vault/data-dir.js';
import type { JournalProblem } from '../../contract/shapes.js';
import { JournalError } from '../../main/vault/errors.js';
import { Journal } from '../../main/vault/journal.js';
import { type Command, parse } from '../command.js';
import { type CliIO, write } from '../io.js';
import { VERIFY_REPORT } from '../json-shapes.js';
import { shown } from '../shown.js';

const USAGE = 'e2ee-prov journal verify [--json]';

function warnings(problems: readonly JournalProblem[]): string[] {
  return problems
    .filter((x) => x.code.startsWith('WARN_'))
    .map((p) => `warning: ${p.code} line ${p.line}: ${p.message}\n`);
}

/** Checks the journal's hash chain and anchor; exits 1 with the code and line of the first problem. */
export const journalVerify: Command = {
  path: ['journal', 'verify'],
  summary: 'Check that the journal is whole: no record edited, removed or cut off (hash chain and anchor).',
  usage: USAGE,
  async run(args: string[], io: CliIO): Promise<number> {
    const { values: v } = parse(args, { json: { type: 'boolean', default: false } }, USAGE);
    const journal = new Journal(dataDir(io.env));
    const report = await journal.verify();
    const bad = report.problems.find((p) => p.code.startsWith('ERR_'));
    if (v.json) {
      await write(
        io.stdout,
        JSON.stringify({ path: journal.path, ...(shown(report, VERIFY_REPORT) as object) }) + '\n',
      );
    } else if (report.ok) {
      for (const w of warnings(report.problems)) io.stderr.write(w);
      await write(
        io.stdout,
        `${journal.path}: ${report.records} record(s), chain intact, last record anchored (sha256 ${report.head.hash.slice(0, 16)}…).\n`,
      );
    }
    if (bad) {
      const error = new JournalError(
        bad.code as 'ERR_JOURNAL_TAMPERED' | 'ERR_JOURNAL_TRUNCATED',
        `line ${bad.line}: ${bad.message} (${journal.path})`,
        { line: bad.line },
      );
      if (v.json) throw error;
      // The error is the first line; the crash artifacts found beside it follow.
      io.stderr.write(`${error.code} ${error.message}\n`);
      for (const w of warnings(report.problems)) io.stderr.write(w);
      return 1;
    }
    return 0;
  },
};
