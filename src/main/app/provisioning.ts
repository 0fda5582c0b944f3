/**
 * The provisioning runner: one provisioning at a time on the connected device (run, stop, resume after
 * a stop or a failure), the secret rotation, and main's judgement of a typed secret. A generated secret
 * goes into custody; a report's facts go to the exports for the handover sheet.
 */
import { mkdir } from 'node:fs/promises';
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import type {
  HandoverFacts,
  ProvisionRequest,
  ProvisionSummary,
  RotateRequestInput,
  RotateSummary,
  RunNote,
  SecretJudgement,
  WorkflowEventMessage,
} from '../../contract/index.js';
import { isProvisionerError } from '../../core/errors.js';
import { checkActivationCode } from '../../core/xapi/index.js';
import { describeTarget } from '../device/index.js';
import type { StepPlan } from '../workflows/engine.js';
import { WorkflowError } from '../workflows/errors.js';
import { provision } from '../workflows/provision.js';
import { rotateSecret } from '../workflows/rotate.js';
import { type WeakSecretWords, judgeGivenSecret } from '../workflows/secret-policy.js';
import type { CredentialsSelection } from './credentials.js';
import type { SecretCustody } from './custody.js';
import type { DeviceSession, Session } from './device-session.js';
import { AppError } from './errors.js';
import type { AppExports } from './exports.js';
import type { AppVault } from './vault.js';

/**
 * The window's words for the workflows' refusal of a weak typed secret (ERR_SECRET_WEAK): the app always
 * refuses one, as the CLI and batches do unless told otherwise.
 */
const WEAK_SECRET_WORDS: WeakSecretWords = {
  subject: 'This secret',
  remedy: 'Choose a longer one, or let the app generate one.',
};

/**
 * The rating shown as the person types: the judgement and the verdict the workflows give the same
 * secret when it is run (a display, not the refusal: the workflow refuses); a refusal as data.
 */
export function judgeSecret(value: string, route: 'plain' | 'blob'): SecretJudgement {
  try {
    const { check, refusal } = judgeGivenSecret(value, route, 'refuse', WEAK_SECRET_WORDS);
    return {
      bits: check.strength.bits,
      rating: check.strength.rating,
      warnings: check.warnings.map((w) => w.code),
      refusal: refusal ? { code: refusal.code, message: refusal.message } : null,
    };
  } catch (e) {
    if (!isProvisionerError(e)) throw e;
    return { bits: 0, rating: 'weak', warnings: [], refusal: { code: e.code, message: e.message } };
  }
}

/** The device a secret kept for `s` belongs to. */
function ownerOf(s: Session): { serial: string; productId: string | null; target: string } {
  return { serial: s.serial, productId: s.productId, target: describeTarget(s.target) };
}

export interface RunnerParts {
  vault: AppVault;
  session: DeviceSession;
  credentials: CredentialsSelection;
  custody: SecretCustody;
  exports: AppExports;
  emit: (message: WorkflowEventMessage) => void;
}

export class ProvisioningRunner {
  private lastFailed: { request: ProvisionRequest; backupFile?: string } | null = null;
  private current: { controller: AbortController } | null = null;

  constructor(private readonly parts: RunnerParts) {}

  /** Asks the running provisioning to stop at its next safe point. */
  stop(): { stopping: boolean } {
    if (!this.current) return { stopping: false };
    this.current.controller.abort();
    return { stopping: true };
  }

  /** Goes on with the last stopped or failed provisioning, reconnecting a cut console first. */
  async resume(): Promise<ProvisionSummary> {
    const lastFailed = this.lastFailed;
    if (!lastFailed) {
      throw new WorkflowError(
        'ERR_WORKFLOW_NOTHING_TO_RESUME',
        'There is no stopped or failed provisioning to resume in this window; start one.',
      );
    }
    // A cable pulled and plugged back in: log in again on the same target, then go on.
    const session = this.parts.session.current;
    if (session && !session.device.connected) {
      this.parts.session.console.note('reconnecting to resume');
      await session.device.reconnect({ timeoutMs: 60_000 });
    }
    return this.run({ ...lastFailed.request, dryRun: false }, lastFailed.backupFile);
  }

  async run(request: ProvisionRequest, resumeBackup?: string): Promise<ProvisionSummary> {
    const { vault, custody, exports } = this.parts;
    // Checked before the device is touched, on a dry run too: a bad code would fail only at the end.
    if (request.activationCode !== null) checkActivationCode(request.activationCode);
    const s = this.parts.session.require();
    const credentials = this.parts.credentials.forRun(request.dryRun);
    if (!request.dryRun && request.factoryReset && request.factoryReset.serial.trim() !== s.serial) {
      throw new AppError(
        'ERR_APP_RESET_NOT_THIS_DEVICE',
        `The factory reset was confirmed for ${JSON.stringify(request.factoryReset.serial.trim())}, not for the connected device ${s.serial}; confirm it again for this device.`,
        { serial: s.serial },
      );
    }
    if (request.restoreName && !request.backup) {
      throw new AppError('ERR_APP_OPTIONS', 'Restoring the device name needs the configuration backup.');
    }
    const [secretStore, journalStore] = await Promise.all([vault.secrets(), vault.records()]);
    let backupFile: string | undefined;
    if (request.backup && !request.dryRun) {
      backupFile = resumeBackup;
      if (!backupFile) {
        const dir = join(journalStore.dir, 'backups');
        await mkdir(dir, { recursive: true, mode: 0o700 });
        const stamp = new Date().toISOString().replace(/[:.]/g, '-');
        backupFile = join(dir, `config-${s.serial || 'device'}-${stamp}.json`);
      }
    } else if (request.backup) {
      backupFile = join(journalStore.dir, 'backups', 'config-(planned).json');
    }
    const runId = randomUUID();
    const controller = new AbortController();
    this.current = { controller };
    let plan: StepPlan[] = [];
    const notes: RunNote[] = [];
    try {
      const result = await provision(
        { device: s.device, secrets: secretStore, journal: journalStore },
        {
          credentials,
          enc: request.enc,
          link: s.target.kind,
          allowPlainOverNetwork: request.allowPlainOverNetwork,
          ...(request.secret.mode === 'given'
            ? {
                secret: request.secret.value,
                // The workflow refuses a weak one before anything is sent; a dry run sends nothing.
                weakSecret: request.dryRun ? ('allow' as const) : ('refuse' as const),
                weakSecretWords: WEAK_SECRET_WORDS,
              }
            : {}),
          ...(request.factoryReset
            ? {
                factoryReset: {
                  confirmed: request.factoryReset.confirmed,
                  keep: request.factoryReset.keep ?? [],
                },
              }
            : {}),
          ...(request.registerFirst ? { order: 'register-first' as const } : {}),
          ...(request.wrapLongLines ? { wrapLongLines: true } : {}),
          targetLabel: describeTarget(s.target),
          ...(backupFile ? { backupFile } : {}),
          ...(backupFile && request.restoreName
            ? { restore: { file: backupFile, paths: ['SystemUnit Name'] } }
            : {}),
          ...(request.activationCode !== null
            ? { activationCode: request.activationCode, securityAction: 'NoAction' as const }
            : {}),
        },
        {
          dryRun: request.dryRun,
          signal: controller.signal,
          runId,
          onEvent: (event) => {
            if (event.type === 'plan') plan = event.steps;
            if (event.type === 'info')
              notes.push({ text: event.message, ...(event.said ? { said: event.said } : {}) });
            this.parts.emit({ workflow: 'provision', runId, event });
          },
        },
      );
      const held = result.newSecret ?? result.heldSecret;
      if (held !== undefined) custody.keep(ownerOf(s), 'provision', held);
      if (!request.dryRun) {
        this.lastFailed = result.ok ? null : { request, ...(backupFile ? { backupFile } : {}) };
      }
      let report: HandoverFacts | undefined;
      if (result.report) {
        // The report may hold the secret only when asked for a handover file; the window never asks.
        const { clientSecret: _never, ...facts } = result.report;
        report = facts;
        exports.remember(facts);
      }
      return {
        runId,
        ok: result.ok,
        dryRun: result.dryRun,
        plan,
        steps: result.steps,
        warnings: result.warnings,
        notes,
        ...(result.error ? { error: result.error } : {}),
        ...(report ? { report } : {}),
        ...(backupFile && !request.dryRun ? { backupFile } : {}),
        secretToReveal: held !== undefined,
      };
    } finally {
      this.current = null;
    }
  }

  /** Rotates the connected device's client secret; a generated one goes into custody. */
  async rotate(request: RotateRequestInput): Promise<RotateSummary> {
    const { vault, custody } = this.parts;
    const s = this.parts.session.require();
    const [secretStore, journalStore] = await Promise.all([vault.secrets(), vault.records()]);
    const given = request.currentSecret;
    const device = s.device;
    const result = await rotateSecret(
      device,
      {
        // The workflow refuses a weak one before anything reaches the device or the keychain.
        ...(request.newSecret.mode === 'given'
          ? {
              newSecret: request.newSecret.value,
              weakSecret: 'refuse' as const,
              weakSecretWords: WEAK_SECRET_WORDS,
            }
          : {}),
        ...(given !== null && given !== '' ? { askCurrentSecret: async () => given } : {}),
      },
      {
        store: secretStore,
        journal: journalStore,
        enc: request.enc,
        // A lost answer: log in again on the same console and find out which secret the device holds.
        reconnect: async () => {
          await device.reconnect();
          return {
            identify: () => device.identify(),
            populateSecret: (blob: string) => device.populateSecret(blob),
          };
        },
      },
    );
    if (result.generated) custody.keep(ownerOf(s), 'rotate', result.newSecret);
    // A typed secret replaced whatever generated one waited: the device no longer holds that.
    else custody.drop(result.serial);
    return {
      serial: result.serial,
      generated: result.generated,
      secretToReveal: result.generated,
      strength: { bits: result.check.strength.bits, rating: result.check.strength.rating },
      warnings: result.check.warnings.map((w) => w.code),
      before: {
        state: result.before.state,
        ...(result.before.holds ? { holds: result.before.holds } : {}),
      },
    };
  }

  /** Stops a running provisioning (the app is closing). */
  dispose(): void {
    this.current?.controller.abort();
  }
}
