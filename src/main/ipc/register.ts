import {
  CHANNELS,
  type Channel,
  type ChannelOutput,
  ContractError,
  type Handlers,
  type IpcErrorCode,
  type IpcResult,
} from '../../contract/index.js';
import { type InternalErrorCode, isProvisionerError } from '../../core/errors.js';
import { scrubParserText } from '../../core/json-text.js';

/** The part of Electron's `ipcMain` this needs, so that it runs (and is tested) without Electron. */
export interface IpcMainLike {
  handle(channel: string, listener: (event: IpcEventLike, ...args: unknown[]) => unknown): void;
}

export interface IpcEventLike {
  senderFrame?: { url: string } | null;
}

/**
 * Registers every contract channel. Each call is checked: the sender must be our own page (`isTrusted`),
 * the input must pass the channel's schema, and the outcome becomes `IpcResult` data. Expected failures
 * keep their code; anything else is reported as ERR_INTERNAL without its stack.
 */
export function registerIpc(
  ipcMain: IpcMainLike,
  handlers: Handlers,
  isTrusted: (url: string) => boolean,
): void {
  for (const name of Object.keys(CHANNELS) as Channel[]) {
    ipcMain.handle(name, async (event, raw): Promise<IpcResult<ChannelOutput<typeof name>>> => {
      const url = event.senderFrame?.url ?? '';
      if (!isTrusted(url)) {
        return {
          ok: false,
          code: 'ERR_IPC_UNTRUSTED_SENDER' satisfies IpcErrorCode,
          message: 'This request did not come from the application’s own window.',
        };
      }
      try {
        const input = CHANNELS[name].parse(raw);
        const handler = handlers[name] as (i: typeof input) => Promise<ChannelOutput<typeof name>>;
        return { ok: true, value: await handler(input) };
      } catch (e) {
        if (e instanceof ContractError) return { ok: false, code: e.code, message: e.message };
        if (isProvisionerError(e))
          return { ok: false, code: e.code, message: scrubParserText(e.message), details: { ...e.details } };
        return {
          ok: false,
          code: 'ERR_INTERNAL' satisfies InternalErrorCode,
          message: 'An unexpected error stopped this action. Please report it.',
        };
      }
    });
  }
}
