/**
 * A stand-in for the `electron` module on the main side, for tests only (never shipped). It records
 * what the real main code does (windows, their preferences, IPC handlers) so that a test can drive it.
 */
type Handler = (event: { senderFrame: { url: string } | null }, ...args: unknown[]) => unknown;

export const recorded = {
  handlers: new Map<string, Handler>(),
  windows: [] as FakeBrowserWindow[],
  headerHooks: [] as unknown[],
  /** The session's permission handlers, as main registered them (undefined: none). */
  permissionRequestHandler: undefined as
    | ((
        webContents: unknown,
        permission: string,
        callback: (granted: boolean) => void,
        details?: unknown,
      ) => void)
    | undefined,
  permissionCheckHandler: undefined as
    ((webContents: unknown, permission: string, origin: string, details?: unknown) => boolean) | undefined,
  /** The application menu main set (`Menu.setApplicationMenu`); undefined: never set. */
  applicationMenu: undefined as { template: unknown[] } | null | undefined,
  /** URLs main asked the OS to open. */
  openedExternally: [] as string[],
  quit: 0,
  /** Everything main sent to the window (`webContents.send`), in order. */
  sent: [] as { channel: string; payload: unknown }[],
  /** The test's delivery of a sent message to the page. */
  deliver: undefined as ((channel: string, payload: unknown) => void) | undefined,
  /** Paths the file dialog answers with, in order; null is a cancel. */
  dialogAnswers: [] as (string | null)[],
  dialogRequests: [] as { title?: string; filters?: unknown }[],
  /** Paths the save dialog answers with, in order; null is a cancel. */
  saveAnswers: [] as (string | null)[],
  /** The message boxes main showed, and the buttons a test answers with (index; 0 when none queued). */
  messageBoxes: [] as { title?: string; message?: string; buttons?: string[] }[],
  messageBoxAnswers: [] as number[],
  /** Everything main wrote to the clipboard, in order. */
  clipboardWrites: [] as string[],
};

const ready = Promise.resolve();

export const app = {
  /** A test sets this before main starts to run it as a packaged build. */
  isPackaged: false,
  whenReady: () => ready,
  getVersion: () => '0.1.0-test',
  requestSingleInstanceLock: () => true,
  quit: () => {
    recorded.quit += 1;
  },
  on: () => app,
};

export const ipcMain = {
  handle(channel: string, handler: Handler): void {
    if (recorded.handlers.has(channel)) throw new Error(`second handler for ${channel}`);
    recorded.handlers.set(channel, handler);
  },
};

class FakeWebContents {
  listeners = new Map<string, ((...a: unknown[]) => void)[]>();
  windowOpenHandler: ((d: { url: string }) => { action: string }) | undefined;
  on(event: string, fn: (...a: unknown[]) => void): void {
    this.listeners.set(event, [...(this.listeners.get(event) ?? []), fn]);
  }
  setWindowOpenHandler(fn: (d: { url: string }) => { action: string }): void {
    this.windowOpenHandler = fn;
  }
  send(channel: string, payload: unknown): void {
    recorded.sent.push({ channel, payload });
    recorded.deliver?.(channel, payload);
  }
}

export class FakeBrowserWindow {
  readonly webContents = new FakeWebContents();
  loadedFile: string | undefined;
  constructor(readonly options: { webPreferences: Record<string, unknown> } & Record<string, unknown>) {
    recorded.windows.push(this);
  }
  loadFile(path: string): Promise<void> {
    this.loadedFile = path;
    return Promise.resolve();
  }
  listeners = new Map<string, ((...a: unknown[]) => void)[]>();
  once(): void {}
  on(event: string, fn: (...a: unknown[]) => void): this {
    this.listeners.set(event, [...(this.listeners.get(event) ?? []), fn]);
    return this;
  }
  /** What the window would do when the person closes it: true when main let it close. */
  tryClose(): boolean {
    let prevented = false;
    const event = { preventDefault: () => (prevented = true) };
    for (const fn of this.listeners.get('close') ?? []) fn(event);
    return !prevented;
  }
  show(): void {}
  isDestroyed(): boolean {
    return false;
  }
}

export const BrowserWindow = FakeBrowserWindow;

export const session = {
  defaultSession: {
    webRequest: {
      onHeadersReceived(fn: unknown): void {
        recorded.headerHooks.push(fn);
      },
    },
    setPermissionRequestHandler(fn: typeof recorded.permissionRequestHandler): void {
      recorded.permissionRequestHandler = fn;
    },
    setPermissionCheckHandler(fn: typeof recorded.permissionCheckHandler): void {
      recorded.permissionCheckHandler = fn;
    },
  },
};

export const Menu = {
  buildFromTemplate: (template: unknown[]): { template: unknown[] } => ({ template }),
  setApplicationMenu(menu: { template: unknown[] } | null): void {
    recorded.applicationMenu = menu;
  },
};

export const shell = {
  async openExternal(url: string): Promise<void> {
    recorded.openedExternally.push(url);
  },
};

export const dialog = {
  async showOpenDialog(...args: unknown[]): Promise<{ canceled: boolean; filePaths: string[] }> {
    const options = args[args.length - 1] as { title?: string; filters?: unknown };
    recorded.dialogRequests.push({ title: options.title, filters: options.filters });
    const answer = recorded.dialogAnswers.shift() ?? null;
    return answer === null ? { canceled: true, filePaths: [] } : { canceled: false, filePaths: [answer] };
  },
  async showSaveDialog(...args: unknown[]): Promise<{ canceled: boolean; filePath?: string }> {
    const options = args[args.length - 1] as { title?: string };
    recorded.dialogRequests.push({ title: options.title });
    const answer = recorded.saveAnswers.shift() ?? null;
    return answer === null ? { canceled: true } : { canceled: false, filePath: answer };
  },
  showMessageBoxSync(...args: unknown[]): number {
    const options = args[args.length - 1] as { title?: string; message?: string; buttons?: string[] };
    recorded.messageBoxes.push({ title: options.title, message: options.message, buttons: options.buttons });
    return recorded.messageBoxAnswers.shift() ?? 0;
  },
};

/** The system clipboard, as main's Copy writes it. */
export const clipboard = {
  text: '',
  writeText(text: string): void {
    clipboard.text = text;
    recorded.clipboardWrites.push(text);
  },
  readText(): string {
    return clipboard.text;
  },
};
