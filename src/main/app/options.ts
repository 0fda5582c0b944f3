/**
 * What the shell (index.ts) or a test gives the app's stores: the file dialogs, the clipboard, the event
 * sender and the places secrets and devices come from; and what the app gives back (`Services`).
 */
import type {
  AppEventMessage,
  AppLanguage,
  FileRole,
  Handlers,
  RevealedSecret,
} from '../../contract/index.js';
import type { CloudClientOptions } from '../cloud/client.js';
import type { OwnEntries } from '../cloud/login.js';
import type { RoomOsSimulator, SimulatorOptions } from '../../simulator/index.js';
import type { PortInfo } from '../device/index.js';
import type { SecretStore } from '../vault/secret-store.js';
import type { MeetingWatchOptions } from '../workflows/meeting.js';

/** What the shell's file dialog is asked; Electron's `dialog` answers it in index.ts, a stub in tests. */
export interface FileDialogRequest {
  role: FileRole;
  title: string;
  filters: { name: string; extensions: string[] }[];
}

/** Main's file dialogs: the path the person chose, or null when they cancelled. */
export interface FileDialog {
  openFile(request: FileDialogRequest): Promise<string | null>;
  /** Where to save a file (the handover sheet); absent in a shell without one. */
  saveFile?(request: { title: string; defaultName: string }): Promise<string | null>;
}

/** The system clipboard (Electron's `clipboard` in the shell). */
export interface ClipboardLike {
  writeText(text: string): void | Promise<void>;
  readText(): string | Promise<string>;
}

export interface ServiceOptions {
  version: string;
  platform: string;
  dialog: FileDialog;
  /** Sends a progress event to the window (the shell uses `webContents.send` on the one event channel). */
  emit: (message: AppEventMessage) => void;
  env?: Readonly<Record<string, string | undefined>>;
  /** Where secrets live (default: the OS keychain, refused with a typed error when unusable). */
  openSecretStore?: () => Promise<SecretStore>;
  listPorts?: () => Promise<PortInfo[]>;
  /** How long a training simulator takes to restart after a factory reset (default 800 ms). */
  simRebootDelayMs?: number;
  /** Where Copy puts a secret; absent: Copy is refused. */
  clipboard?: ClipboardLike;
  /** How long a copied secret stays on the clipboard (default 60 s). */
  clipboardClearMs?: number;
  /** Makes a training simulator (default: the built-in one); tests reach the device through it. */
  createSimulator?: (options: SimulatorOptions) => Promise<RoomOsSimulator>;
  /** The Webex cloud (the Fleet screen): where the sign-in is kept, the REST client's clock and limits. */
  cloud?: {
    login?: () => Promise<OwnEntries>;
    client?: Omit<CloudClientOptions, 'token' | 'apiBase'>;
    concurrency?: number;
    /** How long an OAuth sign-in waits for the browser (default 5 minutes). */
    oauthTimeoutMs?: number;
  };
  /**
   * Opens a URL in the person's browser (the shell's `shell.openExternal`), used for the OAuth sign-in
   * page only after the shell policy allows it; absent: the app offers no OAuth sign-in.
   */
  openBrowser?: (url: string) => Promise<void>;
  /** The timer a meeting watch polls a cloud device on, and its clock (tests inject both; default: the system's). */
  meetingWatch?: Pick<MeetingWatchOptions, 'timer' | 'now'>;
}

/** What main asks before the window closes, in the window's language. */
export interface QuitQuestion {
  title: string;
  message: string;
  detail: string;
  buttons: [string, string];
}

export interface Services {
  handlers: Handlers;
  /** Devices with a generated secret the person has not acknowledged yet (the shell warns on quit). */
  unacknowledged(): { serial: string; source: RevealedSecret['source'] }[];
  /** What to ask before the window closes, in the window's language; null: nothing waits. */
  quitQuestion(): QuitQuestion | null;
  /** Ends the device session and the training simulators. */
  dispose(): Promise<void>;
}

/** The window's language, shared by the stores that write words main shows itself. */
export interface LanguageSetting {
  language: AppLanguage;
}
