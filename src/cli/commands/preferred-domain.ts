import { dataDir, ensureDataDir } from '../../main/vault/data-dir.js';
import { Journal } from '../../main/vault/journal.js';
import { setPreferredDomain } from '../../main/workflows/status.js';
import { type Command, parse, required } from '../command.js';
import { openDevice } from '../context.js';
import { type CliIO, write } from '../io.js';
import { HeldProgress } from '../progress.js';
import { jsonShown } from '../shown.js';

const USAGE = 'e2ee-prov preferred-domain --target TARGET --domain NAME [--password-file PATH] [--json]';

/** Sets the domain a Webex-CA identity is issued for (organizations with several domains). */
export const preferredDomainCommand: Command = {
  path: ['preferred-domain'],
  summary: 'Set Conference EndToEndEncryption Identity PreferredDomain (for Webex-CA identities).',
  usage: USAGE,
  async run(args: string[], io: CliIO): Promise<number> {
    const { values: v } = parse(
      args,
      {
        target: { type: 'string' },
        domain: { type: 'string' },
        'password-file': { type: 'string' },
        json: { type: 'boolean', default: false },
      },
      USAGE,
    );
    const targetText = required(v.target, 'target', USAGE);
    const domain = required(v.domain, 'domain', USAGE);
    // Progress is held unless a person watches, so that a failure's first stderr line is the error.
    const progress = new HeldProgress(io);
    try {
      // A configuration change is journaled; it needs no secret, so the keychain stays closed.
      const journal = new Journal(await ensureDataDir(dataDir(io.env)));
      const { device } = await openDevice(
        targetText,
        { passwordFile: v['password-file'], verbose: !v.json, progress: (l) => progress.line(l) },
        io,
      );
      try {
        const result = await setPreferredDomain(device, journal, domain);
        if (v.json) await write(io.stdout, jsonShown(result, { domain: true, ignored: true }));
        else {
          await write(io.stdout, `PreferredDomain is ${JSON.stringify(result.domain)}.\n`);
          if (result.ignored)
            progress.line(
              '  ! WARN_PREFERRED_DOMAIN_IGNORED The device has an external identity active; it ignores PreferredDomain until that is deactivated.',
            );
        }
        await progress.done();
        return 0;
      } finally {
        await device.close();
      }
    } catch (e) {
      await progress.failed(e);
      throw e;
    }
  },
};
