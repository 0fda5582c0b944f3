/**
 * Every command the simulator accepts agrees with the public xAPI schema subset, and a parameter a device
 * would refuse is refused with ParameterError.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { COMMANDS } from '../../src/simulator/commands.js';
import { CONFIG_DEFS, configKey } from '../../src/simulator/config.js';
import type { Device } from '../../src/simulator/device.js';
import { type RoomOsSimulator, type SimulatorOptions, createSimulator } from '../../src/simulator/index.js';
import { XAPI_11_19_SUBSET } from '../../src/simulator/schema/xapi-11.19-subset.js';
import { closeAfterEach } from '../helpers/closing.js';
import { type RawClient, echoOff } from './client.js';

interface SubsetParam {
  name: string;
  required: boolean;
  valuespace: { type: string; Values?: string[]; MaxLength?: string; MinLength?: string };
}
interface Subset {
  commands: Record<string, { multiline: boolean; params: SubsetParam[]; registeredOnly?: boolean }>;
  configuration: Record<string, { valuespace: SubsetParam['valuespace']; default: string }>;
}

/** The shared reference when it is there (the project's copy must not drift from it); else the copy. */
function loadSubset(): Subset {
  try {
    return JSON.parse(readFileSync('/work/shared/reference/xapi-11.19-subset.json', 'utf8')) as Subset;
  } catch {
    return XAPI_11_19_SUBSET as unknown as Subset;
  }
}

const subset = loadSubset();
const capable = { e2eeSupported: true } as Device;

const closing = closeAfterEach();

async function shell(options: SimulatorOptions = {}): Promise<{ s: RoomOsSimulator; c: RawClient }> {
  const s = closing(await createSimulator({ loginRequired: false, registrationDelayMs: 10, ...options }));
  return { s, c: await echoOff(s) };
}

describe('the schema subset', () => {
  it('the project copy equals the published subset', () => {
    expect(JSON.parse(JSON.stringify(XAPI_11_19_SUBSET))).toEqual(subset);
  });

  it('each simulated command agrees with it: path, multiline, parameter names, required, value spaces', () => {
    for (const def of COMMANDS) {
      if (def.schema === undefined) continue;
      const entry = subset.commands[def.schema];
      expect(entry, def.schema).toBeDefined();
      if (!entry) continue;
      expect(def.path.join(' ')).toBe(def.schema);
      expect(def.multiline ?? false, def.schema).toBe(entry.multiline);
      const visible = def.params.filter((p) => !p.hidden);
      expect(visible.map((p) => p.name).sort(), def.schema).toEqual(entry.params.map((p) => p.name).sort());
      for (const sp of entry.params) {
        const p = visible.find((x) => x.name === sp.name)!;
        const where = `${def.schema} ${sp.name}`;
        expect(p.required ?? false, where).toBe(sp.required);
        const vs = sp.valuespace;
        if (vs.type === 'Literal' || vs.type === 'LiteralArray') {
          expect(p.type, where).toBe('Literal');
          expect(p.multiple ?? false, where).toBe(vs.type === 'LiteralArray');
          // A function narrows the value space on devices that cannot hold an E2EE identity; on one that can,
          // it is the schema's.
          const values = typeof p.values === 'function' ? p.values(capable) : p.values;
          expect(values, where).toEqual(vs.Values);
        } else if (vs.type === 'String') {
          expect(p.type, where).toBe('String');
          expect(p.maxLength, where).toBe(Number(vs.MaxLength));
          expect(p.minLength, where).toBe(Number(vs.MinLength));
        }
      }
    }
    // The one hidden parameter: IsEncrypted of Services Add (the vendor's procedure).
    const hidden = COMMANDS.flatMap((d) =>
      d.params.filter((p) => p.hidden).map((p) => `${d.path.join(' ')} ${p.name}`),
    );
    expect(hidden).toEqual(['Security Certificates Services Add IsEncrypted']);
  });

  it('lists what is outside it: simulated commands not in the subset, subset commands not simulated', () => {
    expect(COMMANDS.filter((d) => d.schema === undefined).map((d) => d.path.join(' '))).toEqual([
      'SystemUnit SignInBanner Set',
      'SystemUnit SignInBanner Clear',
    ]);
    const simulated = new Set(COMMANDS.map((d) => d.schema));
    expect(Object.keys(subset.commands).filter((k) => !simulated.has(k))).toEqual([]);
  });

  it('configuration nodes in the subset take its value spaces and defaults', () => {
    for (const [key, entry] of Object.entries(subset.configuration)) {
      const def = CONFIG_DEFS.find((d) => configKey(d.path) === key);
      expect(def, key).toBeDefined();
      if (!def) continue;
      expect(def.default, key).toBe(entry.default);
      if (entry.valuespace.type === 'Literal')
        expect([...(def.values ?? [])].sort(), key).toEqual([...(entry.valuespace.Values ?? [])].sort());
      else expect(def.maxLength, key).toBe(Number(entry.valuespace.MaxLength));
    }
  });
});

describe('ParameterError, as a device refuses', () => {
  const pe = (name: string): string => `ERROR\r\n*r ${name} (status=ParameterError):\r\n** end\r\n`;
  const CASES: [string, string, string][] = [
    ['unknown parameter', 'xCommand Security Certificates Services Show Bogus: 1', 'ServicesShowResult'],
    [
      'missing required',
      'xCommand Security Certificates Services Activate Purpose: HTTPS',
      'ServicesActivateResult',
    ],
    [
      'literal outside the value space',
      'xCommand Security Certificates Services Show Filter: Identity',
      'ServicesShowResult',
    ],
    [
      'FingerprintAlgorithm spelled as the schema default SHA_1',
      'xCommand Security Certificates Services Show FingerprintAlgorithm: SHA_1',
      'ServicesShowResult',
    ],
    [
      'string over MaxLength',
      `xCommand Security Certificates Services Delete Fingerprint: ${'a'.repeat(129)}`,
      'ServicesDeleteResult',
    ],
    [
      'Keep item not in the LiteralArray',
      'xCommand SystemUnit FactoryReset Confirm: Yes Keep: Users',
      'SystemUnitFactoryResetResult',
    ],
    [
      'Confirm other than Yes',
      'xCommand SystemUnit FactoryReset Confirm: No',
      'SystemUnitFactoryResetResult',
    ],
    [
      'AccountLinkMode other than Asynchronous',
      'xCommand Webex Registration Start ActivationCode: 1 SecurityAction: NoAction AccountLinkMode: Synchronous',
      'RegistrationStartResult',
    ],
    [
      'missing SecurityAction',
      'xCommand Webex Registration Start ActivationCode: 1234567890123456',
      'RegistrationStartResult',
    ],
    [
      'Username over 127',
      `xCommand UserManagement User Passphrase Set Username: ${'u'.repeat(128)} NewPassphrase: x`,
      'PassphraseSetResult',
    ],
    [
      'a parameter repeated that is no LiteralArray',
      'xCommand SystemUnit Boot Action: Restart Action: Shutdown',
      'SystemUnitBootResult',
    ],
    [
      'PrivateKeyPassword over 128 on a multiline command',
      `xCommand Security Certificates Services Add PrivateKeyPassword: ${'p'.repeat(129)}\r.`,
      'ServicesAddResult',
    ],
  ];
  for (const [what, line, name] of CASES) {
    it(`${what}: ${name} (status=ParameterError), nothing changes`, async () => {
      const { s, c } = await shell();
      c.send(`${line}\r`);
      expect(await c.until('** end\r\n')).toBe(pe(name));
      expect(s.state.power).toBe('up');
      expect(s.state.webexStatus).toBe('Stopped');
      const e = [...s.events].reverse().find((x) => x.type === 'command');
      expect(e).toMatchObject({ status: 'ParameterError' });
    });
  }

  it('a body to a command that is not multiline ({N} framing) is refused', async () => {
    const { c } = await shell();
    const cmd = 'xCommand Security Certificates Services Show\nsome body\n';
    c.send(`{${Buffer.byteLength(cmd)}} \n${cmd}`);
    expect(await c.until('** end\r\n')).toBe(pe('ServicesShowResult'));
  });

  it('keeps the hidden IsEncrypted accepted (the one exception), on E2EE-capable devices only', async () => {
    const { c } = await shell();
    c.send('xCommand Security Certificates Services Add IsEncrypted: True\rAAAA..BBBB.CCCC.DDDD\r.\r');
    expect(await c.until('** end\r\n')).toBe(
      'ERROR\r\n*r ServicesAddResult (status=Error):\r\n*r ServicesAddResult Reason: "No client secret has been populated."\r\n** end\r\n',
    );
    const old = await shell({ model: 'Cisco TelePresence SX80' });
    old.c.send('xCommand Security Certificates Services Add IsEncrypted: True\rAAAA\r.\r');
    expect(await old.c.until('** end\r\n')).toBe(pe('ServicesAddResult'));
  });

  it('prints the JSON form', async () => {
    const { c } = await shell();
    c.send('xpreferences outputmode json\r');
    c.send(`xCommand Security Certificates Services Delete Fingerprint: ${'a'.repeat(129)}\r`);
    expect(JSON.parse(await c.until(/\r\n}\r\n/))).toEqual({
      CommandResponse: { ServicesDeleteResult: { status: 'ParameterError' } },
    });
  });

  it('accepts what the schema allows: the longest strings, every Keep item, case-insensitive literals', async () => {
    const { s, c } = await shell();
    c.send(`xCommand Security Certificates Services Delete Fingerprint: ${'a'.repeat(128)}\r`);
    expect(await c.until('** end\r\n')).toContain('Reason: "Certificate not found."');
    c.send(
      `xCommand Security Certificates Services Show Filter: webexidentity FingerprintAlgorithm: sha-256\r`,
    );
    expect(await c.until('** end\r\n')).toContain('(status=OK)');
    const keep = [
      'LocalSetup',
      'Network',
      'Webex',
      'Provisioning',
      'SerialPort',
      'Certificates',
      'HTTP',
      'RemoteSupportUser',
    ];
    c.send(
      `xCommand SystemUnit FactoryReset Confirm: Yes ${keep.map((k) => `Keep: ${k}`).join(' ')} TrailingAction: NoAction\r`,
    );
    expect(await c.until('** end\r\n')).toBe(
      'OK\r\n*r SystemUnitFactoryResetResult (status=OK):\r\n** end\r\n',
    );
    expect(s.events.find((e) => e.type === 'factory-reset')).toMatchObject({ keep });
  });
});
