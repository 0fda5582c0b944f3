/** The app's services as the tests make them, and the window's calls to them through the IPC layer. */
import { join } from 'node:path';
import type { ServiceOptions, Services } from '../../src/main/app/options.js';
import { type IpcEventLike, registerIpc } from '../../src/main/ipc/register.js';
import { createServices } from '../../src/main/services.js';
import { MemorySecretStore } from '../../src/main/vault/memory-store.js';

/** Where the app's window is loaded from: the IPC layer trusts what is under it. */
export const TRUSTED = 'file:///app/dist/renderer/';

/**
 * The services for a test: version 0 on Linux, a file dialog that answers nothing, no events, the data
 * folder `home` and the known hosts `kh.json` in `dir`, an in-memory secret store, no serial ports;
 * `changes` replace any of these.
 */
export function testServices(dir: string, changes: Partial<ServiceOptions> = {}): Services {
  return createServices({
    version: '0',
    platform: 'linux',
    dialog: { openFile: async () => null },
    emit: () => undefined,
    env: { E2EE_PROV_HOME: join(dir, 'home'), E2EE_PROV_KNOWN_HOSTS: join(dir, 'kh.json') },
    openSecretStore: async () => new MemorySecretStore(),
    listPorts: async () => [],
    ...changes,
  });
}

/** The code of a handler's refusal, as the IPC layer carries it; `resolved` when the handler answers. */
export async function refusalCode(p: Promise<unknown>): Promise<string> {
  return p.then(
    () => 'resolved',
    (e: unknown) => (e as { code: string }).code,
  );
}

/** A call from the app's window: a channel and its input (none: `{}`), answered with a coded result. */
export type WindowCall = (channel: string, input?: unknown) => Promise<unknown>;

/** Registers the handlers of `services` as on `ipcMain` (trusting TRUSTED); returns the window's call. */
export function windowCalls(services: Services): WindowCall {
  const listeners = new Map<string, (event: IpcEventLike, ...args: unknown[]) => unknown>();
  registerIpc({ handle: (channel, listener) => listeners.set(channel, listener) }, services.handlers, (url) =>
    url.startsWith(TRUSTED),
  );
  return (channel, input = {}) =>
    Promise.resolve(listeners.get(channel)!({ senderFrame: { url: `${TRUSTED}index.html` } }, input));
}

/** The window's calls to `services`, each answer kept in `results` with its channel. */
export function recordedWindowCalls(
  services: Services,
  results: { channel: string; result: unknown }[],
): WindowCall {
  const windowCall = windowCalls(services);
  return async (channel, input = {}) => {
    const result = await windowCall(channel, input);
    results.push({ channel, result });
    return result;
  };
}
