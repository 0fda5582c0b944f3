/**
 * The narrow bridge: named methods, one per contract channel, never a generic invoke. The renderer's
 * `window.provisioner` type is derived from this object.
 */
import { contextBridge, ipcRenderer } from 'electron';
import type { Channel, ChannelInput, ChannelOutput, IpcResult } from '../contract/index.js';

function invoke<C extends Channel>(channel: C, input: ChannelInput<C>): Promise<IpcResult<ChannelOutput<C>>> {
  return ipcRenderer.invoke(channel, input) as Promise<IpcResult<ChannelOutput<C>>>;
}

export const api = {
  app: {
    info: () => invoke('app.info', {}),
  },
  blob: {
    inspect: (blob: string) => invoke('blob.inspect', { blob }),
  },
};

export type ProvisionerApi = typeof api;

contextBridge.exposeInMainWorld('provisioner', api);
