/**
 * The narrow bridge: named methods, one per contract channel, never a generic invoke, and one event
 * subscription. The renderer's `window.provisioner` type is derived from this object.
 */
import { type IpcRendererEvent, contextBridge, ipcRenderer } from 'electron';
import {
  type Channel,
  type ChannelInput,
  type ChannelOutput,
  type FileRole,
  type IpcResult,
  type MeetingOtherDevice,
  type ProvisionRequest,
  type RotateRequestInput,
  WORKFLOW_EVENT_CHANNEL,
  type WorkflowEventMessage,
} from '../contract/index.js';

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
  ports: {
    list: () => invoke('ports.list', {}),
  },
  device: {
    /** `password` is the console login's, when the device has one; it is sent once and not kept here. */
    /** `hostKey`: the SSH host key fingerprint the person was shown and accepted (a first connection). */
    connect: (target: string, password: string | null, hostKey?: string) =>
      invoke('device.connect', { target, password, ...(hostKey ? { hostKey } : {}) }),
    identify: () => invoke('device.identify', {}),
    disconnect: () => invoke('device.disconnect', {}),
    /** Read-only probes of the connected device, written by main to a file in the data folder. */
    capture: () => invoke('device.capture', {}),
  },
  credentials: {
    /** Opens main's file dialog; main keeps the path, the renderer gets the file's name. */
    choose: (role: FileRole) => invoke('credentials.choose', { role }),
    inspect: (passphrase: string | null) => invoke('credentials.inspect', { passphrase }),
  },
  provision: {
    run: (request: ProvisionRequest) => invoke('provision.run', request),
    stop: () => invoke('provision.stop', {}),
    resume: () => invoke('provision.resume', {}),
  },
  secrets: {
    rotate: (request: RotateRequestInput) => invoke('secret.rotate', request),
    /** The freshly generated secret, once; main forgets it as it answers. */
    reveal: (source: 'provision' | 'rotate') => invoke('secret.reveal', { source }),
  },
  inventory: {
    list: () => invoke('inventory.list', {}),
  },
  journal: {
    verify: () => invoke('journal.verify', {}),
  },
  console: {
    read: (after: number) => invoke('console.read', { after }),
  },
  meeting: {
    /** Reads the connected device's meeting (and the others', compared) and watches it. */
    start: (others: MeetingOtherDevice[]) => invoke('meeting.start', { others }),
    read: () => invoke('meeting.read', {}),
    stop: () => invoke('meeting.stop', {}),
  },
  /** Progress of running workflows; returns the function that stops listening. */
  onWorkflowEvent: (callback: (message: WorkflowEventMessage) => void): (() => void) => {
    const listener = (_event: IpcRendererEvent, message: WorkflowEventMessage): void => callback(message);
    ipcRenderer.on(WORKFLOW_EVENT_CHANNEL, listener);
    return () => {
      ipcRenderer.removeListener(WORKFLOW_EVENT_CHANNEL, listener);
    };
  },
};

export type ProvisionerApi = typeof api;

contextBridge.exposeInMainWorld('provisioner', api);
