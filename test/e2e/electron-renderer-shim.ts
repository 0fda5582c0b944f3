/**
 * A stand-in for the `electron` module inside the page, for tests only: `contextBridge` sets the global
 * as Electron's would, and `ipcRenderer.invoke` calls the Playwright binding that dispatches to the
 * handlers the real main code registered.
 */
declare global {
  interface Window {
    __ipcInvoke(channel: string, input: unknown): Promise<unknown>;
  }
}

export const contextBridge = {
  exposeInMainWorld(name: string, api: unknown): void {
    Object.defineProperty(window, name, { value: Object.freeze(api), writable: false, configurable: false });
  },
};

export const ipcRenderer = {
  invoke(channel: string, input: unknown): Promise<unknown> {
    return window.__ipcInvoke(channel, input);
  },
};
