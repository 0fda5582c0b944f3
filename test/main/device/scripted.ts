/** A hand-scripted RoomOS console for session tests: a transport whose answers a test writes. */
import {
  BaseTransport,
  ConsoleSession,
  type Pacing,
  type Transcript,
} from '../../../src/main/device/index.js';

/**
 * A hand-scripted console: each complete line the tool sends is given to `script`, whose text is
 * written back (after a tick). Writes are recorded one by one.
 */
export class ScriptedConsole extends BaseTransport {
  readonly kind = 'serial' as const;
  readonly label = '/dev/fake';
  readonly pacing: Pacing;
  readonly writes: string[] = [];
  private pending = '';
  script: (line: string) => string | undefined;

  constructor(script: (line: string) => string | undefined, pacing: Partial<Pacing> = {}) {
    super();
    this.script = script;
    this.pacing = { chunkBytes: 4096, chunkDelayMs: 0, lineEnding: '\n', ...pacing };
  }

  get sent(): string {
    return this.writes.join('');
  }

  say(text: string): void {
    setImmediate(() => this.emitData(Buffer.from(text, 'utf8')));
  }

  async write(data: Uint8Array): Promise<void> {
    if (this.closed) throw new Error('closed');
    const text = Buffer.from(data).toString('utf8');
    this.writes.push(text);
    this.pending += text;
    let i: number;
    while ((i = this.pending.search(/[\r\n]/)) >= 0) {
      const line = this.pending.slice(0, i);
      this.pending = this.pending.slice(i + 1).replace(/^\n/, '');
      const out = this.script(line);
      if (out !== undefined) this.say(out);
    }
    if (/^(login|Password): ?$/.test(this.pending)) this.pending = '';
  }

  drop(): void {
    this.markClosed(new Error('unplugged'));
  }

  async close(): Promise<void> {
    this.markClosed();
  }
}

export const tagOf = (line: string): string => /resultId="([^"]+)"/.exec(line)?.[1] ?? '';

/** The banner a session reads from `systemName` on RoomOS 11.23.1.8 (the release `started` greets with). */
export function roomOsBanner(
  systemName: string,
  loggedInWithPrompt = false,
): { systemName: string; release: string; releaseDate: string; loggedInWithPrompt: boolean } {
  return {
    systemName,
    release: 'RoomOS 11.23.1.8 3963b07b5c5',
    releaseDate: '2024-12-12',
    loggedInWithPrompt,
  };
}

/** A RoomOS-like terminal-mode shell for the session's set-up, plus `more` for the test's own lines. */
export function shell(
  more: (line: string, tag: string) => string | undefined = () => undefined,
  json = true,
) {
  let mode: 'terminal' | 'json' = 'terminal';
  return (line: string): string | undefined => {
    const tag = tagOf(line);
    if (line === 'echo off') return '\u001b[?1034h\r\nOK\r\n';
    if (line === 'xpreferences outputmode json') {
      if (!json) return 'xpreferences usage:\r\n  xpreferences outputmode <terminal/xml>\r\nERROR\r\n';
      mode = 'json';
      return undefined;
    }
    if (line === 'xpreferences outputmode terminal') {
      mode = 'terminal';
      return '\r\nOK\r\n';
    }
    if (line.startsWith('xStatus SystemUnit ProductId |')) {
      return mode === 'json'
        ? `{\r\n  "Status": {\r\n    "SystemUnit": {\r\n      "ProductId": {\r\n        "Value": "Cisco Room Kit"\r\n      }\r\n    }\r\n  },\r\n  "ResultId": "${tag}"\r\n}\r\n`
        : `*s SystemUnit ProductId: "Cisco Room Kit"\r\n** resultId: "${tag}"\r\n** end\r\n\r\nOK\r\n`;
    }
    return more(line, tag);
  };
}

export async function started(
  more?: (line: string, tag: string) => string | undefined,
  opts: {
    json?: boolean;
    transcript?: Transcript;
    pacing?: Partial<Pacing>;
    timeoutMs?: number;
    statusGraceMs?: number;
  } = {},
) {
  const t = new ScriptedConsole(shell(more, opts.json ?? true), opts.pacing);
  const s = new ConsoleSession(t, {
    ...(opts.transcript ? { transcript: opts.transcript } : {}),
    timeoutMs: opts.timeoutMs ?? 2000,
    statusGraceMs: opts.statusGraceMs ?? 300,
  });
  // An SSH-like start: the banner comes by itself.
  t.say(
    'Welcome to Lobby\r\nCisco Codec Release RoomOS 11.23.1.8 3963b07b5c5\r\nSW Release Date: 2024-12-12\r\n*r Login successful\r\nOK\r\n\r\n',
  );
  await s.start({ wake: false, wakeIntervalMs: 200 });
  return { t, s };
}
