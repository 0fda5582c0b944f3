import type { Command } from './command.js';
import { blobInspect } from './commands/blob-inspect.js';
import { blobOpen } from './commands/blob-open.js';
import { blobSeal } from './commands/blob-seal.js';
import { certCsr } from './commands/cert-csr.js';
import { certInspect } from './commands/cert-inspect.js';
import { consoleCommand } from './commands/console.js';
import { demoCommand } from './commands/demo.js';
import { deviceCerts } from './commands/device-certs.js';
import { deviceInfo } from './commands/device-info.js';
import { provisionCommand } from './commands/provision.js';
import { inventoryCommand } from './commands/inventory.js';
import { journalVerify } from './commands/journal-verify.js';
import { secretExport } from './commands/secret-export.js';
import { secretImport } from './commands/secret-import.js';
import { secretRotate } from './commands/secret-rotate.js';
import { simulatorCommand } from './commands/simulator.js';

/** Every command of `e2ee-prov`; add a line here for a new one. */
export const COMMANDS: readonly Command[] = [
  blobSeal,
  blobOpen,
  blobInspect,
  certInspect,
  certCsr,
  provisionCommand,
  demoCommand,
  simulatorCommand,
  deviceInfo,
  deviceCerts,
  consoleCommand,
  secretRotate,
  secretExport,
  secretImport,
  inventoryCommand,
  journalVerify,
];
