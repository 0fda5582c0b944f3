/**
 * The app's own refusals (no device connected, a workflow already running, nothing to reveal): the codes
 * are the contract's, so that the window and the tests know them without importing main.
 */
import { type AppErrorCode } from '../../contract/index.js';
import { ProvisionerError } from '../../core/errors.js';

export { APP_ERROR_CODES, type AppErrorCode } from '../../contract/index.js';

export class AppError extends ProvisionerError<AppErrorCode> {}
