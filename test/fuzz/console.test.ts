/**
 * Fuzzing the console response parsers (src/core/xapi): ConsoleReader fed text split anywhere, then every
 * block and JSON value it returns through parseTerminalBlock / parseJsonResponse; and both parsers
 * directly on arbitrary lines and JSON values. None of them throws: they return, within a second.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ConsoleReader, type ReaderItem } from '../../src/core/xapi/reader.js';
import { parseJsonResponse, parseTerminalBlock } from '../../src/core/xapi/response.js';
import { NUM_RUNS, params, returnsOrCoded, splitAt, textInput, timeout, token } from './harness.js';

const TERMINAL = [
  '*r ServicesShowResult (status=OK):',
  '*r ServicesShowResult Details 1 Fingerprint: "CE4EB947C2C17D58BBC08303BF278464BEEBF2AF"',
  '*r ServicesShowResult Details 1 IssuerName: "/C=US/O=Let\'s Encrypt/CN=R3"',
  '*r ServicesShowResult Details 1 UsedFor: "SIP, HTTPS server"',
  '** resultId: "7"',
  '** end',
  '',
  'OK',
  '',
].join('\r\n');
const ERROR_BLOCK = [
  '*r Status (status=Error):',
  '*r Status Reason: "No match on address expression."',
  '*r Status XPath: "Status/Foo"',
  '** end',
  '',
  'ERROR',
  '',
].join('\n');
const STATUS = '*s SystemUnit Uptime: 62974\n*s Audio Volume: 50\n** end\n\nOK\n';
const LOGIN = 'login: admin\r\nPassword: \r\n*r Login successful\r\n\r\nOK\r\n\u001b[?1034h';
const JSON_ANSWER = [
  '{',
  '  "CommandResponse": {',
  '    "ServicesShowResult": {',
  '      "status": "OK",',
  '      "Details": [ { "id": "1", "Fingerprint": { "Value": "CE4E\\"B9" } } ]',
  '    }',
  '  },',
  '  "ResultId": "e2ee-3"',
  '}',
  '',
].join('\n');
const JSON_STATUS = '{\n"Status": { "Audio": { "Volume": { "Value": "50" } } }\n}\n{"ResultId":"x"}\n';
const JSON_ERROR =
  '{\n "Status": { "status": "Error", "Reason": { "Value": "No match" }, "XPath": { "Value": "Status/Foo" } }\n}\n';
const OTHER = 'Command not recognized.\r\nxCommand Security Certificates Services Show | resultId="1"\r\n';
const SAMPLES = [TERMINAL, ERROR_BLOCK, STATUS, LOGIN, JSON_ANSWER, JSON_STATUS, JSON_ERROR, OTHER];

/** Reads `chunks` and parses what the reader completes; throws only what a parser threw. */
function readAll(chunks: readonly string[]): ReaderItem[] {
  const reader = new ConsoleReader();
  const items: ReaderItem[] = [];
  for (const c of chunks) {
    items.push(...reader.push(c));
    void reader.partial;
  }
  items.push(...reader.flush());
  for (const item of items) {
    if (item.type === 'block') parseTerminalBlock(item.lines);
    if (item.type === 'json') parseJsonResponse(item.value, item.lines);
  }
  return items;
}

const session = fc.oneof(
  { weight: 3, arbitrary: textInput(SAMPLES) },
  // A session: several answers back to back, some mutated.
  {
    weight: 1,
    arbitrary: fc.array(textInput(SAMPLES), { minLength: 2, maxLength: 5 }).map((a) => a.join('')),
  },
);

describe(`fuzz: console reader and response parsers (${NUM_RUNS} cases each)`, () => {
  it(
    'ConsoleReader: any text split anywhere reads, and reads the same as in one piece',
    () => {
      fc.assert(
        fc.property(session, fc.array(fc.nat(), { maxLength: 12 }), (text, cuts) => {
          const whole = returnsOrCoded(() => readAll([text]));
          const split = returnsOrCoded(() => readAll(splitAt(text, cuts)));
          expect(whole.ok).toBe(true);
          expect(split).toEqual(whole);
        }),
        params(),
      );
    },
    timeout(),
  );

  it(
    'ConsoleReader: one character at a time (a serial line) reads the same',
    () => {
      fc.assert(
        fc.property(textInput(SAMPLES), (text) => {
          const whole = returnsOrCoded(() => readAll([text]));
          const chars = returnsOrCoded(() => readAll(text.slice(0, 4_000).split('')));
          const prefix = returnsOrCoded(() => readAll([text.slice(0, 4_000)]));
          expect(whole.ok).toBe(true);
          expect(chars).toEqual(prefix);
        }),
        params(Math.ceil(NUM_RUNS / 10)),
      );
    },
    timeout(),
  );

  const line = fc.oneof(
    {
      weight: 3,
      arbitrary: textInput(TERMINAL.split('\r\n').concat(ERROR_BLOCK.split('\n'), STATUS.split('\n'))),
    },
    { weight: 1, arbitrary: fc.array(token, { maxLength: 6 }).map((t) => `*r ${t.join('')}`) },
    {
      weight: 1,
      arbitrary: fc.array(token, { maxLength: 6 }).map((t) => `*s A B${t.join('')}: ${t.join('"')}`),
    },
  );

  it(
    'parseTerminalBlock: any lines give a response',
    () => {
      fc.assert(
        fc.property(fc.array(line, { maxLength: 20 }), (lines) => {
          const r = returnsOrCoded(() => parseTerminalBlock(lines));
          expect(r.ok).toBe(true);
        }),
        params(),
      );
    },
    timeout(),
  );

  const keyName = fc.oneof(
    fc.constantFrom(
      'CommandResponse',
      'Status',
      'Configuration',
      'Event',
      'ResultId',
      'status',
      'Reason',
      'XPath',
      'Value',
      'id',
      'error',
      '__proto__',
      'constructor',
      'toString',
    ),
    fc.string({ maxLength: 6 }),
  );
  const jsonish = fc.letrec((tie) => ({
    value: fc.oneof(
      { depthSize: 'small', withCrossShrink: true },
      fc.oneof(fc.string({ maxLength: 12 }), fc.double(), fc.integer(), fc.boolean(), fc.constant(null)),
      fc.array(tie('value'), { maxLength: 4 }),
      fc.dictionary(keyName, tie('value'), { maxKeys: 4 }),
    ),
  })).value;
  const answer = fc.oneof(
    jsonish,
    fc.record(
      { CommandResponse: fc.dictionary(keyName, jsonish, { maxKeys: 2 }), ResultId: fc.string() },
      { requiredKeys: [] },
    ),
    fc.record(
      { Status: jsonish, Configuration: jsonish, Event: jsonish, ResultId: jsonish },
      { requiredKeys: [] },
    ),
    fc.anything(),
    // A parsed `{"__proto__": …}` has an own key __proto__, unlike an object literal.
    textInput([JSON_ANSWER, JSON_STATUS.split('\n{')[0]!, JSON_ERROR]).map((t) => {
      try {
        return JSON.parse(t) as unknown;
      } catch {
        return JSON.parse('{"__proto__":{"Status":1},"Status":{"__proto__":{"status":"Error"}}}') as unknown;
      }
    }),
  );

  it(
    'parseJsonResponse: any JSON value gives a response or null',
    () => {
      fc.assert(
        fc.property(answer, fc.array(fc.string({ maxLength: 20 }), { maxLength: 3 }), (value, lines) => {
          const r = returnsOrCoded(() => parseJsonResponse(value, lines));
          expect(r.ok).toBe(true);
        }),
        params(),
      );
    },
    timeout(),
  );
});
