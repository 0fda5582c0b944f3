import { createInterface } from 'node:readline';
import { isDeviceError, type RoomOsDevice } from '../../main/device/index.js';
import { openLogFile } from '../../main/device/transcript.js';
import { type Command, parse, required } from '../command.js';
import { openDevice } from '../context.js';
import { CliError } from '../errors.js';
import { type CliIO, rawStream, write } from '../io.js';

const USAGE =
  'e2ee-prov console --target TARGET [--password-file PATH] [--log PATH [--append]] [--json-output]';

/**
 * Commands whose body follows on the next lines, ended by a line holding only `.` (spec §2.1, §5.2).
 * The console reads the body itself so that it goes to the device in one paced piece.
 */
const MULTILINE = [
  /^xcommand\s+security\s+certificates\s+(services|ca|thirdparty|webex)\s+add\b/i,
  /^xcommand\s+systemunit\s+signinbanner\s+set\b/i,
  /^xcommand\s+systemunit\s+welcomebanner\s+set\b/i,
  /^xcommand\s+macros\s+macro\s+save\b/i,
  /^xcommand\s+userinterface\s+extensions\s+(panel\s+save|set)\b/i,
  /^xcommand\s+bookings\s+put\b/i,
  /^xcommand\s+provisioning\s+service\s+fetch\b/i,
];

/**
 * An interactive console for a technician who needs to look: lines typed go to the device as they
 * are (in the terminal grammar), its answers come back; secrets are redacted in what is printed and
 * in the log. `bye`, `exit`, `quit` or end of input close it.
 */
export const consoleCommand: Command = {
  path: ['console'],
  summary: 'Open an interactive console on a device (answers as the device prints them; secrets redacted).',
  usage: USAGE,
  connects: true,
  async run(args: string[], io: CliIO): Promise<number> {
    const { values } = parse(
      args,
      {
        target: { type: 'string' },
        'password-file': { type: 'string' },
        log: { type: 'string' },
        append: { type: 'boolean', default: false },
        'json-output': { type: 'boolean', default: false },
      },
      USAGE,
    );
    const target = required(values.target, 'target', USAGE);
    if (values.append && values.log === undefined)
      throw new CliError('ERR_USAGE', '--append adds to the --log file: give --log PATH too.');
    const interactive = io.stdin.isTTY === true;
    // Opened first: a refused log (a symlink, a file that exists) stops before the device is touched.
    const log = values.log !== undefined ? await openLogFile(values.log, { append: values.append }) : null;
    let device: RoomOsDevice;
    try {
      ({ device } = await openDevice(
        target,
        {
          ...(values['password-file'] !== undefined ? { passwordFile: values['password-file'] } : {}),
          verbose: interactive,
        },
        io,
      ));
    } catch (e) {
      await log?.close();
      throw e;
    }
    try {
      if (!values['json-output']) await device.setOutputMode('terminal');
      device.onFeedback((r) => void write(io.stdout, device.transcript.redact(r.lines.join('\n')) + '\n'));
      if (interactive) {
        const b = device.banner;
        await write(
          io.stderr,
          `Connected${b.release ? ` to ${b.release}` : ''}. Type xAPI commands; a multi-line command's body ends with a line holding only ".". bye, exit or quit to leave.\n`,
        );
      }
      await repl(device, io, interactive);
    } finally {
      if (log) {
        await device.transcript.save(log).finally(() => log.close());
      }
      await device.close();
    }
    return 0;
  },
};

async function repl(device: RoomOsDevice, io: CliIO, interactive: boolean): Promise<void> {
  const rl = createInterface({
    input: io.stdin,
    ...(interactive ? { output: rawStream(io.stderr), prompt: '> ' } : {}),
    terminal: interactive,
  });
  // Ctrl-C at the prompt leaves the console (closing the session cleanly), as end of input does.
  rl.on('SIGINT', () => rl.close());
  const lines = rl[Symbol.asyncIterator]();
  const next = async (): Promise<string | null> => {
    if (interactive) rl.prompt();
    const r = await lines.next();
    return r.done ? null : String(r.value);
  };
  try {
    for (;;) {
      const line = await next();
      if (line === null) return;
      const text = line.trim();
      if (text === '') continue;
      if (/^(bye|exit|quit)$/i.test(text)) return;
      let body: string[] | undefined;
      if (MULTILINE.some((re) => re.test(text))) {
        body = [];
        for (;;) {
          const b = await next();
          if (b === null || b.trim() === '.') break;
          body.push(b.replace(/\r$/, ''));
        }
      }
      // Without a terminal the typed line is not on screen: print it (redacted) so the output reads as a transcript.
      if (!interactive)
        await write(
          io.stdout,
          `> ${device.transcript.redact([text, ...(body ?? []), ...(body ? ['.'] : [])].join('\n'))}\n`,
        );
      try {
        const out = await device.command(text, body ? { body, timeoutMs: 60_000 } : {});
        if (out.lines.length) await write(io.stdout, device.transcript.redact(out.lines.join('\n')) + '\n');
      } catch (e) {
        if (!isDeviceError(e)) throw e;
        await write(io.stderr, `${e.code} ${e.message}\n`);
        if (e.code === 'ERR_DEVICE_DISCONNECTED') {
          await write(io.stderr, 'Reconnecting...\n');
          await device.reconnect();
          if (device.outputMode === 'json') await device.setOutputMode('terminal');
        }
      }
    }
  } finally {
    rl.close();
  }
}
