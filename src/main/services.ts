import type { Handlers } from '../contract/index.js';
import { inspect } from '../core/jwe/index.js';

export interface ServiceOptions {
  version: string;
  platform: string;
}

/** The main process's answers to the renderer, in plain Node (no Electron): the CLI and tests reuse them. */
export function createHandlers(options: ServiceOptions): Handlers {
  return {
    'app.info': async () => ({
      name: 'E2EE Identity Provisioner',
      version: options.version,
      platform: options.platform,
    }),
    'blob.inspect': async ({ blob }) => inspect(blob),
  };
}
