/**
 * Batch provisioning: a CSV of devices, provisioned one after another over serial (and the simulator),
 * or several at a time over SSH. One device's failure never stops the others. The result is one row
 * per device (CSV and JSON), and never holds a secret: generated secrets go to the keychain only.
 *
 * The CSV (RFC 4180; first line names the columns, in any order, case-insensitive):
 *
 * | column               | required | meaning                                                                 |
 * |----------------------|----------|-------------------------------------------------------------------------|
 * | target               | yes      | `serial:/dev/ttyUSB0`, `ssh://admin@host[:port]`, `sim:[?state=FILE…]` or `webex:SERIAL` |
 * | cert                 | yes      | certificate file: PEM (may hold chain and key), DER or PKCS#12          |
 * | key                  | column   | private key PEM; may be empty when `cert` holds the key                 |
 * | passphrase_file      | no       | file holding the key's passphrase or the PKCS#12 password               |
 * | secret_file          | no       | file holding the ClientSecret to populate; empty: one is generated      |
 * | enc                  | no       | `A128GCM` (default) or `A256GCM`                                        |
 * | factory_reset        | no       | `yes` to factory reset first (this column is the explicit confirmation) |
 * | backup               | no       | file to write the configuration backup to (never overwritten)           |
 * | activation_code_file | no       | file holding a Webex activation code: register at the end               |
 * | password_file        | no       | file holding the device's admin password (default: none, the factory state) |
 * | wrap_long_lines      | no       | `true` to send an add blob longer than the console's line wrapped, once probes show the device joins it (default `false`: refused) |
 * | action               | no       | `provision` (default) or `renew` (the `renew` workflow; a `webex:SERIAL` target only here) |
 *
 * A `webex:` target (through the Webex cloud, with the kept sign-in) is renewed, never provisioned; a renew
 * row takes none of secret_file, factory_reset, backup, activation_code_file (ERR_WORKFLOW_BATCH_ACTION when
 * the file is read).
 *
 * Relative paths are relative to the CSV file's folder. Values of secret-bearing columns are file
 * names, never secrets: a CSV is copied and mailed around.
 *
 * A CSV is a file a person is handed, so its paths are confined to its folder: a path that is absolute
 * or has a `..` part is refused (also a simulator target's `state=`), and a file reached through a
 * symbolic link that leads out of the folder is refused when it is read. `allowPathsOutside`
 * (`--allow-paths-outside`) lifts this for a CSV the person trusts.
 *
 * The parts, in `batch/`: `file.ts` (the CSV read and checked), `inputs.ts` (a row's files),
 * `run.ts` (the devices provisioned), `result-csv.ts` (the result as CSV).
 */
export {
  BATCH_ACTIONS,
  BATCH_COLUMNS,
  type BatchAction,
  type BatchColumn,
  type BatchRow,
  leavesFolder,
  readBatchFile,
} from './batch/file.js';
export {
  type BatchDevice,
  type BatchDeps,
  type BatchOptions,
  type BatchDeviceRef,
  type BatchEvent,
  type BatchDeviceResult,
  type BatchResult,
  runBatch,
} from './batch/run.js';
export {
  RESULT_COLUMNS,
  batchResultCsv,
  batchResultCsvHeader,
  batchResultCsvRow,
} from './batch/result-csv.js';
