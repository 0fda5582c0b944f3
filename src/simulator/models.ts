import { createHash } from 'node:crypto';

/** What the simulator knows about a product: its ids and whether it can join E2EE meetings. */
export interface ModelInfo {
  productId: string;
  productPlatform: string;
  /** The spec's list (jwe-blobs.md "Devices and software"): Board, Desk Pro, Desk, Room Kit, Room Kit Mini can. */
  e2eeCapable: boolean;
  /** Software a factory-fresh unit of this model runs when none is given. */
  defaultSoftware: string;
}

const ROOMOS = 'RoomOS 11.23.1.8 3963b07b5c5';
const CE = 'ce 9.15.18.5 a6e2b8bf6f4';

/** A model's facts: an E2EE-capable product ships RoomOS, another CE. */
function model(productId: string, productPlatform: string, e2eeCapable: boolean): ModelInfo {
  return { productId, productPlatform, e2eeCapable, defaultSoftware: e2eeCapable ? ROOMOS : CE };
}

/** Known models by ProductId. Other names are judged by their family (see `modelInfo`). */
export const MODELS: readonly ModelInfo[] = [
  model('Cisco Room Kit', 'Room Kit', true),
  model('Cisco Room Kit Mini', 'Room Kit Mini', true),
  model('Cisco Desk Pro', 'Desk Pro', true),
  model('Cisco Desk', 'Desk', true),
  model('Cisco Webex Board', 'Board', true),
  model('Cisco TelePresence MX300 G2', 'MX300 G2', false),
  model('Cisco TelePresence DX80', 'DX80', false),
  model('Cisco TelePresence SX80', 'SX80', false),
  model('Cisco Codec C90', 'C90', false),
];

export const DEFAULT_MODEL = 'Cisco Room Kit';

/** The model's facts; an unknown name is capable only if it looks like a Room, Desk or Board product. */
export function modelInfo(productId: string): ModelInfo {
  const known = MODELS.find((m) => m.productId.toLowerCase() === productId.toLowerCase());
  if (known) return known;
  const incapable = /\b(MX|DX|EX|SX)\d|\bCodec C\d|\bC\d0\b/i.test(productId);
  const capable = !incapable && /\b(Room|Desk|Board)\b/i.test(productId);
  return model(productId, productId.replace(/^Cisco (Webex |TelePresence )?/i, ''), capable);
}

/** A software string as the banner prints it, e.g. `RoomOS 11.23.1.8 3963b07b5c5` or `ce 9.15.18.5 a6e2b8bf6f4`. */
export interface SoftwareInfo {
  /** As given: the banner's `Cisco Codec Release <display>`. */
  display: string;
  /** `xStatus SystemUnit Software DisplayName`, e.g. `RoomOS 11.19.1.7 3055d561c16` (RKM). */
  displayName: string;
  /**
   * `xStatus SystemUnit Software Version`: the `ce` prefix stays on RoomOS 10 and 11 (RKM:
   * `ce11.19.1.7.3055d561c16`); CE 9 `ce9.15.18.5.a6e2b8bf6f4`; TC `tc7.3.3.c84180a`.
   */
  version: string;
  /** Numeric release parts, e.g. [11, 23, 1, 8]. */
  numbers: number[];
  releaseDate: string;
  family: 'roomos' | 'ce' | 'tc';
}

const RELEASE_DATES: Record<string, string> = {
  '11.23.1.8': '2024-12-12',
  '11.19.1.7': '2024-08-05',
  '10.6.1.0': '2021-08-17',
  '10.5.1.0': '2021-07-06',
  '9.15.18.5': '2023-05-16',
  '7.3.3.0': '2015-06-12',
};

/** Parses a software string; the release date comes from a small table, else a fixed plausible date. */
export function softwareInfo(display: string): SoftwareInfo {
  const m = /^\s*(roomos|ce|tc)\s*([0-9]+(?:\.[0-9]+)*)[\s.]*([0-9a-f]*)/i.exec(display);
  const family = (m?.[1] ?? 'RoomOS').toLowerCase() as 'roomos' | 'ce' | 'tc';
  const numText = m?.[2] ?? '0';
  const hash = m?.[3] ?? '';
  const numbers = numText.split('.').map((n) => Number.parseInt(n, 10));
  while (numbers.length < 4) numbers.push(0);
  // RoomOS keeps the `ce` prefix in Software Version (RKM); TC keeps `tc`.
  const prefix = family === 'tc' ? 'tc' : 'ce';
  const version = `${prefix}${numText}${hash ? `.${hash}` : ''}`;
  const displayName = family === 'roomos' ? `RoomOS ${numText}${hash ? ` ${hash}` : ''}` : display.trim();
  return {
    display: display.trim(),
    displayName,
    version,
    numbers,
    releaseDate: RELEASE_DATES[numbers.join('.')] ?? '2024-01-15',
    family,
  };
}

/** RoomOS 10.6.1 (August 2021) is the first release that can join E2EE meetings with an external identity. */
export function softwareSupportsE2ee(sw: SoftwareInfo): boolean {
  const min = [10, 6, 1, 0];
  for (let i = 0; i < min.length; i++) {
    const a = sw.numbers[i] ?? 0;
    const b = min[i] ?? 0;
    if (a !== b) return a > b;
  }
  return true;
}

const DEVICE_ID_NAMESPACE = 'e2ee-prov-simulator:';

/**
 * A UUID (RKM: `373a93cd-5f65-572a-81d8-95d0b15ebad4`, a version-5 UUID) derived from the serial number,
 * so that a simulated device keeps its DeviceId with or without a state file (where it is also kept).
 */
export function deviceIdFor(serialNumber: string): string {
  const h = createHash('sha1')
    .update(DEVICE_ID_NAMESPACE + serialNumber)
    .digest();
  h[6] = ((h[6] ?? 0) & 0x0f) | 0x50;
  h[8] = ((h[8] ?? 0) & 0x3f) | 0x80;
  const x = h.subarray(0, 16).toString('hex');
  return `${x.slice(0, 8)}-${x.slice(8, 12)}-${x.slice(12, 16)}-${x.slice(16, 20)}-${x.slice(20)}`;
}
