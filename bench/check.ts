/**
 * `npm run bench:check`: fails (exit 1) when a figure's ratio passes its budget (bench/budgets.json).
 *
 *   npm run bench:check                          checks bench/results.json against the targets
 *   npm run bench:check -- --run --budgets ci    runs a quick bench first (CI: loose budgets; needs a build)
 *   npm run bench:check -- --results FILE        checks another results file
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { type BudgetFile, checkResults, isBenchResults } from './lib.js';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const { values } = parseArgs({
  options: {
    results: { type: 'string' },
    budgets: { type: 'string', default: 'target' },
    run: { type: 'boolean', default: false },
  },
});

function fail(message: string): never {
  console.error(`bench:check: ${message}`);
  process.exit(2);
}

const budgets = JSON.parse(readFileSync(join(ROOT, 'bench', 'budgets.json'), 'utf8')) as BudgetFile;
const set = values.budgets === 'ci' ? budgets.ci : values.budgets === 'target' ? budgets.target : undefined;
if (!set) fail(`--budgets takes target or ci, not ${JSON.stringify(values.budgets)}.`);

let file = values.results ?? join(ROOT, 'bench', 'results.json');
let tmp: string | undefined;
if (values.run) {
  if (
    !existsSync(join(ROOT, 'dist', 'renderer', 'index.html')) ||
    !existsSync(join(ROOT, 'dist', 'cli', 'index.js'))
  ) {
    fail('the quick bench measures the built code: run "npm run build" first.');
  }
  tmp = mkdtempSync(join(tmpdir(), 'bench-check-'));
  file = join(tmp, 'results.json');
  const r = spawnSync(
    process.execPath,
    ['--import', 'tsx', join(ROOT, 'bench', 'run.ts'), '--quick', '--out', file],
    { stdio: 'inherit', cwd: ROOT },
  );
  if (r.status !== 0) fail(`the quick bench failed (exit ${r.status ?? r.signal}).`);
}
let parsed: unknown;
try {
  parsed = JSON.parse(readFileSync(file, 'utf8'));
} catch (e) {
  fail(`cannot read ${file}: ${(e as Error).message}. Run "npm run bench" first, or pass --run.`);
} finally {
  if (tmp) rmSync(tmp, { recursive: true, force: true });
}
if (!isBenchResults(parsed)) fail(`${file} is not a bench results file.`);

const { ok, lines } = checkResults(parsed, set);
console.log(`budgets: ${values.budgets}; results of ${parsed.date}${parsed.quick ? ' (quick)' : ''}`);
for (const l of lines) {
  console.log(
    `${l.ok ? 'ok  ' : 'FAIL'}  ${l.figure}.${l.what} = ${l.value === null ? 'missing' : l.value}  (budget ${l.budget})`,
  );
}
process.exit(ok ? 0 : 1);
