import { existsSync } from 'node:fs';
import { readdir, readFile, realpath } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { SerialPort } from 'serialport';
import { DeviceError } from '../../core/xapi/index.js';
import { BaseTransport, type Pacing } from './transport.js';
import type { PortInfo } from '../../contract/shapes.js';

/** Serial line settings. The maintenance port is 115200 8N1 without flow control (spec §6). */
export interface SerialSettings {
  baudRate: number;
  dataBits: 5 | 6 | 7 | 8;
  parity: 'none' | 'even' | 'odd' | 'mark' | 'space';
  stopBits: 1 | 1.5 | 2;
  /** Hardware (RTS/CTS) flow control. Off: the console has none. */
  rtscts: boolean;
  /** Software (XON/XOFF) flow control. Off. */
  xonxoff: boolean;
}

export const DEFAULT_SERIAL: SerialSettings = {
  baudRate: 115200,
  dataBits: 8,
  parity: 'none',
  stopBits: 1,
  rtscts: false,
  xonxoff: false,
};

/**
 * Without flow control a long line must not outrun the device: 256-byte chunks, each drained (the
 * bytes left the UART), with a short pause (spec §6 [I]: "256-512 B chunks with short delays").
 */
export const SERIAL_PACING: Pacing = { chunkBytes: 256, chunkDelayMs: 15, lineEnding: '\r' };

/** Maps an open failure to what a technician can act on. */
export function serialOpenError(path: string, err: Error): DeviceError {
  const msg = err.message;
  if (
    /cannot lock port|resource temporarily unavailable|EBUSY|busy|Access denied/i.test(msg) &&
    !/permission/i.test(msg)
  ) {
    return new DeviceError(
      'ERR_DEVICE_PORT_BUSY',
      `The serial port ${path} is in use by another program (a terminal such as screen, minicom or PuTTY, or another e2ee-prov). Close it and try again.`,
      { path },
      { cause: err },
    );
  }
  if (/no such file|ENOENT|cannot find|not found|File not found/i.test(msg)) {
    return new DeviceError(
      'ERR_DEVICE_PORT_MISSING',
      `There is no serial port ${path}. Check that the USB console cable is plugged in at both ends, then list the ports with "e2ee-prov device ports".`,
      { path },
      { cause: err },
    );
  }
  // A file or a device that is no terminal (/dev/null, /etc/passwd): the serial settings cannot apply.
  if (/inappropriate ioctl|ENOTTY|not a typewriter|EISDIR|is a directory/i.test(msg)) {
    return new DeviceError(
      'ERR_DEVICE_PORT_MISSING',
      `${path} is not a serial port (it is a file or a device without serial settings). Give the console's port, such as /dev/ttyACM0 or /dev/ttyUSB0; "e2ee-prov device ports" lists them.`,
      { path, notAPort: true },
      { cause: err },
    );
  }
  if (/permission denied|EACCES|EPERM/i.test(msg)) {
    return new DeviceError(
      'ERR_DEVICE_PORT_PERMISSION',
      `Not allowed to open ${path}. On Linux, add your user to the "dialout" group (sudo usermod -aG dialout $USER) and log in again.`,
      { path },
      { cause: err },
    );
  }
  return new DeviceError(
    'ERR_DEVICE_PORT_MISSING',
    `Cannot open the serial port ${path}: ${msg}.`,
    { path },
    { cause: err },
  );
}

/** A serial console (a USB maintenance port, a USB-serial adapter, or a pseudo-terminal). */
export class SerialTransport extends BaseTransport {
  readonly kind = 'serial' as const;
  readonly label: string;
  readonly pacing: Pacing;
  readonly path: string;
  /** The USB serial number of the port, when the system reports one: finds it again under a new path after a replug. */
  usbSerialNumber: string | null = null;
  private readonly port: SerialPort;

  private constructor(path: string, port: SerialPort, pacing: Pacing) {
    super();
    this.path = path;
    this.label = path;
    this.port = port;
    this.pacing = pacing;
    port.on('data', (d: Buffer) => this.emitData(d));
    port.on('close', (err?: Error & { disconnected?: boolean }) => this.markClosed(err ?? undefined));
    port.on('error', (err: Error) => {
      // A write or read failure means the port is gone (unplugged).
      this.markClosed(err);
      if (port.isOpen) port.close(() => undefined);
    });
  }

  /** Opens `path` with `settings`; a busy, missing or forbidden port is a DeviceError saying which. */
  static async open(
    path: string,
    settings: Partial<SerialSettings> = {},
    pacing: Partial<Pacing> = {},
  ): Promise<SerialTransport> {
    const s = { ...DEFAULT_SERIAL, ...settings };
    const port = new SerialPort({
      path,
      baudRate: s.baudRate,
      dataBits: s.dataBits,
      parity: s.parity,
      stopBits: s.stopBits,
      rtscts: s.rtscts,
      xon: s.xonxoff,
      xoff: s.xonxoff,
      autoOpen: false,
      lock: true,
      hupcl: false,
    });
    await new Promise<void>((resolve, reject) => {
      port.open((err) => (err ? reject(serialOpenError(path, err)) : resolve()));
    });
    const transport = new SerialTransport(path, port, { ...SERIAL_PACING, ...pacing });
    transport.usbSerialNumber = await usbSerialOf(path);
    return transport;
  }

  write(data: Uint8Array): Promise<void> {
    if (this.closed || !this.port.isOpen) return Promise.reject(new Error(`${this.path} is closed`));
    return new Promise((resolve, reject) => {
      this.port.write(Buffer.from(data), (err) => {
        if (err) {
          reject(err);
          return;
        }
        this.port.drain((e) => (e ? reject(e) : resolve()));
      });
    });
  }

  async close(): Promise<void> {
    if (this.port.isOpen) {
      await new Promise<void>((resolve) => this.port.close(() => resolve()));
    }
    this.markClosed();
  }
}

/**
 * Waits until `path` can be opened again (the cable was plugged back in, or the device finished
 * restarting and its USB console came back), then opens it. Busy is not waited out. The path is looked
 * for every `pollMs` (default 100 ms: a stat is cheap, and a coarser poll adds half its interval, on
 * average, to every restart).
 */
export async function reopenSerial(
  path: string,
  settings: Partial<SerialSettings>,
  pacing: Partial<Pacing>,
  options: { timeoutMs: number; pollMs?: number; signal?: AbortSignal; usbSerialNumber?: string | null },
): Promise<SerialTransport> {
  const until = Date.now() + options.timeoutMs;
  let last: unknown;
  while (Date.now() < until) {
    options.signal?.throwIfAborted();
    let where = path;
    if (!existsSync(path) && options.usbSerialNumber) {
      // Plugged into another USB socket: the same console under a new name (ttyACM0 -> ttyACM1).
      const moved = (await listPorts().catch(() => [])).find(
        (p) => p.serialNumber === options.usbSerialNumber,
      );
      if (moved) where = moved.path;
    }
    if (existsSync(where) || process.platform === 'win32') {
      try {
        return await SerialTransport.open(where, settings, pacing);
      } catch (e) {
        last = e;
        if (e instanceof DeviceError && e.code === 'ERR_DEVICE_PORT_PERMISSION') throw e;
      }
    }
    await sleep(options.pollMs ?? 100);
  }
  if (last instanceof DeviceError) throw last;
  throw new DeviceError(
    'ERR_DEVICE_PORT_MISSING',
    `The serial port ${path} did not come back within ${Math.round(options.timeoutMs / 1000)} s. Check the USB cable, then reconnect.`,
    { path },
  );
}

// --- discovery -----------------------------------------------------------------------------------

/** A serial port found on this computer. */
export type { PortInfo };

/** Cisco Systems' USB vendor id: the micro-USB maintenance port of a RoomOS device. */
const CISCO_VENDOR = '05a6';
/** USB-serial bridges used with the RS-232 console of Codec Pro / Room Kit Pro class devices. */
const ADAPTER_VENDORS: Record<string, string> = {
  '0403': 'FTDI USB-serial adapter',
  '067b': 'Prolific USB-serial adapter',
  '10c4': 'Silicon Labs USB-serial adapter',
  '1a86': 'WCH (CH34x) USB-serial adapter',
};

function hex4(v: string | undefined | null): string | null {
  if (!v) return null;
  const t = v.trim().toLowerCase().replace(/^0x/, '');
  return /^[0-9a-f]{1,4}$/.test(t) ? t.padStart(4, '0') : null;
}

/** Classifies one port from its USB identity. */
export function classifyPort(p: {
  path: string;
  manufacturer?: string | null;
  serialNumber?: string | null;
  vendorId?: string | null;
  productId?: string | null;
}): PortInfo {
  const vendorId = hex4(p.vendorId);
  const productId = hex4(p.productId);
  const manufacturer = p.manufacturer ?? null;
  let likelyConsole = false;
  let note = 'not a USB serial device';
  if (vendorId === CISCO_VENDOR || /cisco/i.test(manufacturer ?? '')) {
    likelyConsole = true;
    note = 'Cisco device console (USB maintenance port)';
  } else if (vendorId && ADAPTER_VENDORS[vendorId]) {
    likelyConsole = true;
    note = `${ADAPTER_VENDORS[vendorId]} (may lead to a device's serial port)`;
  } else if (vendorId) {
    note = 'USB serial device of another maker';
  } else if (/ttyACM|ttyUSB|usbmodem|usbserial/i.test(p.path)) {
    likelyConsole = true;
    note = 'USB serial device (no vendor information)';
  }
  return {
    path: p.path,
    manufacturer,
    serialNumber: p.serialNumber ?? null,
    vendorId,
    productId,
    likelyConsole,
    note,
  };
}

/** Reads a sysfs attribute, or null. */
async function sysfs(dir: string, name: string): Promise<string | null> {
  try {
    return (await readFile(join(dir, name), 'utf8')).trim() || null;
  } catch {
    return null;
  }
}

/**
 * Linux fallback when `SerialPort.list()` fails (it needs `udevadm`, absent in containers and minimal
 * systems): the USB ttys under /sys/class/tty, with vendor, product and serial from sysfs.
 */
export async function listPortsFromSysfs(root = '/sys/class/tty'): Promise<PortInfo[]> {
  let names: string[];
  try {
    names = await readdir(root);
  } catch {
    return [];
  }
  const out: PortInfo[] = [];
  for (const name of names.filter((n) => /^tty(USB|ACM)\d+$/.test(n)).sort()) {
    let usbDir: string | null = null;
    try {
      // /sys/class/tty/ttyACM0/device -> …/1-1:1.0 (interface); its parent holds idVendor.
      let dir = await realpath(join(root, name, 'device'));
      for (let i = 0; i < 4 && dir !== '/'; i++) {
        if (await sysfs(dir, 'idVendor')) {
          usbDir = dir;
          break;
        }
        dir = join(dir, '..');
      }
    } catch {
      usbDir = null;
    }
    out.push(
      classifyPort({
        path: `/dev/${basename(name)}`,
        vendorId: usbDir ? await sysfs(usbDir, 'idVendor') : null,
        productId: usbDir ? await sysfs(usbDir, 'idProduct') : null,
        manufacturer: usbDir ? await sysfs(usbDir, 'manufacturer') : null,
        serialNumber: usbDir ? await sysfs(usbDir, 'serial') : null,
      }),
    );
  }
  return out;
}

/** The USB serial number of `path`, or null (a pseudo-terminal, a built-in port, or no USB information). */
async function usbSerialOf(path: string): Promise<string | null> {
  if (!/ttyACM|ttyUSB|usbmodem|usbserial|^COM/i.test(path)) return null;
  try {
    const real = await realpath(path).catch(() => path);
    const found = (await listPorts()).find((p) => p.path === path || p.path === real);
    return found?.serialNumber ?? null;
  } catch {
    return null;
  }
}

/** Lists serial ports, likely consoles first. Never rejects for a missing `udevadm`. */
export async function listPorts(
  lister: () => Promise<
    Array<{
      path: string;
      manufacturer?: string;
      serialNumber?: string;
      vendorId?: string;
      productId?: string;
    }>
  > = () => SerialPort.list(),
): Promise<PortInfo[]> {
  let ports: PortInfo[];
  try {
    ports = (await lister()).map(classifyPort);
  } catch {
    ports = process.platform === 'linux' ? await listPortsFromSysfs() : [];
  }
  return ports.sort(
    (a, b) => Number(b.likelyConsole) - Number(a.likelyConsole) || a.path.localeCompare(b.path),
  );
}
