/** Deactivation: the device stops using its external identity (optionally deleting the certificate). */
import { type Enc, fingerprintPayload } from '../../core/jwe/index.js';
import type { DeviceCertificate, DeviceIdentity } from '../../core/xapi/results.js';
import type { Journal } from '../vault/journal.js';
import type { SecretStore } from '../vault/secret-store.js';
import { knownSecret, requireE2eeModel } from './common.js';
import type { WorkflowDevice } from './device-port.js';
import { type RunOptions, type StepDef, type WorkflowResult, runWorkflow } from './engine.js';
import { WorkflowError } from './errors.js';
import {
  type IdentityTarget,
  identityTarget,
  deactivateIdentity,
  deleteCertificate,
  addedByTool,
  identityEntries,
  lists,
  pickLeaf,
  settleIdentityOps,
} from './identity.js';
import './journal-kinds.js';

export interface DeactivateOptions {
  /** The certificate to deactivate; default: the active WebexIdentity certificate. */
  fingerprint?: string;
  /** Also delete it from the device's store. */
  delete?: boolean;
  enc?: Enc;
}

interface Ctx {
  deps: { device: WorkflowDevice; secrets: SecretStore; journal: Journal };
  options: DeactivateOptions;
  id?: DeviceIdentity;
  secret?: string;
  fingerprint?: string;
  /** The store as the precheck read it: deactivating changes no entry (the delete step goes by it). */
  listed?: DeviceCertificate[];
  /** The entries used for WebexIdentity as the precheck read them: valid until the deactivation. */
  entries?: DeviceCertificate[];
}

function target(ctx: Ctx): IdentityTarget {
  return identityTarget(ctx.deps.device, ctx.deps.journal, ctx.id, ctx.secret, ctx.options.enc ?? 'A128GCM');
}

export const DEACTIVATE_STEPS: readonly StepDef<Ctx>[] = [
  {
    id: 'precheck',
    title: 'Check the device and its secret',
    async act(ctx) {
      const { device, secrets } = ctx.deps;
      ctx.id = await device.identify();
      requireE2eeModel(ctx.id);
      // The secret probe (needed): the deactivate blob is sealed under this secret.
      ctx.secret = await knownSecret(device, secrets, ctx.deps.journal, ctx.id);
      // Identity operations an earlier run left unsettled (a pulled cable): settled by the device's lists.
      await settleIdentityOps(device, ctx.deps.journal, ctx.id.serialNumber);
      // The two reads the steps go by until the deactivation: the store and what is active.
      const listed = await device.listCertificates();
      ctx.listed = listed;
      const serial = ctx.id.serialNumber;
      // Resume: what an earlier run of this tool deactivated or deleted on this device.
      const records = await ctx.deps.journal.read();
      const earlier = (action: 'cert.deactivate' | 'cert.delete', fp?: string): string | undefined => {
        const r = records
          .filter(
            (x) =>
              x.kind === 'intent' &&
              x.action === action &&
              x.serial === serial &&
              (fp === undefined || x.fingerprint === fp),
          )
          .at(-1);
        return r?.kind === 'intent' && (r.action === 'cert.deactivate' || r.action === 'cert.delete')
          ? r.fingerprint
          : undefined;
      };
      const ours = await addedByTool(ctx.deps.journal, serial);
      const entries = await identityEntries(device);
      ctx.entries = entries;
      const active = pickLeaf(entries, ours);
      const wanted = ctx.options.fingerprint
        ? fingerprintPayload(ctx.options.fingerprint)
        : (active ?? earlier('cert.deactivate'));
      if (
        wanted &&
        ctx.options.fingerprint &&
        wanted !== active &&
        entries.some((c) => c.fingerprint === wanted)
      ) {
        // A chain certificate of the identity is listed with the leaf's uses, but it is not the identity.
        throw new WorkflowError(
          'ERR_WORKFLOW_CHAIN_CERTIFICATE',
          `Certificate ${wanted} is a chain (CA) certificate of the identity${active ? ` ${active}` : ''}, not the identity itself. Name the identity's own fingerprint, or leave --fingerprint out.`,
          { fingerprint: wanted, identity: active ?? null },
        );
      }
      if (wanted && ctx.options.delete && !ours.has(wanted)) {
        throw new WorkflowError(
          'ERR_WORKFLOW_NOT_ADDED_BY_TOOL',
          `Certificate ${wanted} was not added to this device by this tool, so it is not deleted. Deactivate it without --delete; if it must go, delete it on the device's web interface.`,
          { fingerprint: wanted },
        );
      }
      if (!wanted) {
        throw new WorkflowError(
          'ERR_WORKFLOW_NOTHING_TO_RESUME',
          'The device has no certificate active for WebexIdentity: there is nothing to deactivate.',
        );
      }
      if (!listed.some((c) => c.fingerprint === wanted)) {
        if (earlier('cert.delete', wanted) !== undefined) {
          ctx.fingerprint = wanted;
          return `certificate ${wanted}, deleted by an earlier run`;
        }
        throw new WorkflowError(
          'ERR_WORKFLOW_FINGERPRINT_NOT_LISTED',
          `The device does not list a certificate with fingerprint ${wanted}.`,
          { fingerprint: wanted },
        );
      }
      ctx.fingerprint = wanted;
      return `certificate ${wanted}`;
    },
  },
  {
    id: 'deactivate',
    title: 'Deactivate it for WebexIdentity',
    async alreadyDone(ctx) {
      const entries = ctx.entries ?? (await identityEntries(ctx.deps.device));
      return entries.some((c) => c.fingerprint === ctx.fingerprint)
        ? false
        : 'it is not active for WebexIdentity';
    },
    async act(ctx) {
      ctx.entries = undefined;
      await deactivateIdentity(target(ctx), ctx.fingerprint!);
    },
    async verify(ctx) {
      // The verification after the change: both what the device reports and what it lists, read.
      const status = await ctx.deps.device.e2eeStatus();
      if (
        status.external.certificateChain[0]?.fingerprint === ctx.fingerprint ||
        (await lists(ctx.deps.device, ctx.fingerprint!, true))
      ) {
        throw new WorkflowError(
          'ERR_WORKFLOW_VERIFY_FAILED',
          'The device still reports the certificate as its external identity.',
          { fingerprint: ctx.fingerprint },
        );
      }
    },
  },
  {
    id: 'delete',
    title: 'Delete the certificate',
    include: (ctx) => (ctx.options.delete ? true : 'not asked for'),
    async alreadyDone(ctx) {
      const listed = ctx.listed ?? (await ctx.deps.device.listCertificates());
      return listed.some((c) => c.fingerprint === ctx.fingerprint) ? false : 'it is gone already';
    },
    async act(ctx) {
      await deleteCertificate(target(ctx), ctx.fingerprint!);
    },
  },
];

export function deactivate(
  deps: Ctx['deps'],
  options: DeactivateOptions = {},
  run: RunOptions = {},
): Promise<WorkflowResult> {
  return runWorkflow('deactivate', DEACTIVATE_STEPS, { deps, options }, run);
}
