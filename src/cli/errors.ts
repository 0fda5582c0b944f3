import { ProvisionerError } from '../core/errors.js';

export const CLI_ERROR_CODES = ['ERR_USAGE', 'ERR_OUTPUT_WRITE', 'ERR_SECRET_SOURCE'] as const;
export type CliErrorCode = (typeof CLI_ERROR_CODES)[number];

/** A command line the tool cannot act on, or an input it cannot read. Exit status 2 for usage. */
export class CliError extends ProvisionerError<CliErrorCode> {}

export function usage(message: string, usageText?: string): CliError {
  return new CliError('ERR_USAGE', usageText ? `${message} Usage: ${usageText}` : message);
}
