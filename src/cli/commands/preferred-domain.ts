import { dataDir, ensureDataDir } from '../../main/vault/data-dir.js';
import { Journal } from '../../main/vault/journal.js';
import { setPreferredDomain } from '../../main/workflows/status.js';
import { type Command, required } from '../command.js';
import { write } from '../io.js';
import { jsonShown } from '../shown.js';
import { workflowCommand } from '../skeleton.js';

const USAGE = 'e2ee-prov preferred-domain --target TARGET --domain NAME [--password-file PATH] [--json]';

/** Sets the domain a Webex-CA identity is issued for (organizations with several domains). */
export const preferredDomainCommand: Command = workflowCommand({
  path: ['preferred-domain'],
  summary: 'Set Conference EndToEndEncryption Identity PreferredDomain (for Webex-CA identities).',
  usage: USAGE,
  options: { domain: { type: 'string' } },
  // A configuration change is journaled; it needs no secret, so the keychain stays closed.
  keychain: false,
  check: (v) => void required(v.domain, 'domain', USAGE),
  inputs: async (_v, io) => ({ journal: new Journal(await ensureDataDir(dataDir(io.env))) }),
  run: async ({ values: v, device, inputs: { journal } }) => ({
    ok: true,
    ...(await setPreferredDomain(device, journal, required(v.domain, 'domain', USAGE))),
  }),
  async show(result, { values: v, io, progress }) {
    if (v.json) await write(io.stdout, jsonShown(result, { ok: false, domain: true, ignored: true }));
    else {
      await write(io.stdout, `PreferredDomain is ${JSON.stringify(result.domain)}.\n`);
      if (result.ignored)
        progress.line(
          '  ! WARN_PREFERRED_DOMAIN_IGNORED The device has an external identity active; it ignores PreferredDomain until that is deactivated.',
        );
    }
  },
});
