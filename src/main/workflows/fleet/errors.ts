/** The fleet's own failure: a run in which some devices failed (each device's row says why). */
export const FLEET_ERROR_CODES = [
  /** Some jobs of a fleet run failed; the others went on. A re-run with the same run id resumes. */
  'ERR_FLEET_INCOMPLETE',
] as const;
export type FleetErrorCode = (typeof FLEET_ERROR_CODES)[number];
