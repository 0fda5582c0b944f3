/**
 * `e2ee-prov cloud …`: the Webex cloud sign-in (a token from a file or stdin, checked with the API and
 * kept in the OS keychain; never argv), who is signed in, and device activation codes.
 */
import { safe } from '../../core/inert.js';
import {
  DEFAULT_API_BASE,
  checkApiBase,
  loadLogin,
  signIn,
  signOut,
  signedInClient,
} from '../../main/cloud/index.js';
import { openSecretStore } from '../../main/vault/secret-store.js';
import { type Command, parse, required } from '../command.js';
import { CliError } from '../errors.js';
import { type CliIO, readSecret, write } from '../io.js';
import { CLOUD_ACTIVATION_CODE, CLOUD_PERSON } from '../json-shapes.js';
import { jsonShown } from '../shown.js';

const LOGIN_USAGE = 'e2ee-prov cloud login --token-file PATH|- [--api-base URL] [--json]';
const LOGOUT_USAGE = 'e2ee-prov cloud logout';
const WHOAMI_USAGE = 'e2ee-prov cloud whoami [--json]';
const CODE_USAGE = 'e2ee-prov cloud activation-code --workspace ID [--json]';

const keychain = (io: CliIO) => openSecretStore({ env: io.env });

function personText(p: { displayName: string; emails: string[]; orgId: string }, apiBase: string): string {
  return safe`${p.displayName || '(no name)'}${p.emails.length ? ` <${p.emails.join(', ')}>` : ''}, organisation ${p.orgId || '-'}, at ${apiBase}`;
}

export const cloudLogin: Command = {
  path: ['cloud', 'login'],
  summary:
    'Sign in to the Webex cloud with an access token (from a file, or - for stdin), kept in the OS keychain.',
  usage: LOGIN_USAGE,
  async run(args, io) {
    const { values: v } = parse(
      args,
      {
        'token-file': { type: 'string' },
        'api-base': { type: 'string' },
        oauth: { type: 'boolean', default: false },
        json: { type: 'boolean', default: false },
      },
      LOGIN_USAGE,
    );
    if (v.oauth)
      throw new CliError(
        'ERR_USAGE',
        `--oauth is not available in this version: sign in with an access token. Usage: ${LOGIN_USAGE}`,
      );
    const apiBase = checkApiBase(v['api-base'] ?? DEFAULT_API_BASE);
    const token = await readSecret(required(v['token-file'], 'token-file', LOGIN_USAGE), io, 'access token');
    const person = await signIn(await keychain(io), token, apiBase);
    await write(
      io.stdout,
      v.json
        ? jsonShown({ ...person, apiBase }, CLOUD_PERSON)
        : `Signed in to the Webex cloud as ${personText(person, apiBase)}. The token is kept in the OS keychain.\n`,
    );
    return 0;
  },
};

export const cloudLogout: Command = {
  path: ['cloud', 'logout'],
  summary: 'Forget the Webex cloud sign-in (the token in the OS keychain).',
  usage: LOGOUT_USAGE,
  async run(args, io) {
    parse(args, {}, LOGOUT_USAGE);
    const had = await signOut(await keychain(io));
    await write(
      io.stdout,
      had
        ? 'Signed out of the Webex cloud: the token is gone from the keychain.\n'
        : 'Not signed in to the Webex cloud.\n',
    );
    return 0;
  },
};

export const cloudWhoami: Command = {
  path: ['cloud', 'whoami'],
  summary: 'Show who the kept Webex cloud sign-in belongs to (asks the API).',
  usage: WHOAMI_USAGE,
  async run(args, io) {
    const { values: v } = parse(args, { json: { type: 'boolean', default: false } }, WHOAMI_USAGE);
    const store = await keychain(io);
    const { apiBase } = await loadLogin(store);
    const person = await (await signedInClient(store)).me();
    await write(
      io.stdout,
      v.json
        ? jsonShown({ ...person, apiBase }, CLOUD_PERSON)
        : `Signed in as ${personText(person, apiBase)}.\n`,
    );
    return 0;
  },
};

export const cloudActivationCode: Command = {
  path: ['cloud', 'activation-code'],
  summary: 'Make a device activation code for a workspace (to register a device to Webex at its console).',
  usage: CODE_USAGE,
  async run(args, io) {
    const { values: v } = parse(
      args,
      { workspace: { type: 'string' }, json: { type: 'boolean', default: false } },
      CODE_USAGE,
    );
    const workspaceId = required(v.workspace, 'workspace', CODE_USAGE);
    const client = await signedInClient(await keychain(io));
    const { code, expiryTime } = await client.activationCode(workspaceId);
    await write(
      io.stdout,
      v.json
        ? jsonShown({ workspaceId, code, expiryTime }, CLOUD_ACTIVATION_CODE)
        : safe`${code}\n(valid until ${expiryTime || 'unknown'}; type it at the device, or give it to provision with --activation-code-file)\n`,
    );
    return 0;
  },
};
