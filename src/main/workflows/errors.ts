import { ProvisionerError } from '../../core/errors.js';

/** Stable codes for workflow-level refusals and failures (device, pki and vault keep their own). */
export const WORKFLOW_ERROR_CODES = [
  'ERR_WORKFLOW_MODEL_UNSUPPORTED',
  'ERR_WORKFLOW_SOFTWARE_TOO_OLD',
  'ERR_WORKFLOW_CERT_REJECTED',
  'ERR_WORKFLOW_CERT_IN_USE',
  'ERR_WORKFLOW_CONFIRMATION_REQUIRED',
  'ERR_WORKFLOW_PLAIN_SECRET_OVER_NETWORK',
  'ERR_WORKFLOW_SECRET_UNKNOWN',
  'ERR_WORKFLOW_SECRET_HELD',
  'ERR_WORKFLOW_FINGERPRINT_NOT_LISTED',
  'ERR_WORKFLOW_VERIFY_FAILED',
  'ERR_WORKFLOW_DEVICE_CHANGED',
  'ERR_WORKFLOW_CANCELLED',
  'ERR_WORKFLOW_NOTHING_TO_RESUME',
  'ERR_WORKFLOW_BATCH_FILE',
  'ERR_WORKFLOW_BATCH_INCOMPLETE',
  'ERR_WORKFLOW_INPUT_READ',
] as const;

export type WorkflowErrorCode = (typeof WORKFLOW_ERROR_CODES)[number];

export class WorkflowError extends ProvisionerError<WorkflowErrorCode> {}
