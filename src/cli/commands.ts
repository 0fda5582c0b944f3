import type { Command } from './command.js';
import { blobInspect } from './commands/blob-inspect.js';
import { blobOpen } from './commands/blob-open.js';
import { blobSeal } from './commands/blob-seal.js';

/** Every command of `e2ee-prov`; add a line here for a new one. */
export const COMMANDS: readonly Command[] = [blobSeal, blobOpen, blobInspect];
