import { safe } from '../../core/inert.js';
import { describeWarning } from '../../core/secret/index.js';
import { weakSecretPolicy, weakSecretWords } from '../credentials.js';
import { type RotateResult, type RotateStep, rotateSecret } from '../../main/workflows/rotate.js';
import { type AdmittedSecret, admitSecret } from '../../main/workflows/secret-policy.js';
import { openAnyDevice, openVault } from '../context.js';
import { CliError } from '../errors.js';
import { promptHidden, readSecret, write } from '../io.js';
import { HeldProgress } from '../progress.js';
import { ENC_OPTION, connectingCommand, parseEnc } from '../skeleton.js';

const USAGE =
  'e2ee-prov secret rotate --target TARGET [--new-secret-file PATH [--allow-weak-secret]] [--secret-file PATH] [--enc A128GCM|A256GCM] [--password-file PATH] [--json]';

const NARRATION: Partial<Record<RotateStep, string>> = {
  'intent-recorded': 'intent recorded in the journal',
  'pending-stored': 'new secret stored in the keychain as pending',
  'device-answered': 'the device took the new secret',
  'pending-cleared': 'keychain settled',
};

/**
 * Changes a device's ClientSecret: a populate blob of the new secret under the current one, crash-safe
 * (journal intent and keychain "pending" first; an unfinished change is settled on the next run).
 */
export const secretRotate = connectingCommand({
  path: ['secret', 'rotate'],
  summary:
    'Change a device’s ClientSecret (a new one is generated and shown once unless --new-secret-file is given).',
  usage: USAGE,
  options: {
    'new-secret-file': { type: 'string' },
    'allow-weak-secret': { type: 'boolean', default: false },
    'secret-file': { type: 'string' },
    ...ENC_OPTION,
  },
  async run(v, io, targetText) {
    const enc = parseEnc(v.enc);
    const stdinUsers = [v['new-secret-file'], v['secret-file'], v['password-file']].filter((f) => f === '-');
    if (stdinUsers.length > 1) {
      throw new CliError('ERR_USAGE', 'Only one of the secret files can be standard input (-).');
    }
    const progress = new HeldProgress(io);
    try {
      return await rotate(progress);
    } catch (e) {
      await progress.failed(e);
      throw e;
    }

    async function rotate(progress: HeldProgress): Promise<number> {
      const say = (line: string): void => {
        if (!v.json) progress.line(line);
      };
      // A typed new secret is judged by the rotation's policy before anything touches the keychain or the
      // device (the workflow takes the admitted secret as it is, judged once).
      let newSecret: AdmittedSecret<'blob'> | undefined;
      if (v['new-secret-file'] !== undefined) {
        newSecret = admitSecret(
          await readSecret(v['new-secret-file'], io, 'new ClientSecret'),
          'blob',
          weakSecretPolicy(v['allow-weak-secret']),
          weakSecretWords('--new-secret-file'),
        );
        for (const w of newSecret.check.warnings) progress.line(`warning: ${w.code} ${describeWarning(w)}`);
      }

      const vault = await openVault(io);
      const passwordFile = v['password-file'];
      const open = () =>
        openAnyDevice(
          targetText,
          { ...(passwordFile !== undefined ? { passwordFile } : {}), secrets: vault.secrets },
          io,
        );
      const { device } = await open();
      let result: RotateResult;
      try {
        result = await rotateSecret(
          device,
          {
            ...(newSecret !== undefined ? { newSecret } : {}),
            askCurrentSecret: () =>
              v['secret-file'] !== undefined
                ? readSecret(v['secret-file'], io, 'current ClientSecret')
                : promptHidden(io, 'The keychain has no secret for this device. Current ClientSecret: '),
          },
          {
            store: vault.secrets,
            journal: vault.journal,
            enc,
            reconnect: async () => (await open()).device,
            onStep: (s) => {
              const text = NARRATION[s];
              if (text) say(`  ${text}`);
            },
          },
        );
      } finally {
        await device.close().catch(() => undefined);
      }
      const { before } = result;
      if (before.state === 'settled') {
        say(
          `  an earlier, unfinished change was settled first: the device held the ${before.holds === 'new' ? 'new' : 'previous'} secret`,
        );
      }
      await progress.done();
      if (v.json) {
        await write(
          io.stdout,
          JSON.stringify({
            ok: true,
            serial: result.serial,
            op: result.op,
            generated: result.generated,
            ...(result.generated ? { bits: result.generatedBits, secret: result.newSecret } : {}),
            strength: { bits: result.check.strength.bits, rating: result.check.strength.rating },
            settledBefore: before.state === 'settled' ? before.holds : null,
            ...(result.alreadyApplied ? { alreadyApplied: true } : {}),
          }) + '\n',
        );
        return 0;
      }
      if (result.alreadyApplied) {
        await write(
          io.stdout,
          safe`The ClientSecret of ${result.serial} already is the new one: the change was applied${before.holds === 'new' ? ' (confirmed on the device just now)' : ' (checked on the device)'} and is settled. Nothing was sent.\n`,
        );
        return 0;
      }
      if (result.generated) {
        // Shown last and on its own (stdout is the secret alone), so it goes out now, not held.
        await write(
          io.stderr,
          safe`The ClientSecret of ${result.serial} is changed. Its new secret (${result.generatedBits} random bits), shown this once; it is kept in the OS keychain:\n`,
        );
        await write(io.stdout, `${result.newSecret}\n`);
      } else {
        await write(
          io.stdout,
          safe`The ClientSecret of ${result.serial} is changed (kept in the OS keychain).\n`,
        );
      }
      return 0;
    }
  },
});
