import { ProvisionerError } from '../core/errors.js';

/** Stable codes for the simulator's own failures (not device errors: those are console output). */
export const SIMULATOR_ERROR_CODES = [
  'ERR_SIM_STATE_FILE',
  'ERR_SIM_SOCAT',
  'ERR_SIM_PTY_LINK',
  'ERR_SIM_SSH_LISTEN',
  'ERR_SIM_CLOSED',
  'ERR_SIM_OPTIONS',
  'ERR_SIM_CLOUD_LISTEN',
  /** `e2ee-prov simulator --cloud --provisioned`: a device's console provisioning failed. */
  'ERR_SIM_PROVISION',
] as const;

export type SimulatorErrorCode = (typeof SIMULATOR_ERROR_CODES)[number];

/** The simulator could not start, load its state or serve a transport. */
export class SimulatorError extends ProvisionerError<SimulatorErrorCode> {}
