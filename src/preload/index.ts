/**
 * The narrow bridge: named methods, one per contract channel, never a generic invoke, and one event
 * subscription. The renderer's `window.provisioner` type is derived from this object.
 */
import { type IpcRendererEvent, contextBridge, ipcRenderer } from 'electron';
import {
  type Channel,
  type ChannelInput,
  type AppEventMessage,
  type ChannelOutput,
  type IpcResult,
  WORKFLOW_EVENT_CHANNEL,
} from '../contract/index.js';

/** One field of a channel's input, as the contract types it. */
type In<C extends Channel, K extends keyof ChannelInput<C>> = ChannelInput<C>[K];

function invoke<C extends Channel>(channel: C, input: ChannelInput<C>): Promise<IpcResult<ChannelOutput<C>>> {
  return ipcRenderer.invoke(channel, input) as Promise<IpcResult<ChannelOutput<C>>>;
}

export const api = {
  app: {
    info: () => invoke('app.info', {}),
    /** Keychain and journal state, for the status bar. */
    status: () => invoke('app.status', {}),
    /** The language the person chose, for the dialogs main shows itself. */
    setLanguage: (lang: In<'app.language', 'lang'>) => invoke('app.language', { lang }),
  },
  blob: {
    inspect: (blob: In<'blob.inspect', 'blob'>) => invoke('blob.inspect', { blob }),
  },
  ports: {
    list: () => invoke('ports.list', {}),
  },
  device: {
    /**
     * `password` is the console login's, when the device has one; it is sent once and not kept here.
     * `hostKey`: the SSH host key fingerprint the person was shown and accepted (a first connection).
     */
    connect: (
      target: In<'device.connect', 'target'>,
      password: In<'device.connect', 'password'>,
      hostKey?: string,
    ) => invoke('device.connect', { target, password, ...(hostKey ? { hostKey } : {}) }),
    identify: () => invoke('device.identify', {}),
    disconnect: () => invoke('device.disconnect', {}),
    /** Read-only probes of the connected device, written by main to a file in the data folder. */
    capture: (probeAddRefusals: In<'device.capture', 'probeAddRefusals'> = false) =>
      invoke('device.capture', { probeAddRefusals }),
  },
  credentials: {
    /** Opens main's file dialog; main keeps the path, the renderer gets the file's name. */
    choose: (role: In<'credentials.choose', 'role'>) => invoke('credentials.choose', { role }),
    inspect: (passphrase: In<'credentials.inspect', 'passphrase'>) =>
      invoke('credentials.inspect', { passphrase }),
  },
  provision: {
    run: (request: ChannelInput<'provision.run'>) => invoke('provision.run', request),
    stop: () => invoke('provision.stop', {}),
    resume: () => invoke('provision.resume', {}),
  },
  secrets: {
    rotate: (request: ChannelInput<'secret.rotate'>) => invoke('secret.rotate', request),
    /** A generated secret; main keeps it until the person acknowledges it (`acknowledge`). */
    reveal: (source: In<'secret.reveal', 'source'>, serial?: string) =>
      invoke('secret.reveal', { source, ...(serial !== undefined ? { serial } : {}) }),
    /** The devices whose generated secret waits to be acknowledged (never the secrets). */
    pending: () => invoke('secret.pending', {}),
    /** "I have saved it": confirmed by typing the secret's last group. */
    acknowledge: (
      serial: In<'secret.acknowledge', 'serial'>,
      lastGroup: In<'secret.acknowledge', 'lastGroup'>,
    ) => invoke('secret.acknowledge', { serial, lastGroup }),
    /** Main puts the secret on the clipboard and clears it there after a minute. */
    copy: (serial: In<'secret.copy', 'serial'>) => invoke('secret.copy', { serial }),
    /** Main's judgement of a typed secret, before anything is sent to a device. */
    judge: (value: In<'secret.judge', 'value'>, route: In<'secret.judge', 'route'>) =>
      invoke('secret.judge', { value, route }),
  },
  handover: {
    /** Main's save dialog, then the sheet written there, with or without the secret. */
    save: (serial: In<'handover.save', 'serial'>, withSecret: In<'handover.save', 'withSecret'>) =>
      invoke('handover.save', { serial, withSecret }),
  },
  inventory: {
    list: () => invoke('inventory.list', {}),
    /** Main's save dialog, then the inventory written there as CSV (never a secret). */
    export: () => invoke('inventory.export', {}),
  },
  journal: {
    verify: () => invoke('journal.verify', {}),
  },
  console: {
    read: (after: In<'console.read', 'after'>) => invoke('console.read', { after }),
  },
  meeting: {
    /** Reads the connected device's meeting (and the others', compared) and watches it. */
    start: (
      others: In<'meeting.start', 'others'>,
      serial: In<'meeting.start', 'serial'> = null,
      pollSeconds?: number,
    ) => invoke('meeting.start', { others, serial, ...(pollSeconds !== undefined ? { pollSeconds } : {}) }),
    read: () => invoke('meeting.read', {}),
    stop: () => invoke('meeting.stop', {}),
  },
  cloud: {
    /** The token is sent once; main checks it, keeps it in the keychain and never sends it back. */
    signIn: (token: In<'cloud.signIn', 'token'>, apiBase: In<'cloud.signIn', 'apiBase'>) =>
      invoke('cloud.signIn', { token, apiBase }),
    /**
     * The OAuth (PKCE) sign-in: main opens the integration's sign-in page in the browser and waits for its
     * answer. The client secret is sent once and never sent back; the reply is the account or a coded error.
     */
    signInOAuth: (request: ChannelInput<'cloud.oauthSignIn'>) => invoke('cloud.oauthSignIn', request),
    /** Cancels the OAuth sign-in that waits for the browser (its loopback is closed when this answers). */
    cancelOAuth: () => invoke('cloud.oauthCancel', {}),
    signOut: () => invoke('cloud.signOut', {}),
    /** Who the kept sign-in belongs to, or null. */
    whoami: () => invoke('cloud.whoami', {}),
    activationCode: (workspaceId: In<'cloud.activationCode', 'workspaceId'>) =>
      invoke('cloud.activationCode', { workspaceId }),
  },
  fleet: {
    list: (tags: In<'fleet.list', 'tags'>) => invoke('fleet.list', { tags }),
    /** Main's file dialog for one device's certificate or key; main keeps the path. */
    choose: (serial: In<'fleet.choose', 'serial'>, role: In<'fleet.choose', 'role'>) =>
      invoke('fleet.choose', { serial, role }),
    run: (request: ChannelInput<'fleet.run'>) => invoke('fleet.run', request),
    meeting: (serial: In<'fleet.meeting', 'serial'>) => invoke('fleet.meeting', { serial }),
    /** One listed device's capture through the cloud; main writes the file and says where. */
    capture: (serial: In<'fleet.capture', 'serial'>, probeAddRefusals = false) =>
      invoke('fleet.capture', { serial, probeAddRefusals }),
    /** Watches that device's meeting, read again every pollSeconds (meeting.read shows it, meeting.stop ends it). */
    watchMeeting: (serial: In<'fleet.watchMeeting', 'serial'>, pollSeconds: number) =>
      invoke('fleet.watchMeeting', { serial, pollSeconds }),
  },
  /** Progress of running workflows (provisioning, fleet runs); returns the function that stops listening. */
  onWorkflowEvent: (callback: (message: AppEventMessage) => void): (() => void) => {
    const listener = (_event: IpcRendererEvent, message: AppEventMessage): void => callback(message);
    ipcRenderer.on(WORKFLOW_EVENT_CHANNEL, listener);
    return () => {
      ipcRenderer.removeListener(WORKFLOW_EVENT_CHANNEL, listener);
    };
  },
};

export type ProvisionerApi = typeof api;

contextBridge.exposeInMainWorld('provisioner', api);
