/** The journal record a fleet run adds for each job's end (declaration merging into the vault's types). */
declare module '../../vault/journal-types.js' {
  interface JournalEvents {
    /** A fleet job ended: `done` ones are skipped when the run `runId` is run again. Never a secret. */
    'fleet.job': {
      runId: string;
      workflow: 'renew' | 'rotate';
      outcome: 'done' | 'failed';
      /** The new certificate's SHA-1 (a renewal that went through). */
      fingerprint?: string;
      /** The failure's code. */
      code?: string;
    };
  }
}

export {};
