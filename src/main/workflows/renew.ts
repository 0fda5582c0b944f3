/**
 * Renewal: add the new certificate, activate it, verify, and only then deactivate and delete the old
 * one. At every point the device has a working identity: the old until the new is verified, then the new.
 */
import type { Enc } from '../../core/jwe/index.js';
import { type CheckResult, type Credentials, checkCredentials } from '../../core/pki/index.js';
import type { DeviceCertificate, DeviceIdentity } from '../../core/xapi/results.js';
import type { Journal } from '../vault/journal.js';
import type { SecretStore } from '../vault/secret-store.js';
import { knownSecret, requireE2eeModel } from './common.js';
import type { WorkflowDevice } from './device-port.js';
import { type RunOptions, type StepDef, type StepIO, type WorkflowResult, runWorkflow } from './engine.js';
import { WorkflowError } from './errors.js';
import {
  type IdentityTarget,
  identityTarget,
  activateIdentity,
  addCertificate,
  addLineFit,
  addTooLong,
  requireWrapJoins,
  deactivateIdentity,
  deleteCertificate,
  externalIdentityIs,
  addedByTool,
  awaitExternalIdentity,
  identityEntries,
  pickLeaf,
  settleIdentityOps,
} from './identity.js';
import './journal-kinds.js';

export interface RenewOptions {
  credentials: Credentials;
  enc?: Enc;
  /** Keep the old certificate in the device's store (deactivated) instead of deleting it. */
  keepOld?: boolean;
  /** How long a registered device may take to report the new identity (default 60 s). */
  identitySettleMs?: number;
  now?: Date;
  /** Send an add blob longer than the console's line wrapped, once probes show the device joins it. */
  wrapLongLines?: boolean;
  /**
   * The new certificate names another device than the active one (its CN differs): go on (with a
   * warning). Without it, `confirmNewName` is asked; without that either, the renewal stops before any
   * change with ERR_WORKFLOW_RENEW_NEW_NAME.
   */
  allowNewName?: boolean;
  /** Asked when the new certificate's CN differs from the active one's; true goes on. */
  confirmNewName?: (names: { old: string; new: string }) => Promise<boolean>;
}

export interface RenewDeps {
  device: WorkflowDevice;
  secrets: SecretStore;
  journal: Journal;
}

interface Ctx {
  deps: RenewDeps;
  options: RenewOptions;
  enc: Enc;
  check: CheckResult;
  fingerprint: string;
  cn: string;
  id?: DeviceIdentity;
  secret?: string;
  /** The certificate active before the renewal, if any. */
  old?: string;
  /** The wrapped-body probe ran in the precheck and showed that the device joins wrapped lines. */
  wrapJoinsChecked?: boolean;
  /**
   * The device's certificate store as this run read it last; only an add or a delete changes which
   * certificates it holds, and each drops it (undefined: read it again).
   */
  listed?: DeviceCertificate[];
  /** The entries the device uses for WebexIdentity as read last; an activation or deactivation drops it. */
  entries?: DeviceCertificate[];
}

/** The CN of a subject as the device prints it (`/C=US/O=Org/CN=name`, or `CN=name, O=Org`). */
export function subjectCn(subject: string | null): string | null {
  const m = /(?:^|[/,]\s*)CN=([^/,]+)/i.exec(subject ?? '');
  return m ? m[1]!.trim() : null;
}

function target(ctx: Ctx): IdentityTarget {
  return identityTarget(ctx.deps.device, ctx.deps.journal, ctx.id, ctx.secret, ctx.enc);
}

/** The certificates the device holds: read once, again only after an add or a delete. */
async function store(ctx: Ctx): Promise<DeviceCertificate[]> {
  return (ctx.listed ??= await ctx.deps.device.listCertificates());
}

/** Whether the device holds `fingerprint`. */
async function holds(ctx: Ctx, fingerprint: string): Promise<boolean> {
  return (await store(ctx)).some((c) => c.fingerprint === fingerprint);
}

/** The entries used for WebexIdentity: read once, again only after an activation or deactivation. */
async function identity(ctx: Ctx): Promise<DeviceCertificate[]> {
  return (ctx.entries ??= await identityEntries(ctx.deps.device));
}

/** The leaf the device uses for WebexIdentity (`Show Filter: WebexIdentity`; never a chain entry). */
async function activeFingerprint(ctx: Ctx): Promise<string | undefined> {
  const known = await addedByTool(ctx.deps.journal, ctx.id?.serialNumber ?? '');
  known.add(ctx.fingerprint);
  return pickLeaf(await identity(ctx), known);
}

/**
 * A renewal is for the same device: a new certificate whose CN differs from the active one's (boardroom-7
 * to lobby-3) is a warning with --allow-new-name, a question when one can be asked, and otherwise a stop
 * before anything changes.
 */
async function checkNewName(ctx: Ctx, io: StepIO): Promise<void> {
  const listed = (await store(ctx)).find((c) => c.fingerprint === ctx.old);
  const oldCn = subjectCn(listed?.subjectName ?? null);
  if (oldCn === null || oldCn.toLowerCase() === ctx.cn.trim().toLowerCase()) return;
  const names = { old: oldCn, new: ctx.cn };
  const message = `The new certificate is for ${JSON.stringify(ctx.cn)}, but the device's active identity is ${JSON.stringify(oldCn)}: after the renewal others in meetings see the new name.`;
  if (ctx.options.allowNewName || (ctx.options.confirmNewName && (await ctx.options.confirmNewName(names)))) {
    io.warn('WARN_RENEW_NEW_NAME', message);
    return;
  }
  throw new WorkflowError(
    'ERR_WORKFLOW_RENEW_NEW_NAME',
    `${message} Nothing was changed. Check that this is the certificate for this device; if the device is to carry the new name, run the renewal again with --allow-new-name.`,
    names,
  );
}

export const RENEW_STEPS: readonly StepDef<Ctx>[] = [
  {
    id: 'precheck',
    title: 'Check the device, its secret and the new certificate',
    async act(ctx, io) {
      const { device, secrets } = ctx.deps;
      ctx.id = await device.identify();
      if (!ctx.check.ok) {
        throw new WorkflowError(
          'ERR_WORKFLOW_CERT_REJECTED',
          `The new certificate cannot go on the device: ${ctx.check.errors[0]!.message}`,
          {
            errors: ctx.check.errors.map((e) => ({ code: e.code, message: e.message })),
          },
        );
      }
      for (const w of ctx.check.warnings) io.warn(w.code, w.message);
      requireE2eeModel(ctx.id);
      // The secret probe (needed): every blob below is sealed under this secret.
      ctx.secret = await knownSecret(device, secrets, ctx.deps.journal, ctx.id);
      // Identity operations an earlier run left unsettled (a pulled cable): settled by the device's lists.
      await settleIdentityOps(device, ctx.deps.journal, ctx.id.serialNumber);
      // The two reads the renewal goes by until it changes something: what is active (the old
      // certificate), and what the store holds (the old one's name, whether the new one is there).
      ctx.old = await activeFingerprint(ctx);
      const serial = ctx.id.serialNumber;
      if (ctx.old !== undefined && ctx.old !== ctx.fingerprint) await checkNewName(ctx, io);
      // A blob longer than the console's line (not on the device yet): refused, or (opted in) probed
      // now, before any change.
      const fit = (await holds(ctx, ctx.fingerprint))
        ? null
        : await addLineFit(device, ctx.options.credentials, ctx.enc, ctx.options.now);
      if (fit && !fit.fits) {
        if (!ctx.options.wrapLongLines) throw addTooLong(fit);
        await requireWrapJoins(device, ctx.secret, ctx.enc, fit);
        ctx.wrapJoinsChecked = true;
      }
      if (ctx.old === ctx.fingerprint) {
        // Resume: an earlier run activated the new certificate and stopped before the old one was removed.
        const plan = (await ctx.deps.journal.read())
          .filter(
            (r) =>
              r.kind === 'event' &&
              r.event === 'renew.plan' &&
              r.serial === serial &&
              r.fingerprint === ctx.fingerprint,
          )
          .at(-1);
        const old = plan?.kind === 'event' && plan.event === 'renew.plan' ? plan.old : undefined;
        if (old && (await holds(ctx, old))) {
          ctx.old = old;
          io.info(
            `Resuming the renewal: the new certificate is active; the old one (${old}) is still listed.`,
          );
        }
      } else if (ctx.old !== undefined) {
        await ctx.deps.journal.append({
          kind: 'event',
          event: 'renew.plan',
          serial,
          fingerprint: ctx.fingerprint,
          old: ctx.old,
        });
      }
      if (ctx.old === undefined)
        io.warn(
          'WARN_NO_ACTIVE_IDENTITY',
          'The device has no active external identity now; the new certificate becomes its first.',
        );
      if (ctx.old === ctx.fingerprint) return `the new certificate ${ctx.fingerprint} is active already`;
      return ctx.old ? `replacing ${ctx.old} with ${ctx.fingerprint}` : `activating ${ctx.fingerprint}`;
    },
  },
  {
    id: 'add-certificate',
    title: 'Add the new certificate and key',
    async alreadyDone(ctx) {
      // The precheck's list: nothing since changed the store.
      return (await holds(ctx, ctx.fingerprint)) ? 'the device already has the new certificate' : false;
    },
    async act(ctx) {
      const facts = { cn: ctx.cn, fingerprint: ctx.fingerprint, notAfter: ctx.check.report.notAfter };
      ctx.listed = undefined;
      await addCertificate(target(ctx), ctx.options.credentials, facts, ctx.options.now, {
        wrapLongLines: ctx.options.wrapLongLines === true,
        joinsChecked: ctx.wrapJoinsChecked === true,
      });
    },
    async verify(ctx) {
      // The list after the add (needed once): the device took it. The delete step goes by it too.
      if (!(await holds(ctx, ctx.fingerprint))) {
        throw new WorkflowError(
          'ERR_WORKFLOW_FINGERPRINT_NOT_LISTED',
          `The device does not list the new certificate (${ctx.fingerprint}); the old identity stays active.`,
        );
      }
    },
  },
  {
    id: 'activate',
    title: 'Activate the new certificate for WebexIdentity',
    async alreadyDone(ctx) {
      // The precheck's read of what is active: an add does not change it.
      return (await activeFingerprint(ctx)) === ctx.fingerprint
        ? 'the new certificate is already active'
        : false;
    },
    async act(ctx) {
      ctx.entries = undefined;
      await activateIdentity(target(ctx), ctx.fingerprint);
    },
  },
  {
    id: 'verify',
    title: 'Verify the new identity',
    async act(ctx, io) {
      // The verification after the activation: what a registered device reports is the proof...
      const status = await awaitExternalIdentity(ctx.deps.device, ctx.cn, {
        signal: io.signal,
        ...(ctx.options.identitySettleMs !== undefined ? { timeoutMs: ctx.options.identitySettleMs } : {}),
      });
      const ext = status.external;
      if (externalIdentityIs(ext, ctx.cn)) return `external identity ${ext.identity}: ${ext.status}`;
      if (!status.present) {
        // ...an unregistered one reports nothing: until then its certificate list is the proof (read
        // after the activation; the deactivate step goes by it).
        if ((await identity(ctx)).some((c) => c.fingerprint === ctx.fingerprint)) {
          io.warn(
            'WARN_E2EE_STATUS_UNAVAILABLE',
            'The device lists the new certificate as its WebexIdentity; it reports the E2EE identity status only once registered.',
          );
          return `certificate ${ctx.fingerprint} is used for WebexIdentity`;
        }
      }
      // Put the old identity back before reporting: never leave the device without a working one.
      let rolledBack = false;
      if (ctx.old && ctx.old !== ctx.fingerprint) {
        ctx.entries = undefined;
        await activateIdentity(target(ctx), ctx.old);
        rolledBack = true;
        io.warn('WARN_ROLLED_BACK', `The old certificate ${ctx.old} is active again.`);
      }
      throw new WorkflowError(
        'ERR_WORKFLOW_VERIFY_FAILED',
        `The device reports its identity as ${JSON.stringify(ext.identity)} (${JSON.stringify(ext.status)}), not ${JSON.stringify(ctx.cn)} (valid).${rolledBack ? ' The old identity was put back.' : ''}`,
        { status: ext.status, identity: ext.identity, expected: ctx.cn, rolledBack },
      );
    },
  },
  {
    id: 'deactivate-old',
    title: 'Deactivate the old certificate',
    // Whether there is an old certificate is known only after the precheck, so it is asked here, not in
    // `include` (the plan is made before any step runs).
    async alreadyDone(ctx) {
      if (!ctx.old || ctx.old === ctx.fingerprint) return 'no old certificate';
      // Read after the activation (by the verification when the device is unregistered): activating
      // the new certificate may have ended the old one's use already.
      const old = ctx.old;
      return (await identity(ctx)).some((c) => c.fingerprint === old)
        ? false
        : 'the old certificate is no longer active';
    },
    async act(ctx) {
      ctx.entries = undefined;
      await deactivateIdentity(target(ctx), ctx.old!);
    },
  },
  {
    id: 'delete-old',
    title: 'Delete the old certificate',
    include: (ctx) => (ctx.options.keepOld ? 'asked to keep it' : true),
    async alreadyDone(ctx, io) {
      if (!ctx.old || ctx.old === ctx.fingerprint) return 'no old certificate';
      // The list read after the add (or in the precheck): activating and deactivating change no entry.
      if (!(await holds(ctx, ctx.old))) return 'the old certificate is gone already';
      if (!(await addedByTool(ctx.deps.journal, ctx.id!.serialNumber)).has(ctx.old)) {
        io.warn(
          'WARN_OLD_CERT_KEPT',
          `The old certificate ${ctx.old} was not added by this tool, so it is kept (deactivated) in the device's store.`,
        );
        return 'the old certificate was not added by this tool: it is kept';
      }
      return false;
    },
    async act(ctx) {
      ctx.listed = undefined;
      await deleteCertificate(target(ctx), ctx.old!);
    },
  },
];

/** Renews a device's identity certificate without a moment without a working identity. */
export async function renew(
  deps: RenewDeps,
  options: RenewOptions,
  run: RunOptions = {},
): Promise<WorkflowResult> {
  const check = checkCredentials(options.credentials, { now: options.now });
  return runWorkflow(
    'renew',
    RENEW_STEPS,
    {
      deps,
      options,
      enc: options.enc ?? 'A128GCM',
      check,
      fingerprint: check.report.fingerprints.sha1,
      cn: check.report.subject.cn ?? '',
    },
    run,
  );
}
