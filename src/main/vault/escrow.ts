import {
  createCipheriv,
  createDecipheriv,
  createHash,
  createHmac,
  randomBytes,
  scrypt,
  timingSafeEqual,
} from 'node:crypto';
import { basename } from 'node:path';
import { estimateStrength, WEAK_BELOW_BITS } from '../../core/secret/index.js';
import { writeFileAtomic } from './atomic-file.js';
import { INPUT_LIMITS, InputError, readFileBounded } from '../input/bounded.js';
import { EscrowError } from './errors.js';
import type { Journal } from './journal.js';
import { checkSerial, type SecretStore } from './secret-store.js';

/** The format name and version in every escrow file's header (docs/escrow-format.md). */
export const ESCROW_FORMAT = 'e2ee-prov-escrow';
export const ESCROW_VERSION = 1;
/** scrypt cost: N = 2^17, r = 8, p = 1 (128 MiB, about half a second). Files may say 14 to 18. */
export const DEFAULT_LOG2N = 17;
const MIN_LOG2N = 14;
const MAX_LOG2N = 18;
const SCRYPT_R = 8;
const SCRYPT_P = 1;
const SALT_BYTES = 16;
const IV_BYTES = 12;
const TAG_BYTES = 16;
const CHECK_BYTES = 16;
const CHECK_LABEL = 'e2ee-prov-escrow/1 passphrase check';

/** One device's secrets in an escrow file. */
export interface EscrowEntry {
  serial: string;
  secret: string;
  /** A new secret whose change was not yet settled when exported: the device holds one of the two. */
  pending?: string;
}

interface EscrowHeader {
  format: typeof ESCROW_FORMAT;
  version: number;
  kdf: { alg: 'scrypt'; log2N: number; r: number; p: number; salt: string };
  cipher: { alg: 'A256GCM'; iv: string };
  check: string;
  created: string;
}

const b64u = (b: Uint8Array) => Buffer.from(b).toString('base64url');

function deriveKeys(
  passphrase: string,
  salt: Uint8Array,
  log2N: number,
): Promise<{ enc: Buffer; check: Buffer }> {
  const N = 2 ** log2N;
  return new Promise((resolve, reject) => {
    scrypt(
      Buffer.from(passphrase.normalize('NFC'), 'utf8'),
      salt,
      64,
      { N, r: SCRYPT_R, p: SCRYPT_P, maxmem: 128 * N * SCRYPT_R + 32 * 1024 * 1024 },
      (err, key) => {
        if (err)
          reject(
            new EscrowError(
              'ERR_ESCROW_IO',
              `The key could not be derived: ${err.message}.`,
              {},
              { cause: err },
            ),
          );
        else resolve({ enc: key.subarray(0, 32), check: key.subarray(32, 64) });
      },
    );
  });
}

function checkValue(checkKey: Buffer): Buffer {
  return createHmac('sha256', checkKey).update(CHECK_LABEL).digest().subarray(0, CHECK_BYTES);
}

function checkEntries(entries: readonly EscrowEntry[]): void {
  for (const e of entries) {
    checkSerial(e.serial);
    if (typeof e.secret !== 'string' || e.secret.length === 0)
      throw new TypeError('an escrow entry has a secret');
  }
}

/**
 * Encrypts device secrets under a passphrase into the escrow file's text: a header line (JSON, the
 * AES-GCM AAD), the ciphertext and tag (base64url), and a SHA-256 line over both. See
 * docs/escrow-format.md.
 */
export async function sealEscrow(
  entries: readonly EscrowEntry[],
  passphrase: string,
  options: { log2N?: number; now?: Date } = {},
): Promise<string> {
  checkEntries(entries);
  const log2N = options.log2N ?? DEFAULT_LOG2N;
  if (!Number.isInteger(log2N) || log2N < MIN_LOG2N || log2N > MAX_LOG2N) {
    throw new TypeError(`log2N must be an integer from ${MIN_LOG2N} to ${MAX_LOG2N}`);
  }
  const salt = randomBytes(SALT_BYTES);
  const iv = randomBytes(IV_BYTES);
  const keys = await deriveKeys(passphrase, salt, log2N);
  const header: EscrowHeader = {
    format: ESCROW_FORMAT,
    version: ESCROW_VERSION,
    kdf: { alg: 'scrypt', log2N, r: SCRYPT_R, p: SCRYPT_P, salt: b64u(salt) },
    cipher: { alg: 'A256GCM', iv: b64u(iv) },
    check: b64u(checkValue(keys.check)),
    created: (options.now ?? new Date()).toISOString(),
  };
  const headerLine = JSON.stringify(header);
  const plaintext = Buffer.from(
    JSON.stringify({
      devices: entries.map((e) => ({
        serial: e.serial,
        secret: e.secret,
        ...(e.pending ? { pending: e.pending } : {}),
      })),
    }),
    'utf8',
  );
  const cipher = createCipheriv('aes-256-gcm', keys.enc, iv);
  cipher.setAAD(Buffer.from(headerLine, 'utf8'));
  const body = Buffer.concat([cipher.update(plaintext), cipher.final(), cipher.getAuthTag()]);
  plaintext.fill(0);
  keys.enc.fill(0);
  const signed = `${headerLine}\n${b64u(body)}\n`;
  return `${signed}sha256:${createHash('sha256').update(signed, 'utf8').digest('hex')}\n`;
}

function corrupt(what: string, details: Record<string, unknown> = {}): EscrowError {
  return new EscrowError(
    'ERR_ESCROW_CORRUPT',
    `The escrow file is damaged: ${what}. Use another copy of it; nothing was imported.`,
    details,
  );
}

function parseHeader(line: string): EscrowHeader {
  let h: unknown;
  try {
    h = JSON.parse(line);
  } catch {
    throw corrupt('its header line is not JSON');
  }
  const o = h as Partial<EscrowHeader> | null;
  if (o === null || typeof o !== 'object' || o.format !== ESCROW_FORMAT) {
    throw new EscrowError(
      'ERR_ESCROW_FORMAT',
      `This is not an e2ee-prov escrow file (its header does not name ${ESCROW_FORMAT}).`,
    );
  }
  if (o.version !== ESCROW_VERSION) {
    throw new EscrowError(
      'ERR_ESCROW_VERSION',
      `This escrow file is version ${JSON.stringify(o.version)}; this tool reads version ${ESCROW_VERSION}. Use the tool version that wrote it.`,
      { version: o.version },
    );
  }
  const k = o.kdf;
  if (
    !k ||
    k.alg !== 'scrypt' ||
    !Number.isInteger(k.log2N) ||
    k.log2N < MIN_LOG2N ||
    k.log2N > MAX_LOG2N ||
    k.r !== SCRYPT_R ||
    k.p !== SCRYPT_P ||
    typeof k.salt !== 'string' ||
    !o.cipher ||
    o.cipher.alg !== 'A256GCM' ||
    typeof o.cipher.iv !== 'string' ||
    typeof o.check !== 'string'
  ) {
    throw corrupt('its header has parameters this format does not allow');
  }
  return o as EscrowHeader;
}

function unb64u(text: string, what: string, bytes?: number): Buffer {
  const b = Buffer.from(text, 'base64url');
  if (
    !/^[A-Za-z0-9_-]*$/.test(text) ||
    b.toString('base64url') !== text ||
    (bytes !== undefined && b.length !== bytes)
  ) {
    throw corrupt(`its ${what} is not valid`);
  }
  return b;
}

/**
 * Decrypts an escrow file's text. ERR_ESCROW_PASSPHRASE: the passphrase is wrong. ERR_ESCROW_CORRUPT:
 * the file was altered or damaged (checked before the passphrase is tried, and by the GCM tag).
 */
export async function openEscrow(
  text: string,
  passphrase: string,
): Promise<{ entries: EscrowEntry[]; created: string }> {
  const lines = text.replace(/\r\n/g, '\n').split('\n');
  if (lines[0] !== undefined && lines[0].startsWith('{') && !lines[0].includes(ESCROW_FORMAT)) {
    throw new EscrowError('ERR_ESCROW_FORMAT', `This is not an e2ee-prov escrow file.`);
  }
  if (lines.length < 3 || !lines[0]!.startsWith('{')) {
    throw lines[0]?.includes(ESCROW_FORMAT)
      ? corrupt('it is cut short')
      : new EscrowError('ERR_ESCROW_FORMAT', 'This is not an e2ee-prov escrow file.');
  }
  const [headerLine, bodyLine, sumLine] = lines as [string, string, string];
  // Exactly three lines (and the final line break): anything after the checksum is not covered by it.
  if (lines.length > 4 || (lines.length === 4 && lines[3] !== '')) {
    throw corrupt('it has lines after its checksum', {
      lines: lines.length - (lines[lines.length - 1] === '' ? 1 : 0),
    });
  }
  const header = parseHeader(headerLine);
  const expected = createHash('sha256').update(`${headerLine}\n${bodyLine}\n`, 'utf8').digest('hex');
  if (sumLine !== `sha256:${expected}`) throw corrupt('its checksum does not match its contents');
  const salt = unb64u(header.kdf.salt, 'salt');
  const iv = unb64u(header.cipher.iv, 'IV', IV_BYTES);
  const check = unb64u(header.check, 'passphrase check', CHECK_BYTES);
  const body = unb64u(bodyLine, 'ciphertext');
  if (body.length < TAG_BYTES || salt.length < SALT_BYTES) throw corrupt('it is too short');
  const keys = await deriveKeys(passphrase, salt, header.kdf.log2N);
  if (!timingSafeEqual(checkValue(keys.check), check)) {
    // The checksum covers the header but anyone can recompute it: a cost parameter edited within the
    // allowed range would make the right passphrase look wrong. Before saying "wrong passphrase", try
    // the other allowed costs: if one opens the file, its header was changed.
    for (let n = MIN_LOG2N; n <= MAX_LOG2N; n++) {
      if (n === header.kdf.log2N) continue;
      const other = await deriveKeys(passphrase, salt, n);
      other.enc.fill(0);
      if (timingSafeEqual(checkValue(other.check), check)) {
        keys.enc.fill(0);
        throw corrupt('its key-derivation parameters were changed after it was written', {
          field: 'kdf.log2N',
        });
      }
    }
    keys.enc.fill(0);
    throw new EscrowError(
      'ERR_ESCROW_PASSPHRASE',
      'The passphrase does not open this escrow file. Nothing was imported.',
    );
  }
  const decipher = createDecipheriv('aes-256-gcm', keys.enc, iv);
  decipher.setAAD(Buffer.from(headerLine, 'utf8'));
  decipher.setAuthTag(body.subarray(body.length - TAG_BYTES));
  let plaintext: Buffer;
  try {
    plaintext = Buffer.concat([decipher.update(body.subarray(0, body.length - TAG_BYTES)), decipher.final()]);
  } catch {
    throw corrupt('its contents do not verify (the GCM tag)');
  } finally {
    keys.enc.fill(0);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(plaintext.toString('utf8'));
  } catch {
    throw corrupt('its contents are not the expected JSON');
  } finally {
    plaintext.fill(0);
  }
  const devices = (parsed as { devices?: unknown })?.devices;
  if (!Array.isArray(devices)) throw corrupt('its contents have no device list');
  const entries: EscrowEntry[] = [];
  for (const d of devices as unknown[]) {
    const e = d as Partial<EscrowEntry> | null;
    if (!e || typeof e.serial !== 'string' || typeof e.secret !== 'string' || e.secret.length === 0) {
      throw corrupt('a device entry is malformed');
    }
    checkSerial(e.serial);
    entries.push({
      serial: e.serial,
      secret: e.secret,
      ...(typeof e.pending === 'string' && e.pending ? { pending: e.pending } : {}),
    });
  }
  return { entries, created: header.created };
}

export interface ExportOptions {
  store: SecretStore;
  file: string;
  passphrase: string;
  /** Devices to export; all the keychain holds when absent or empty. */
  serials?: readonly string[];
  journal?: Journal;
  /** Replace an existing file (default: refuse). */
  overwrite?: boolean;
  log2N?: number;
  /** Accept a passphrase the strength estimate calls weak (tests only). */
  allowWeakPassphrase?: boolean;
}

/** Refuses a passphrase the strength estimate calls weak (ERR_ESCROW_PASSPHRASE_WEAK), as an export does. */
export function checkEscrowPassphrase(passphrase: string): void {
  const s = estimateStrength(passphrase);
  if (s.rating === 'weak') {
    throw new EscrowError(
      'ERR_ESCROW_PASSPHRASE_WEAK',
      `This passphrase is weak (about ${s.bits} bits, ${WEAK_BELOW_BITS} wanted): whoever gets the file could guess it, and with it every secret inside. Use a longer one, e.g. several unrelated words.`,
      { bits: s.bits },
    );
  }
}

/**
 * Writes chosen device secrets to an escrow file: all or nothing (temporary file, fsync, rename),
 * owner-only (0600), never over an existing file unless asked.
 */
export async function exportEscrow(options: ExportOptions): Promise<{ serials: string[] }> {
  const { store } = options;
  if (!options.allowWeakPassphrase) checkEscrowPassphrase(options.passphrase);
  const serials =
    options.serials && options.serials.length > 0
      ? [...new Set(options.serials.map(checkSerial))]
      : (await store.list()).map((s) => s.serial);
  const entries: EscrowEntry[] = [];
  const missing: string[] = [];
  for (const serial of serials) {
    const secret = await store.get(serial);
    const pending = await store.getPending(serial);
    if (secret === null && pending === null) missing.push(serial);
    else if (secret === null) entries.push({ serial, secret: pending! });
    else entries.push({ serial, secret, ...(pending !== null ? { pending } : {}) });
  }
  if (missing.length > 0) {
    throw new EscrowError(
      'ERR_ESCROW_EMPTY',
      `The keychain holds no secret for ${missing.join(', ')}; nothing was written.`,
      { missing },
    );
  }
  if (entries.length === 0) {
    throw new EscrowError('ERR_ESCROW_EMPTY', 'The keychain holds no device secrets; nothing was written.');
  }
  const text = await sealEscrow(
    entries,
    options.passphrase,
    options.log2N !== undefined ? { log2N: options.log2N } : {},
  );
  try {
    await writeFileAtomic(options.file, text, { mode: 0o600, exclusive: !options.overwrite });
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'EEXIST') {
      throw new EscrowError(
        'ERR_ESCROW_EXISTS',
        `${options.file} exists already; choose another name (it may be an earlier escrow with other secrets).`,
        { file: options.file },
      );
    }
    throw new EscrowError(
      'ERR_ESCROW_IO',
      `Cannot write ${options.file}: ${(e as Error).message}.`,
      { file: options.file },
      { cause: e },
    );
  }
  const exported = entries.map((e) => e.serial);
  await options.journal?.append(
    { kind: 'event', event: 'secret.exported', serials: exported, file: basename(options.file) },
    { secrets: entries.flatMap((e) => [e.secret, ...(e.pending ? [e.pending] : [])]) },
  );
  return { serials: exported };
}

export interface ImportResult {
  /** Devices the keychain had no secret for: stored. */
  added: string[];
  /** The keychain held the same secret. */
  unchanged: string[];
  /**
   * The keychain held a different secret: it is kept, and the file's secret is stored as pending, so
   * that the next connection's probe finds out which one the device holds.
   */
  toProbe: string[];
  /** Different, and a change was already pending: nothing stored for these. */
  skipped: string[];
}

/** Reads an escrow file into the keychain, never overwriting a secret it holds (see ImportResult). */
export async function importEscrow(options: {
  store: SecretStore;
  file: string;
  passphrase: string;
  journal?: Journal;
}): Promise<ImportResult> {
  let text: string;
  try {
    text = (await readFileBounded(options.file, INPUT_LIMITS.escrow, 'escrow file')).toString('utf8');
  } catch (e) {
    if (e instanceof InputError) throw e;
    throw new EscrowError(
      'ERR_ESCROW_IO',
      `Cannot read ${options.file}: ${(e as Error).message}.`,
      { file: options.file },
      { cause: e },
    );
  }
  const { entries } = await openEscrow(text, options.passphrase);
  const { store } = options;
  await store.check();
  const result: ImportResult = { added: [], unchanged: [], toProbe: [], skipped: [] };
  for (const e of entries) {
    const current = await store.get(e.serial);
    const pending = await store.getPending(e.serial);
    if (current === null) {
      await store.set(e.serial, e.secret);
      if (e.pending && pending === null) await store.setPending(e.serial, e.pending);
      result.added.push(e.serial);
    } else if ((current === e.secret && (!e.pending || pending !== null)) || current === e.pending) {
      // The same secret; or the change that was pending at export has since settled on the new one.
      result.unchanged.push(e.serial);
    } else if (pending === null) {
      // The file knows a secret the keychain does not hold as current: keep it as the candidate the
      // next connection probes (the file's pending one when its current matches the keychain).
      await store.setPending(e.serial, current === e.secret ? e.pending! : e.secret);
      result.toProbe.push(e.serial);
    } else {
      result.skipped.push(e.serial);
    }
  }
  await options.journal?.append(
    {
      kind: 'event',
      event: 'secret.imported',
      serials: [...result.added, ...result.unchanged, ...result.toProbe],
      file: basename(options.file),
      kept: [...result.toProbe, ...result.skipped],
    },
    { secrets: entries.flatMap((e) => [e.secret, ...(e.pending ? [e.pending] : [])]) },
  );
  return result;
}
