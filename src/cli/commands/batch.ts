import { acceptOnlyWhenAsked } from '../context.js';
import { safe } from '../../core/inert.js';
import { unlink } from 'node:fs/promises';
import { Writable } from 'node:stream';
import { JsonHostKeyStore, defaultKnownHostsPath } from '../../main/device/index.js';
import { openAnyDevice } from '../../main/open.js';
import { KeychainSecretStore } from '../../main/vault/secret-store.js';
import { appendFileNoFollow, writeFileAtomic, writeFileAtomicSync } from '../../main/vault/atomic-file.js';
import {
  type BatchEvent,
  type BatchResult,
  batchResultCsv,
  batchResultCsvHeader,
  batchResultCsvRow,
  readBatchFile,
  runBatch,
} from '../../main/workflows/batch.js';
import type { WorkflowEvent } from '../../main/workflows/engine.js';
import { type Command, parse } from '../command.js';
import { openVault } from '../context.js';
import { CliError } from '../errors.js';
import { weakSecretPolicy } from '../credentials.js';
import { INPUT_LIMITS } from '../../main/input/bounded.js';
import { type CliIO, readInput, write } from '../io.js';
import { narrator } from '../narrate.js';
import { checkOutputPath } from '../paths.js';
import { HeldProgress } from '../progress.js';
import { BATCH_RESULT } from '../json-shapes.js';
import { jsonShown } from '../shown.js';

/** The result rows of a running batch, beside the result CSV (renamed away when the batch ends). */
const STREAM_MARK = '.partial';

const USAGE =
  'e2ee-prov batch FILE.csv [--parallel N] [--out-csv PATH] [--out-json PATH] [--allow-plain-over-network] [--allow-paths-outside] [--allow-weak-secret] [--json]';

/** Progress of one device, each line prefixed with the device it belongs to. */
function deviceNarrators(io: CliIO): (e: BatchEvent) => void {
  const narrators = new Map<number, (e: WorkflowEvent) => void>();
  return (e) => {
    switch (e.type) {
      case 'batch-start':
        io.stderr.write(
          `Batch of ${e.devices} device${e.devices === 1 ? '' : 's'} (up to ${e.parallel} at once, of which one serial or simulator device at a time).\n`,
        );
        break;
      case 'validate-progress':
        io.stderr.write(
          e.done
            ? `Checked the files of all ${e.total} row${e.total === 1 ? '' : 's'}${e.failed ? ` (${e.failed} with a problem: those devices fail, the others go on)` : ''}.\n`
            : `Checking the rows' files: ${e.checked} of ${e.total}${e.failed ? ` (${e.failed} with a problem)` : ''}…\n`,
        );
        break;
      case 'device-start': {
        const prefix = safe`[line ${e.device.line} ${e.device.target}] `;
        const stderr = new Writable({
          write(chunk: Buffer | string, _enc, done) {
            io.stderr.write(prefix + chunk.toString());
            done();
          },
        });
        narrators.set(e.device.line, narrator({ ...io, stderr }));
        io.stderr.write(`${prefix}started\n`);
        break;
      }
      case 'progress':
        narrators.get(e.device.line)?.(e.event);
        break;
      case 'device-end': {
        const r = e.result;
        io.stderr.write(
          safe`[line ${r.line} ${r.target}] ${r.status === 'ok' ? 'ok' : `failed: ${r.error?.code} ${r.error?.message}`}\n`,
        );
        narrators.delete(e.device.line);
        break;
      }
      case 'batch-end':
        break;
    }
  };
}

function summary(result: BatchResult, csvPath: string, jsonPath: string, renews: boolean): string {
  const lines = result.devices.map(
    (d) =>
      safe`  line ${d.line}  ${d.target}  ${d.serial ?? '-'}  ${d.status === 'ok' ? `ok  ${d.identity}  ${d.fingerprint}  until ${d.notAfter}` : `FAILED  ${d.error?.code}`}`,
  );
  const out = [
    `${result.succeeded} of ${result.devices.length} device${result.devices.length === 1 ? '' : 's'} ${renews ? 'provisioned or renewed' : 'provisioned'}.`,
    ...lines,
    `Results: ${csvPath} and ${jsonPath}.`,
  ];
  if (result.generatedSecrets.length > 0) {
    out.push(
      '',
      `${result.generatedSecrets.length} device${result.generatedSecrets.length === 1 ? '' : 's'} (${result.generatedSecrets.join(', ')}) got a generated client secret. A batch never prints secrets: they are in the OS keychain only. Export them for the devices' owners with: e2ee-prov secret export`,
    );
  }
  return out.join('\n') + '\n';
}

/** Provisions the devices a CSV lists; writes one result row per device (CSV and JSON). */
export const batchCommand: Command = {
  path: ['batch'],
  summary:
    'Provision (or, with the action column, renew) the devices a CSV lists (serial one at a time, SSH and webex: in parallel); result CSV and JSON.',
  usage: USAGE,
  connects: true,
  async run(args: string[], io: CliIO): Promise<number> {
    const { values: v, positionals } = parse(
      args,
      {
        parallel: { type: 'string', default: '1' },
        'out-csv': { type: 'string' },
        'out-json': { type: 'string' },
        'allow-plain-over-network': { type: 'boolean', default: false },
        'allow-paths-outside': { type: 'boolean', default: false },
        'allow-weak-secret': { type: 'boolean', default: false },
        json: { type: 'boolean', default: false },
      },
      USAGE,
      true,
    );
    if (positionals.length !== 1)
      throw new CliError('ERR_USAGE', `Give exactly one batch file. Usage: ${USAGE}`);
    const file = positionals[0]!;
    if (!/^[1-9]\d*$/.test(v.parallel) || Number(v.parallel) > 64)
      throw new CliError(
        'ERR_USAGE',
        `--parallel takes a whole number from 1 to 64, not ${JSON.stringify(v.parallel)}.`,
      );
    const base = file.replace(/\.csv$/i, '');
    const csvPath = v['out-csv'] ?? `${base}.result.csv`;
    const jsonPath = v['out-json'] ?? `${base}.result.json`;
    if (file === '-')
      throw new CliError(
        'ERR_USAGE',
        'The batch file must be a file: relative paths in it are read from its folder.',
      );
    // Progress is held unless a person watches, so that a failure's first stderr line is the error.
    const progress = new HeldProgress(io);
    try {
      const rows = readBatchFile(await readInput(file, io, 'batch file', INPUT_LIMITS.batch), {
        file,
        // A CSV is a file a person is handed: its paths stay in its folder unless the person trusts it.
        allowPathsOutside: v['allow-paths-outside'],
      });
      // Where the results go is checked now, not after every device was provisioned.
      await checkOutputPath(csvPath, 'batch result');
      await checkOutputPath(jsonPath, 'batch result');
      const vault = await openVault(io);
      const hostKeyStore = new JsonHostKeyStore(defaultKnownHostsPath(io.env));
      const narrate = v.json ? undefined : deviceNarrators({ ...io, stderr: progress.writable() });
      // Results are streamed: RESULT.csv.partial gets a row as each device finishes (in finishing order),
      // so that a batch stopped midway leaves what it did; at the end the result CSV and JSON are written
      // in the file's order, and the partial file is removed.
      let streaming = true;
      const stream = (e: BatchEvent): void => {
        if (!streaming || (e.type !== 'batch-start' && e.type !== 'device-end')) return;
        try {
          // Created anew (a planted link or file there is replaced, never followed), then appended to
          // without following a link either.
          if (e.type === 'batch-start')
            writeFileAtomicSync(csvPath + STREAM_MARK, batchResultCsvHeader(), { mode: 0o644 });
          if (e.type === 'device-end')
            appendFileNoFollow(csvPath + STREAM_MARK, batchResultCsvRow(e.result), 0o644);
        } catch {
          streaming = false; // the final write says what is wrong
        }
      };
      const result = await runBatch(
        rows,
        {
          ...vault,
          // A batch asks nobody: a new SSH host key needs --accept-new-host-key (or a pin made before).
          // A webex: row goes through the Webex cloud with the kept sign-in, its secret in the keychain.
          open: (target, password) =>
            openAnyDevice(target, {
              password,
              hostKeyStore,
              acceptNewHostKey: acceptOnlyWhenAsked(io),
              env: io.env,
              secrets: vault.secrets,
              ...(vault.secrets instanceof KeychainSecretStore ? { keychain: vault.secrets } : {}),
            }),
        },
        {
          parallel: Number(v.parallel),
          allowPlainOverNetwork: v['allow-plain-over-network'],
          weakSecret: weakSecretPolicy(v['allow-weak-secret']),
          onEvent: (e) => {
            stream(e);
            narrate?.(e);
          },
        },
      );
      const json = jsonShown(
        { file, ...result },
        {
          ...BATCH_RESULT,
          file: true,
        },
      );
      try {
        await writeFileAtomic(csvPath, batchResultCsv(result), { mode: 0o644 });
        await writeFileAtomic(jsonPath, json, { mode: 0o644 });
        await unlink(csvPath + STREAM_MARK).catch(() => undefined);
      } catch (e) {
        throw new CliError('ERR_OUTPUT_WRITE', `Cannot write the batch result: ${(e as Error).message}.`);
      }
      await write(
        io.stdout,
        v.json
          ? json
          : summary(
              result,
              csvPath,
              jsonPath,
              rows.some((r) => r.action === 'renew'),
            ),
      );
      if (result.ok) await progress.done();
      else {
        const failed = result.devices.filter((d) => d.status !== 'ok');
        await progress.failedWith(
          `ERR_WORKFLOW_BATCH_INCOMPLETE ${failed.length} of ${result.devices.length} devices failed (${failed.map((d) => `line ${d.line}: ${d.error?.code}`).join('; ')}); see ${csvPath}. Run the batch again to resume them: devices that are done are skipped.`,
        );
      }
      return result.ok ? 0 : 1;
    } catch (e) {
      await progress.failed(e);
      throw e;
    }
  },
};
