/** Fuzzing parseTarget (src/main/device/target.ts): any text is a target or ERR_DEVICE_TARGET, fast. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseTarget } from '../../src/main/device/target.js';
import { NUM_RUNS, params, returnsOrCoded, textInput, timeout, token } from './harness.js';

const SAMPLES = [
  'serial:/dev/ttyUSB0',
  'serial:/dev/ttyUSB0?baud=115200&flow=rtscts',
  'serial:COM3?flow=xonxoff',
  'serial:///dev/ttyACM0?baud=9600',
  'ssh://admin@10.0.0.5:22',
  'ssh://room-1.example.com',
  'ssh://ad%20min@[fe80::1]:2222',
  'SSH://user@host/',
  'sim:',
  'sim://',
  'sim:?state=/tmp/s.json&model=Room Kit&software=ce11.1&serial=FOC123&name=Room 1&login=on',
  'sim:?registered=yes&usedfor=labels&label=x&chain=off&selfsigned=0&encryption=true&populate=registered&linelimit=4095&regdelay=0&org=example.com',
];

const query = fc
  .array(
    fc.tuple(
      fc.oneof(
        fc.constantFrom('baud', 'flow', 'state', 'login', 'usedfor', 'populate', 'linelimit', 'regdelay'),
        fc.string({ maxLength: 6 }),
      ),
      fc.oneof(fc.constantFrom('on', 'off', '1e3', '-1', 'NaN', '9'.repeat(30), '%', '%E0%A4%A'), token),
    ),
    { maxLength: 5 },
  )
  .map((kv) => kv.map(([k, v]) => `${k}=${v}`).join('&'));

const structured = fc
  .tuple(
    fc.constantFrom('serial:', 'ssh://', 'sim:', 'SIM:?', ' ssh:', 'serial://'),
    fc.string({ maxLength: 30 }),
    query,
  )
  .map(([kind, head, q]) => `${kind}${head}?${q}`);

describe(`fuzz: device target (${NUM_RUNS} cases)`, () => {
  it(
    'parseTarget returns a target or throws ERR_DEVICE_TARGET',
    () => {
      fc.assert(
        fc.property(
          fc.oneof(
            { weight: 3, arbitrary: textInput(SAMPLES) },
            { weight: 1, arbitrary: structured },
            { weight: 1, arbitrary: fc.webUrl() },
          ),
          (text) => {
            const r = returnsOrCoded(() => parseTarget(text));
            if (!r.ok) expect(r.code).toBe('ERR_DEVICE_TARGET');
          },
        ),
        params(),
      );
    },
    timeout(),
  );
});
