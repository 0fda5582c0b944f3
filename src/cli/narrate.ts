import { inert } from '../core/inert.js';
import type { WorkflowEvent, WorkflowResult } from '../main/workflows/engine.js';
import type { CliIO } from './io.js';

const MARK: Record<string, string> = { done: '✓', skipped: '–', failed: '✗' };

/** Prints a workflow's progress as it happens, one line per step (stderr, so stdout stays for results). */
export function narrator(io: CliIO, out: 'stdout' | 'stderr' = 'stderr'): (e: WorkflowEvent) => void {
  const titles = new Map<string, string>();
  // Details and messages quote device output and certificate fields: shown inert, one line each.
  const w = (s: string): void => void io[out].write(inert(s) + '\n');
  return (e) => {
    switch (e.type) {
      case 'plan':
        for (const s of e.steps) titles.set(s.id, s.title);
        if (e.dryRun) {
          w(`Plan for ${e.workflow} (dry run, nothing is done):`);
          e.steps.forEach((s, i) =>
            w(`  ${i + 1}. ${s.title}${s.included ? '' : `  (left out: ${s.reason})`}`),
          );
        }
        break;
      case 'step':
        if (e.status === 'running') w(`… ${titles.get(e.id)}`);
        else if (e.status === 'done') w(`${MARK.done} ${titles.get(e.id)}${e.detail ? `: ${e.detail}` : ''}`);
        else if (e.status === 'skipped') w(`${MARK.skipped} ${titles.get(e.id)}: ${e.reason}`);
        else w(`${MARK.failed} ${titles.get(e.id)}: ${e.error.code} ${e.error.message}`);
        break;
      case 'warning':
        w(`  ! ${e.code} ${e.message}`);
        break;
      case 'info':
        w(`  ${e.message}`);
        break;
      case 'finished':
        break;
    }
  };
}

/** The one stderr line a failed workflow ends with: its code and sentence. */
export function failureLine(result: Pick<WorkflowResult, 'error'>): string {
  return inert(
    `${result.error?.code ?? 'ERR_INTERNAL'} ${result.error?.message ?? 'The workflow failed.'}`.replace(
      /\s*\n\s*/g,
      ' ',
    ),
  );
}
