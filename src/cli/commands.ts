import type { Command } from './command.js';
import { batchCommand } from './commands/batch.js';
import { blobInspect } from './commands/blob-inspect.js';
import { blobOpen } from './commands/blob-open.js';
import { blobSeal } from './commands/blob-seal.js';
import { certCsr } from './commands/cert-csr.js';
import { certInspect } from './commands/cert-inspect.js';
import { cloudActivationCode, cloudLogin, cloudLogout, cloudWhoami } from './commands/cloud.js';
import { consoleCommand } from './commands/console.js';
import { deactivateCommand } from './commands/deactivate.js';
import { demoCommand } from './commands/demo.js';
import { fleetList, fleetRenew, fleetRotate } from './commands/fleet.js';
import { deviceCerts } from './commands/device-certs.js';
import { deviceCapture } from './commands/device-capture.js';
import { deviceInfo } from './commands/device-info.js';
import { preferredDomainCommand } from './commands/preferred-domain.js';
import { provisionCommand } from './commands/provision.js';
import { renewCommand } from './commands/renew.js';
import { inventoryCommand } from './commands/inventory.js';
import { journalVerify } from './commands/journal-verify.js';
import { meetingCheck } from './commands/meeting-check.js';
import { secretExport } from './commands/secret-export.js';
import { secretImport } from './commands/secret-import.js';
import { secretRotate } from './commands/secret-rotate.js';
import { simulatorCommand } from './commands/simulator.js';
import { statusCommand } from './commands/status.js';

/** Every command of `e2ee-prov`; add a line here for a new one. */
export const COMMANDS: readonly Command[] = [
  blobSeal,
  blobOpen,
  blobInspect,
  certInspect,
  certCsr,
  provisionCommand,
  renewCommand,
  deactivateCommand,
  statusCommand,
  preferredDomainCommand,
  batchCommand,
  demoCommand,
  simulatorCommand,
  deviceInfo,
  deviceCapture,
  deviceCerts,
  consoleCommand,
  meetingCheck,
  secretRotate,
  secretExport,
  secretImport,
  inventoryCommand,
  journalVerify,
  cloudLogin,
  cloudLogout,
  cloudWhoami,
  cloudActivationCode,
  fleetList,
  fleetRenew,
  fleetRotate,
];
