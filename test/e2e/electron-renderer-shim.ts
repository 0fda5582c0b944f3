/**
 * A stand-in for the `electron` module inside the page, for tests only: `contextBridge` sets the global
 * as Electron's would, `ipcRenderer.invoke` calls the Playwright binding that dispatches to the handlers
 * the real main code registered, and `ipcRenderer.on` receives what main's `webContents.send` sent
 * (the test delivers it through `window.__ipcDeliver`).
 */
declare global {
  interface Window {
    __ipcInvoke(channel: string, input: unknown): Promise<unknown>;
    __ipcDeliver?: (channel: string, payload: unknown) => void;
  }
}

type Listener = (event: unknown, ...args: unknown[]) => void;
const listeners = new Map<string, Set<Listener>>();

Object.defineProperty(window, '__ipcDeliver', {
  value: (channel: string, payload: unknown): void => {
    for (const l of listeners.get(channel) ?? []) l({ sender: null }, payload);
  },
  writable: false,
  configurable: false,
});

export const contextBridge = {
  exposeInMainWorld(name: string, api: unknown): void {
    Object.defineProperty(window, name, { value: Object.freeze(api), writable: false, configurable: false });
  },
};

export const ipcRenderer = {
  invoke(channel: string, input: unknown): Promise<unknown> {
    return window.__ipcInvoke(channel, input);
  },
  on(channel: string, listener: Listener): void {
    let set = listeners.get(channel);
    if (!set) listeners.set(channel, (set = new Set()));
    set.add(listener);
  },
  removeListener(channel: string, listener: Listener): void {
    listeners.get(channel)?.delete(listener);
  },
};

export type IpcRendererEvent = unknown;
