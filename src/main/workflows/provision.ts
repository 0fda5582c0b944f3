/**
 * Provisioning: the vendor's procedure (shared/spec/jwe-blobs.md, last section) as steps that check the
 * device, act, and read back. Resumable: each step first asks the device (and the keychain) whether it
 * is already done, so a second run after an interruption goes on where the first stopped. The precheck's
 * named checks, the registration, the backup files and the shared context are in `provision/`.
 */
import { checkCredentials } from '../../core/pki/index.js';
import { describeWarning, generateSecret } from '../../core/secret/index.js';
import { checkActivationCode } from '../../core/xapi/build.js';
import type { ConfigNode } from '../../core/xapi/results.js';
import { writeFileAtomic } from '../vault/atomic-file.js';
import { type Journal, unsettledOps } from '../vault/journal.js';
import {
  type ErrorInfo,
  type RunOptions,
  type StepDef,
  type WorkflowEvent,
  type WorkflowResult,
  runWorkflow,
} from './engine.js';
import { WorkflowError } from './errors.js';
import { activateIdentity, addCertificate, lists } from './identity.js';
import { journaled } from './journaled.js';
import { deviceHolds } from './device-holds.js';
import { readBackup } from './provision/backup.js';
import {
  type Ctx,
  type HandoverReport,
  type ProvisionDeps,
  type ProvisionOptions,
  type ProvisionResult,
  requireSecret,
  resolveSettings,
  said,
  target,
} from './provision/context.js';
import { precheck } from './provision/precheck.js';
import { register, registeredAlready, waitForExternalIdentity } from './provision/register.js';
import { admitted } from './secret-policy.js';
import './journal-kinds.js';

export { REGISTRATION_TIMEOUT_MS } from './provision/context.js';
export type {
  HandoverReport,
  ProvisionDeps,
  ProvisionOptions,
  ProvisionOrder,
  ProvisionResult,
  ProvisionSettings,
} from './provision/context.js';

/** Steps of the provisioning workflow, in the order the vendor's procedure gives. */
export const PROVISION_STEPS: readonly StepDef<Ctx>[] = [
  {
    id: 'precheck',
    title: 'Check the device and the certificate',
    act: precheck,
  },
  {
    id: 'backup',
    title: 'Back up the configuration',
    include: (ctx) => (ctx.options.backupFile ? true : 'no backup file given'),
    async alreadyDone(ctx) {
      const parsed = await readBackup<{ device?: { serialNumber?: string } }>(ctx.options.backupFile!, true);
      if (parsed === null) return false;
      if (parsed.device?.serialNumber !== ctx.serial) {
        throw new WorkflowError(
          'ERR_WORKFLOW_DEVICE_CHANGED',
          `${ctx.options.backupFile} already exists and holds another device's backup; choose another file.`,
        );
      }
      return said('BACKUP_EXISTS', 'the backup file of this device exists already');
    },
    async act(ctx) {
      const dump = await ctx.deps.device.configurationDump();
      const backup = {
        format: 'e2ee-provisioner-config-backup',
        version: 1,
        takenAt: new Date().toISOString(),
        device: ctx.identity,
        lines: dump.lines,
        nodes: dump.nodes,
      };
      await writeFileAtomic(ctx.options.backupFile!, JSON.stringify(backup, null, 2) + '\n', {
        mode: 0o600,
        exclusive: true,
      });
      return said(
        'BACKUP_SAVED',
        `${dump.nodes.length} configuration nodes saved to ${ctx.options.backupFile}`,
        {
          n: dump.nodes.length,
          file: ctx.options.backupFile!,
        },
      );
    },
  },
  {
    id: 'factory-reset',
    title: 'Factory reset',
    include: (ctx) => (ctx.options.factoryReset ? true : 'not asked for'),
    async alreadyDone(ctx, io) {
      const records = await ctx.deps.journal.read();
      const start = records.findIndex((r) => r.kind === 'intent' && r.op === ctx.provisionOp);
      const done = records
        .slice(start)
        .some(
          (r) =>
            r.kind === 'outcome' &&
            r.action === 'device.factory-reset' &&
            r.serial === ctx.serial &&
            r.result === 'ok',
        );
      if (done && ctx.resetSettled) {
        return said(
          'RESET_SETTLED',
          'the reset an interrupted run started had taken (the device is factory-fresh): it is not repeated',
        );
      }
      if (done) return said('RESET_EARLIER', 'the device was reset earlier in this provisioning');
      // Running the same provisioning again must not erase a device that already has it all. The
      // keychain is asked first: without a secret for the device it cannot have it all, and the device
      // is not asked.
      const stored = await ctx.deps.secrets.get(ctx.serial);
      if (
        stored !== null &&
        (ctx.knows.active ?? (await lists(ctx.deps.device, ctx.fingerprint, true))) &&
        (await deviceHolds(ctx.deps.device, stored))
      ) {
        io.warn(
          'WARN_RESET_SKIPPED',
          'The device already uses this certificate for WebexIdentity and holds the secret the keychain has for it: it is not reset again.',
        );
        return said('RESET_NOT_NEEDED', 'the device is already provisioned with this certificate');
      }
      return false;
    },
    async act(ctx, io) {
      const { device, journal, secrets } = ctx.deps;
      io.info('Resetting: the device restarts and the tool logs in again when it answers.', {
        code: 'NOTE_RESETTING',
      });
      const keep = [...(ctx.options.factoryReset?.keep ?? [])];
      await journaled(journal, ctx.serial, 'device.factory-reset', keep.length ? { keep } : {}, () =>
        device.factoryReset({ keep, trailingAction: 'Restart' }),
      );
      // Read again after the restart (needed): the same device must answer before its secret is set,
      // and its name and registration are the reset's now.
      const after = await device.identify();
      if (after.serialNumber !== ctx.serial) {
        throw new WorkflowError(
          'ERR_WORKFLOW_DEVICE_CHANGED',
          `After the reset a different device answered (serial ${after.serialNumber}). Check the cable.`,
        );
      }
      ctx.identity = after;
      // A reset erases the certificates (unless kept): this one is neither listed nor active.
      ctx.knows = keep.includes('Certificates') ? {} : { listed: false, active: false };
      // The reset erased the device's secret: the stored one no longer opens anything.
      await secrets.delete(ctx.serial);
      return said('RESET_DONE', 'the device restarted and answered again');
    },
  },
  {
    id: 'register-first',
    title: 'Register to Webex first',
    include: (ctx) => (ctx.settings.order === 'register-first' ? true : 'the standard order registers last'),
    alreadyDone: registeredAlready,
    act: register,
  },
  {
    id: 'populate-secret',
    title: 'Populate the client secret',
    async alreadyDone(ctx, io) {
      const { device, secrets } = ctx.deps;
      const stored = await secrets.get(ctx.serial);
      if (stored !== null && (await deviceHolds(device, stored))) {
        ctx.secret = stored;
        if (ctx.given !== undefined && ctx.given.value !== stored) {
          io.warn(
            'WARN_SECRET_KEPT',
            'The device already holds the secret the keychain has for it; the one you gave was not used. Rotate the secret to change it.',
          );
        }
        // A run killed between storing the secret and clearing its pending copy left both equal: the
        // device holds it (just probed), so the pending entry is settled now, not left for later.
        if ((await secrets.getPending(ctx.serial)) === stored) {
          await secrets.deletePending(ctx.serial);
          await settlePlainPopulates(ctx.deps.journal, ctx.serial, stored);
          return said(
            'SECRET_HELD_SETTLED',
            'the device already holds the secret stored for it; the pending copy an interrupted run left is settled',
          );
        }
        return said('SECRET_HELD', 'the device already holds the secret stored for it');
      }
      const pending = await secrets.getPending(ctx.serial);
      if (pending !== null && (await deviceHolds(device, pending))) {
        // An earlier run was cut off after the device took the secret: settle it now, in the keychain and the journal.
        await secrets.set(ctx.serial, pending);
        await secrets.deletePending(ctx.serial);
        await settlePlainPopulates(ctx.deps.journal, ctx.serial, pending);
        ctx.secret = pending;
        return said('SECRET_TAKEN_EARLIER', 'the device took the secret in an earlier run; it is now stored');
      }
      // The device holds neither: a populate an earlier run left unsettled (the cable pulled before the
      // device ran it) did not take. Journaled so, before this run populates again.
      await settlePlainPopulates(
        ctx.deps.journal,
        ctx.serial,
        null,
        [stored, pending].filter((x): x is string => x !== null),
      );
      return false;
    },
    async act(ctx, io) {
      const { device, journal, secrets } = ctx.deps;
      let secret = ctx.given?.value;
      if (secret === undefined) {
        secret = (await secrets.getPending(ctx.serial)) ?? generateSecret().secret;
        ctx.generated = secret;
      }
      // The given secret's judgement, made once when the run started (a weak one got this far only if allowed).
      for (const w of ctx.given?.check.warnings ?? []) io.warn(w.code, describeWarning(w));
      // The new secret is in the keychain before the device is told: whatever happens next, it is not lost.
      await secrets.setPending(ctx.serial, secret);
      if (ctx.generated !== undefined) ctx.sent = secret;
      try {
        await journaled(
          journal,
          ctx.serial,
          'secret.populate-plain',
          {},
          () => device.populateSecretPlain(secret),
          [secret],
        );
      } catch (e) {
        const code = (e as { code?: string }).code;
        if (code === 'ERR_DEVICE_COMMAND_FAILED') {
          ctx.sent = undefined;
          await secrets.deletePending(ctx.serial);
          throw populateRefusal(ctx, (e as { details?: { reason?: string | null } }).details?.reason ?? null);
        }
        throw e;
      }
      await secrets.set(ctx.serial, secret);
      await secrets.deletePending(ctx.serial);
      ctx.secret = secret;
      return ctx.generated
        ? said('SECRET_GENERATED_SET', 'a generated secret was populated, and stored for the device')
        : said('SECRET_GIVEN_SET', 'your secret was populated, and stored for the device');
    },
  },
  {
    id: 'add-certificate',
    title: 'Add the certificate and key',
    async alreadyDone(ctx) {
      // Known when the precheck listed the store or a reset emptied it: the populate and a registration
      // in between add no certificate (an add needs the secret, which only this run has set).
      const listed =
        ctx.knows.listed ??
        (await ctx.deps.device.listCertificates()).some((c) => c.fingerprint === ctx.fingerprint);
      return listed ? said('CERT_PRESENT', 'the device already has this certificate') : false;
    },
    async act(ctx) {
      const facts = { cn: ctx.cn, fingerprint: ctx.fingerprint, notAfter: ctx.check.report.notAfter };
      await addCertificate(target(ctx), ctx.options.credentials, facts, ctx.options.now, {
        wrapLongLines: ctx.options.wrapLongLines === true,
        joinsChecked: ctx.wrapJoinsChecked === true,
      });
      // Just added, so not active yet; whether the device lists it is read in the next step.
      ctx.knows = { active: false };
      return said(
        'CERT_ADDED',
        `${ctx.cn} (${ctx.options.credentials.chain.length} intermediate${ctx.options.credentials.chain.length === 1 ? '' : 's'})`,
        { cn: ctx.cn, n: ctx.options.credentials.chain.length },
      );
    },
  },
  {
    id: 'match-fingerprint',
    title: 'Find the certificate in the device’s list',
    async act(ctx) {
      // The list after the add (needed once): the device took the certificate, under this fingerprint.
      const certs = await ctx.deps.device.listCertificates();
      const found = certs.find((c) => c.fingerprint === ctx.fingerprint);
      if (!found) {
        throw new WorkflowError(
          'ERR_WORKFLOW_FINGERPRINT_NOT_LISTED',
          `The device does not list a certificate with fingerprint ${ctx.fingerprint}. Run the provisioning again; if it persists, the device did not take the certificate.`,
          { fingerprint: ctx.fingerprint, listed: certs.map((c) => c.fingerprint) },
        );
      }
      ctx.knows.listed = true;
      return said('CERT_LISTED', `listed as certificate ${found.index}, fingerprint ${found.fingerprint}`, {
        index: found.index,
        fingerprint: found.fingerprint,
      });
    },
  },
  {
    id: 'activate',
    title: 'Activate it for WebexIdentity',
    async alreadyDone(ctx) {
      // A certificate this run just added is not active: the device is asked only on a resumed run.
      return (ctx.knows.active ?? (await lists(ctx.deps.device, ctx.fingerprint, true)))
        ? said('CERT_ACTIVE', 'the certificate is already active for WebexIdentity')
        : false;
    },
    async act(ctx) {
      await activateIdentity(target(ctx), ctx.fingerprint);
      ctx.knows.active = undefined;
    },
  },
  {
    id: 'verify',
    title: 'Verify the identity',
    async act(ctx, io) {
      // The verification after the activation: read, never assumed.
      if (!(await lists(ctx.deps.device, ctx.fingerprint, true))) {
        throw new WorkflowError(
          'ERR_WORKFLOW_VERIFY_FAILED',
          `The device does not list certificate ${ctx.fingerprint} as used for WebexIdentity. Run the provisioning again to activate it.`,
          { fingerprint: ctx.fingerprint },
        );
      }
      // What a registered device reports is the proof; an unregistered one reports nothing yet.
      const status = await ctx.deps.device.e2eeStatus();
      if (!status.present) {
        // The device reports E2EE status only once registered (cloud or Edge): the list is the proof until then.
        io.warn(
          'WARN_E2EE_STATUS_UNAVAILABLE',
          'The device lists the certificate as its WebexIdentity; it reports the E2EE identity status only once registered, so that check waits for registration.',
        );
        return said('IDENTITY_VERIFIED', `certificate ${ctx.fingerprint} is used for WebexIdentity`, {
          fingerprint: ctx.fingerprint,
        });
      }
      return waitForExternalIdentity(ctx, io, status);
    },
  },
  {
    id: 'restore',
    title: 'Restore chosen configuration',
    include: (ctx) => (ctx.options.restore ? true : 'nothing to restore'),
    async act(ctx) {
      const { file, paths } = ctx.options.restore!;
      const backup = (await readBackup<{ nodes?: ConfigNode[] }>(file, false))!;
      const wanted = paths.map((p) => p.toLowerCase().trim());
      const nodes = (backup.nodes ?? []).filter((n) =>
        wanted.some((w) => n.path.toLowerCase() === w || n.path.toLowerCase().startsWith(w + ' ')),
      );
      if (nodes.length === 0) return said('RESTORE_NONE', 'the backup holds none of the chosen nodes');
      await ctx.deps.device.restoreConfiguration(nodes);
      return said('RESTORE_DONE', `${nodes.length} configuration nodes restored`, { n: nodes.length });
    },
  },
  {
    id: 'register',
    title: 'Register to Webex',
    include: (ctx) =>
      !ctx.options.activationCode
        ? 'no activation code given'
        : ctx.settings.order === 'register-first'
          ? 'registered first, in the register-first order'
          : true,
    alreadyDone: registeredAlready,
    act: register,
  },
  {
    id: 'verify-registered',
    title: 'Verify the identity as registered',
    include: (ctx) =>
      !ctx.options.activationCode
        ? 'not registered now'
        : ctx.settings.order === 'register-first'
          ? 'verified as registered in the verify step'
          : true,
    async act(ctx, io) {
      let status;
      try {
        status = await ctx.deps.device.e2eeStatus();
      } catch (e) {
        if (ctx.settings.securityAction !== 'Harden') throw e;
        io.warn(
          'WARN_HARDEN_NO_CONSOLE',
          'The device no longer answers at the console after registering with SecurityAction Harden: check its identity in Control Hub.',
        );
        return said('REGISTERED_HARDENED', 'registered with Harden: the console is closed to the tool');
      }
      return waitForExternalIdentity(ctx, io, status);
    },
  },
  {
    id: 'handover',
    title: 'Handover report',
    async act(ctx) {
      const id = ctx.identity!;
      const report: HandoverReport = {
        serialNumber: ctx.serial,
        productId: id.productId,
        softwareVersion: id.softwareDisplayName || id.softwareVersion,
        identity: ctx.cn,
        fingerprint: ctx.fingerprint,
        notAfter: ctx.check.report.notAfter,
        enc: ctx.enc,
        provisionedAt: new Date().toISOString(),
        registered: ctx.registered,
      };
      if (ctx.options.handover?.includeSecret) report.clientSecret = requireSecret(ctx);
      ctx.report = report;
      if (ctx.options.handover?.file) {
        await writeFileAtomic(ctx.options.handover.file, JSON.stringify(report, null, 2) + '\n', {
          mode: 0o600,
          exclusive: true,
        });
        return said(
          report.clientSecret ? 'HANDOVER_WRITTEN_SECRET' : 'HANDOVER_WRITTEN',
          `written to ${ctx.options.handover.file}${report.clientSecret ? ' (it holds the secret: keep it safe)' : ''}`,
          { file: ctx.options.handover.file },
        );
      }
      return undefined;
    },
  },
];

/**
 * What the device's refusal of the first populate means, from its own words: a device that takes a
 * secret only once registered, one that holds a secret already, or words the tool does not know
 * (quoted, with both remedies: never a guess taken for a decision).
 */
function populateRefusal(ctx: Ctx, reason: string | null): WorkflowError {
  const words = reason ?? '';
  const registered = (ctx.identity?.webexStatus ?? '').toLowerCase() === 'registered';
  if (!registered && /regist/i.test(words)) {
    return new WorkflowError(
      'ERR_WORKFLOW_NEEDS_REGISTRATION',
      `The device refused the first client secret because it is not registered (it said: ${JSON.stringify(words)}). Use the register-first order: run the provisioning again with --register-first and --activation-code-file (it registers with SecurityAction NoAction, then populates, adds, activates and verifies).`,
      { reason: words },
    );
  }
  if (/\balready\b|\bis (already )?set\b/i.test(words)) {
    return new WorkflowError(
      'ERR_WORKFLOW_SECRET_HELD',
      `The device refused the first populate: it already has a client secret (it said: ${JSON.stringify(words)}), and the keychain does not hold it. Factory reset the device (the --factory-reset option), or import its secret.`,
      { reason: words },
    );
  }
  return new WorkflowError(
    'ERR_WORKFLOW_POPULATE_REFUSED',
    `The device refused the first client secret and said: ${JSON.stringify(words)}. If it holds a secret already, factory reset it (--factory-reset) or import the secret; if it asks to be registered first, run again with --register-first and --activation-code-file.`,
    { reason: words },
  );
}

/**
 * Gives every unsettled plain populate of `serial` its outcome: `ok` when the device was found holding
 * `secret`, `failed` when it holds neither the stored secret nor the pending one (`secret` null).
 */
async function settlePlainPopulates(
  journal: Journal,
  serial: string,
  secret: string | null,
  refuse: readonly string[] = [],
): Promise<void> {
  const open = unsettledOps(await journal.read(), { action: 'secret.populate-plain', serial });
  const secrets = [...(secret === null ? [] : [secret]), ...refuse];
  const result = secret === null ? 'failed' : 'ok';
  for (const o of open)
    await journal.outcome('secret.populate-plain', o.op, serial, result, 'probe', {}, { secrets });
}

/**
 * Provisions a device: precheck, optional backup and factory reset, populate, add, match, activate,
 * verify, optional restore and registration, handover. Progress goes to `run.onEvent`.
 */
export async function provision(
  deps: ProvisionDeps,
  given: ProvisionOptions,
  run: RunOptions = {},
): Promise<ProvisionResult> {
  // Before anything, on a dry run too: a bad code would otherwise fail at the last step, the device changed.
  // The device gets the 16 digits alone (the dashes or spaces a person typed are removed).
  const options: ProvisionOptions =
    given.activationCode !== undefined
      ? { ...given, activationCode: checkActivationCode(given.activationCode) }
      : given;
  // The weak-secret policy, before anything reaches the device or the keychain (on a dry run too).
  const admittedSecret =
    options.secret === undefined
      ? undefined
      : admitted(options.secret, 'plain', options.weakSecret, options.weakSecretWords);
  const check = checkCredentials(options.credentials, { now: options.now });
  const ctx: Ctx = {
    deps,
    options,
    ...(admittedSecret ? { given: admittedSecret } : {}),
    settings: resolveSettings(options),
    enc: options.enc ?? 'A128GCM',
    check,
    fingerprint: check.report.fingerprints.sha1,
    cn: check.report.subject.cn ?? '',
    serial: '',
    resumed: false,
    registered: false,
    knows: {},
  };
  // The failed step's event and the finish carry the re-run advice too (the narration, the window).
  const onEvent = run.onEvent;
  const result = await runWorkflow('provision', PROVISION_STEPS, ctx, {
    ...run,
    ...(onEvent
      ? {
          onEvent: (e: WorkflowEvent) =>
            onEvent(
              e.type === 'step' && e.status === 'failed'
                ? { ...e, error: rerunAdvice(e.error) }
                : e.type === 'finished' && e.error
                  ? { ...e, error: rerunAdvice(e.error) }
                  : e,
            ),
        }
      : {}),
  });
  if (ctx.provisionOp && !run.dryRun) {
    if (result.ok) {
      await deps.journal.append({
        kind: 'outcome',
        action: 'device.provision',
        op: ctx.provisionOp,
        serial: ctx.serial,
        result: 'ok',
        settledBy: 'response',
      });
    }
  }
  const out: ProvisionResult = withRerunAdvice(result);
  if (ctx.report) out.report = ctx.report;
  if (admittedSecret) out.secretCheck = admittedSecret.check;
  if (result.ok && ctx.generated !== undefined && ctx.secret === ctx.generated) out.newSecret = ctx.generated;
  if (ctx.generated !== undefined && ctx.sent === ctx.generated) out.heldSecret = ctx.generated;
  return out;
}

/** What a connection lost mid-command tells the person to do (the device layer's words are for any command). */
const RERUN_ADVICE =
  'Connect the device again and run the same provisioning again: it first checks what the device holds and what the journal recorded, then goes on from there without repeating what took effect.';

const DEVICE_CHECK_ADVICE = [
  " Reconnect and check the device's state before repeating it.",
  ' It may have run; check the device state before repeating it.',
];

/**
 * A cable pulled (or a console gone silent) while a command may have run: the same provisioning, run
 * again, is exactly what checks the device first, so the result says that instead of "check the device's
 * state before repeating it". The failed step's error says the same.
 */
function rerunAdvice(e: ErrorInfo): ErrorInfo {
  if (e.code !== 'ERR_DEVICE_DISCONNECTED' && e.code !== 'ERR_DEVICE_TIMEOUT') return e;
  if (e.details?.mayHaveRun !== true) return e;
  let message = e.message;
  for (const old of DEVICE_CHECK_ADVICE) if (message.endsWith(old)) message = message.slice(0, -old.length);
  return { ...e, message: `${message} ${RERUN_ADVICE}` };
}

function withRerunAdvice(result: WorkflowResult): WorkflowResult {
  if (!result.error) return { ...result };
  return {
    ...result,
    error: rerunAdvice(result.error),
    steps: result.steps.map((s) => (s.error ? { ...s, error: rerunAdvice(s.error) } : s)),
  };
}
