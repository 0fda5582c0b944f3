/**
 * `e2ee-prov cloud …`: the Webex cloud sign-in (a token from a file or stdin, checked with the API and
 * kept in the OS keychain; never argv), who is signed in, and device activation codes.
 */
import { spawn } from 'node:child_process';
import { safe } from '../../core/inert.js';
import {
  type CloudLogin,
  type CloudPerson,
  DEFAULT_API_BASE,
  DEFAULT_REDIRECT_PORT,
  DEFAULT_SCOPES,
  checkApiBase,
  loadLogin,
  oauthSignIn,
  signIn,
  signInOAuth,
  signOut,
  signedInClient,
} from '../../main/cloud/index.js';
import { openSecretStore } from '../../main/vault/secret-store.js';
import { optionsCommand, required } from '../command.js';
import { CliError } from '../errors.js';
import { type CliIO, readSecret, write } from '../io.js';
import { CLOUD_ACTIVATION_CODE, CLOUD_PERSON, CLOUD_SIGN_IN } from '../json-shapes.js';
import { jsonShown } from '../shown.js';

const LOGIN_USAGE =
  'e2ee-prov cloud login --token-file PATH|- [--api-base URL] [--json]\n' +
  '       e2ee-prov cloud login --oauth --client-id ID [--client-secret-file PATH|-] [--scopes "S1 S2"] [--redirect-port P] [--api-base URL] [--no-browser] [--json]\n' +
  `       (the integration must have registered the redirect URI http://localhost:P/callback; P is ${DEFAULT_REDIRECT_PORT} unless --redirect-port says otherwise)`;
const LOGOUT_USAGE = 'e2ee-prov cloud logout';
const WHOAMI_USAGE = 'e2ee-prov cloud whoami [--json]';
const CODE_USAGE = 'e2ee-prov cloud activation-code --workspace ID [--json]';

const keychain = (io: CliIO) => openSecretStore({ env: io.env });

function personText(p: { displayName: string; emails: string[]; orgId: string }, apiBase: string): string {
  return safe`${p.displayName || '(no name)'}${p.emails.length ? ` <${p.emails.join(', ')}>` : ''}, organisation ${p.orgId || '-'}, at ${apiBase}`;
}

export const cloudLogin = optionsCommand({
  path: ['cloud', 'login'],
  summary:
    'Sign in to the Webex cloud with an access token (from a file, or - for stdin), or with an integration (--oauth, in a browser); kept in the OS keychain.',
  usage: LOGIN_USAGE,
  options: {
    'token-file': { type: 'string' },
    'api-base': { type: 'string' },
    oauth: { type: 'boolean', default: false },
    'client-id': { type: 'string' },
    'client-secret-file': { type: 'string' },
    scopes: { type: 'string' },
    'redirect-port': { type: 'string' },
    'no-browser': { type: 'boolean', default: false },
    json: { type: 'boolean', default: false },
  },
  async run(v, io) {
    const apiBase = checkApiBase(v['api-base'] ?? DEFAULT_API_BASE);
    const oauthOnly = ['client-id', 'client-secret-file', 'scopes', 'redirect-port'] as const;
    if (!v.oauth) {
      const stray = oauthOnly.find((k) => v[k] !== undefined) ?? (v['no-browser'] ? 'no-browser' : undefined);
      if (stray !== undefined)
        throw new CliError('ERR_USAGE', `--${stray} goes with --oauth. Usage: ${LOGIN_USAGE}`);
      const token = await readSecret(
        required(v['token-file'], 'token-file', LOGIN_USAGE),
        io,
        'access token',
      );
      const person = await signIn(await keychain(io), token, apiBase);
      await write(
        io.stdout,
        v.json
          ? jsonShown({ ...person, apiBase }, CLOUD_PERSON)
          : `Signed in to the Webex cloud as ${personText(person, apiBase)}. The token is kept in the OS keychain.\n`,
      );
      return 0;
    }
    if (v['token-file'] !== undefined)
      throw new CliError('ERR_USAGE', `--token-file and --oauth do not go together. Usage: ${LOGIN_USAGE}`);
    const clientId = required(v['client-id'], 'client-id', LOGIN_USAGE).trim();
    if (!/^[\x21-\x7e]{1,512}$/.test(clientId))
      throw new CliError(
        'ERR_USAGE',
        `--client-id must be the integration's client id (one word). Usage: ${LOGIN_USAGE}`,
      );
    const port = redirectPort(v['redirect-port']);
    const scopes = v.scopes === undefined ? DEFAULT_SCOPES : v.scopes.split(/[\s,]+/).filter((x) => x !== '');
    if (scopes.length === 0 || scopes.some((x) => !/^[\x21-\x7e]+$/.test(x)))
      throw new CliError('ERR_USAGE', `--scopes must name at least one scope. Usage: ${LOGIN_USAGE}`);
    const secretFile = v['client-secret-file'];
    const clientSecret =
      secretFile === undefined ? undefined : await readSecret(secretFile, io, 'client secret');
    const store = await keychain(io);
    const tokens = await oauthSignIn({
      apiBase,
      clientId,
      ...(clientSecret !== undefined ? { clientSecret } : {}),
      scopes,
      port,
      onAuthorizeUrl: async (url, redirectUri) => {
        await write(
          io.stderr,
          `Open this address in a browser and sign in (the integration's redirect URI must be ${redirectUri}):\n${url}\nWaiting for the browser's answer (at most 5 minutes)...\n`,
        );
        if (!v['no-browser']) openBrowser(url);
      },
    });
    const person = await signInOAuth(
      store,
      tokens,
      { clientId, ...(clientSecret !== undefined ? { clientSecret } : {}) },
      apiBase,
    );
    const login = await loadLogin(store);
    await write(
      io.stdout,
      v.json
        ? jsonShown(signInJson(person, login), CLOUD_SIGN_IN)
        : `Signed in to the Webex cloud as ${personText(person, apiBase)} through the integration ${clientId}. The tokens are kept in the OS keychain; ${expiryText(login)}.\n`,
    );
    return 0;
  },
});

function redirectPort(text: string | undefined): number {
  if (text === undefined) return DEFAULT_REDIRECT_PORT;
  const n = /^\d{1,5}$/.test(text) ? Number(text) : NaN;
  if (!(n >= 1 && n <= 65535))
    throw new CliError(
      'ERR_USAGE',
      `--redirect-port must be a port number (1 to 65535). Usage: ${LOGIN_USAGE}`,
    );
  return n;
}

/** Opens the system browser on the URL; a failure to open is not an error (the URL is printed). */
function openBrowser(url: string): void {
  const [cmd, args] =
    process.platform === 'darwin'
      ? ['open', [url]]
      : process.platform === 'win32'
        ? ['rundll32', ['url.dll,FileProtocolHandler', url]]
        : ['xdg-open', [url]];
  try {
    const child = spawn(cmd, args, { stdio: 'ignore', detached: true });
    child.on('error', () => undefined);
    child.unref();
  } catch {
    // The address is printed: the person opens it.
  }
}

function expiryText(login: CloudLogin): string {
  return login.kind === 'oauth'
    ? `the access token expires at ${new Date(login.expiresAt ?? 0).toISOString()} and is renewed with the refresh token`
    : "the access token's expiry is not known to the tool";
}

function signInJson(person: CloudPerson, login: CloudLogin) {
  return {
    ...person,
    apiBase: login.apiBase,
    kind: login.kind,
    clientId: login.clientId,
    expiresAt: login.expiresAt === null ? null : new Date(login.expiresAt).toISOString(),
  };
}

export const cloudLogout = optionsCommand({
  path: ['cloud', 'logout'],
  summary:
    'Forget the Webex cloud sign-in (every cloud entry of the OS keychain: tokens, expiry, integration).',
  usage: LOGOUT_USAGE,
  options: {},
  async run(_v, io) {
    const had = await signOut(await keychain(io));
    await write(
      io.stdout,
      had
        ? 'Signed out of the Webex cloud: the sign-in is gone from the keychain.\n'
        : 'Not signed in to the Webex cloud.\n',
    );
    return 0;
  },
});

export const cloudWhoami = optionsCommand({
  path: ['cloud', 'whoami'],
  summary: 'Show who the kept Webex cloud sign-in belongs to (asks the API).',
  usage: WHOAMI_USAGE,
  options: { json: { type: 'boolean', default: false } },
  async run(v, io) {
    const store = await keychain(io);
    const person = await (await signedInClient(store)).me();
    // Read after the call: an OAuth sign-in may have been renewed by it.
    const login = await loadLogin(store);
    await write(
      io.stdout,
      v.json
        ? jsonShown(signInJson(person, login), CLOUD_SIGN_IN)
        : `Signed in as ${personText(person, login.apiBase)}, ${login.kind === 'oauth' ? `with OAuth through the integration ${login.clientId ?? ''}` : 'with an access token'}; ${expiryText(login)}.\n`,
    );
    return 0;
  },
});

export const cloudActivationCode = optionsCommand({
  path: ['cloud', 'activation-code'],
  summary: 'Make a device activation code for a workspace (to register a device to Webex at its console).',
  usage: CODE_USAGE,
  options: { workspace: { type: 'string' }, json: { type: 'boolean', default: false } },
  async run(v, io) {
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
});
