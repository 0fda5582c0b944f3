import type { Leaf, Seg } from './format.js';
import { lower } from './parse.js';
import { FACTORY_RESET_KEEP_ITEMS, type FactoryResetKeepItem } from '../core/xapi/vocabulary.js';

/** What `xCommand SystemUnit FactoryReset Keep:` can preserve (core/xapi/vocabulary.ts). */
export const KEEP_VALUES = FACTORY_RESET_KEEP_ITEMS;
export type KeepItem = FactoryResetKeepItem;

/** A configuration node with its value space (from the public xAPI schema, trimmed to what the tool touches). */
export interface ConfigDef {
  path: readonly Seg[];
  type: 'String' | 'Literal' | 'Integer';
  values?: readonly string[];
  minLength?: number;
  maxLength?: number;
  min?: number;
  max?: number;
  default: string;
  /** The Keep item of a factory reset that preserves this node. */
  keep?: KeepItem;
}

const ONOFF = ['Off', 'On'] as const;

/**
 * The simulated configuration tree, in the order `xConfiguration` prints it. `keep` follows the schema's
 * description of `SystemUnit FactoryReset Keep:` item by item (real-devices.md "Commands"): nothing keeps
 * the system name, SSH, users or the registration. Nodes in the schema subset take its value spaces.
 */
export const CONFIG_DEFS: readonly ConfigDef[] = [
  {
    path: ['Audio', 'DefaultVolume'],
    type: 'Integer',
    min: 0,
    max: 100,
    default: '50',
    keep: 'LocalSetup',
  },
  {
    path: ['Audio', 'SoundsAndAlerts', 'RingVolume'],
    type: 'Integer',
    min: 0,
    max: 100,
    default: '50',
    keep: 'LocalSetup',
  },
  {
    path: ['Conference', 'EndToEndEncryption', 'Identity', 'PreferredDomain'],
    type: 'String',
    minLength: 0,
    maxLength: 255,
    default: '',
  },
  {
    path: ['Network', 1, 'DNS', 'Domain', 'Name'],
    type: 'String',
    maxLength: 64,
    default: '',
    keep: 'Network',
  },
  {
    path: ['Network', 1, 'DNS', 'Server', 1, 'Address'],
    type: 'String',
    maxLength: 64,
    default: '',
    keep: 'Network',
  },
  { path: ['Network', 1, 'IPv4', 'Address'], type: 'String', maxLength: 64, default: '', keep: 'Network' },
  {
    path: ['Network', 1, 'IPv4', 'Assignment'],
    type: 'Literal',
    values: ['Static', 'DHCP'],
    default: 'DHCP',
    keep: 'Network',
  },
  { path: ['Network', 1, 'IPv4', 'Gateway'], type: 'String', maxLength: 64, default: '', keep: 'Network' },
  { path: ['Network', 1, 'IPv4', 'SubnetMask'], type: 'String', maxLength: 64, default: '', keep: 'Network' },
  {
    path: ['Network', 1, 'Speed'],
    type: 'Literal',
    values: ['Auto', '10half', '10full', '100half', '100full', '1000full'],
    default: 'Auto',
    keep: 'Network',
  },
  {
    path: ['Network', 1, 'VLAN', 'Voice', 'Mode'],
    type: 'Literal',
    values: ['Auto', 'Manual', 'Off'],
    default: 'Auto',
    keep: 'Network',
  },
  {
    path: ['NetworkServices', 'HTTP', 'Mode'],
    type: 'Literal',
    values: ['HTTP+HTTPS', 'HTTPS', 'Off'],
    default: 'HTTPS',
    keep: 'HTTP',
  },
  { path: ['NetworkServices', 'HTTPS', 'Mode'], type: 'Literal', values: ONOFF, default: 'On', keep: 'HTTP' },
  {
    path: ['NetworkServices', 'HTTPS', 'VerifyServerCertificate'],
    type: 'Literal',
    values: ONOFF,
    default: 'Off',
    keep: 'HTTP',
  },
  {
    path: ['NetworkServices', 'SSH', 'Mode'],
    type: 'Literal',
    values: ONOFF,
    default: 'On',
  },
  {
    path: ['NetworkServices', 'Wifi', 'Allowed'],
    type: 'Literal',
    values: ['False', 'True'],
    default: 'True',
    keep: 'Network',
  },
  {
    path: ['NetworkServices', 'Wifi', 'Enabled'],
    type: 'Literal',
    values: ['False', 'True'],
    default: 'True',
    keep: 'Network',
  },
  {
    path: ['Provisioning', 'Mode'],
    type: 'Literal',
    values: ['Off', 'Auto', 'CUCM', 'Edge', 'Webex', 'VCS', 'TMS'],
    default: 'Auto',
    keep: 'Provisioning',
  },
  {
    path: ['SerialPort', 'BaudRate'],
    type: 'Literal',
    values: ['115200'],
    default: '115200',
    keep: 'SerialPort',
  },
  {
    path: ['SerialPort', 'LoginRequired'],
    type: 'Literal',
    values: ONOFF,
    default: 'On',
    keep: 'SerialPort',
  },
  { path: ['SerialPort', 'Mode'], type: 'Literal', values: ONOFF, default: 'On', keep: 'SerialPort' },
  {
    path: ['Spark', 'ServiceOverrides', 'GdsBaseUrl'],
    type: 'String',
    minLength: 0,
    maxLength: 255,
    default: '',
    keep: 'Webex',
  },
  {
    path: ['Spark', 'ServiceOverrides', 'U2CBaseUrl'],
    type: 'String',
    minLength: 0,
    maxLength: 255,
    default: '',
    keep: 'Webex',
  },
  {
    path: ['SystemUnit', 'Name'],
    type: 'String',
    minLength: 0,
    maxLength: 50,
    default: '',
  },
  { path: ['Time', 'Zone'], type: 'String', maxLength: 100, default: 'Etc/UTC', keep: 'LocalSetup' },
  {
    path: ['UserInterface', 'Language'],
    type: 'Literal',
    values: ['English', 'French', 'German', 'Japanese', 'Norwegian', 'Spanish'],
    default: 'English',
    keep: 'LocalSetup',
  },
  {
    path: ['Video', 'Output', 'Connector', 1, 'OverscanLevel'],
    type: 'Literal',
    values: ['Medium', 'High', 'None'],
    default: 'None',
    keep: 'LocalSetup',
  },
];

/** The key a node's value is stored under: its path words joined by spaces, e.g. `Network 1 IPv4 Address`. */
export function configKey(path: readonly Seg[]): string {
  return path.map(String).join(' ');
}

/** The node whose path is exactly `words` (case-insensitive). */
export function findConfig(words: readonly string[]): ConfigDef | undefined {
  const want = lower(words).join(' ');
  return CONFIG_DEFS.find((d) => lower(d.path).join(' ') === want);
}

/** Nodes under `words` (all of them for an empty path). */
export function configUnder(words: readonly string[]): ConfigDef[] {
  const want = lower(words);
  return CONFIG_DEFS.filter((d) => {
    const p = lower(d.path);
    return want.length <= p.length && want.every((w, i) => w === p[i]);
  });
}

/** Validates and canonicalizes a value (literals take the schema's spelling); undefined when illegal. */
export function normalizeConfigValue(def: ConfigDef, value: string): string | undefined {
  if (def.type === 'Literal') return def.values?.find((v) => v.toLowerCase() === value.toLowerCase());
  if (def.type === 'Integer') {
    if (!/^-?\d+$/.test(value)) return undefined;
    const n = Number.parseInt(value, 10);
    if ((def.min !== undefined && n < def.min) || (def.max !== undefined && n > def.max)) return undefined;
    return String(n);
  }
  if (def.minLength !== undefined && value.length < def.minLength) return undefined;
  if (def.maxLength !== undefined && value.length > def.maxLength) return undefined;
  return value;
}

/** A configuration value as a printable leaf. */
export function configLeaf(def: ConfigDef, value: string): Leaf {
  return { path: def.path, value, bare: def.type !== 'String' };
}

/** The factory configuration. */
export function defaultConfig(): Map<string, string> {
  return new Map(CONFIG_DEFS.map((d) => [configKey(d.path), d.default]));
}
