/** The vault's atomic writer is the shared one (`src/shared/atomic-file.ts`), which the simulator uses too. */
export {
  appendFileNoFollow,
  syncDir,
  writeFileAtomic,
  writeFileAtomicSync,
} from '../../shared/atomic-file.js';
export type { AtomicWriteOptions } from '../../shared/atomic-file.js';
