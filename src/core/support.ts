/**
 * Which devices can carry an external identity into E2EE meetings (shared/spec/jwe-blobs.md, "Devices
 * and software"): cloud-registered Board, Desk Pro, Desk, Room Kit, Room Kit Mini on RoomOS 10.6.1 or later;
 * never C, DX, EX or MX series or third-party SIP devices.
 */

export type Capability = 'supported' | 'unsupported' | 'unlisted';

export interface ModelSupport {
  capability: Capability;
  /** The family named in the spec's lists, when one matched. */
  family?: string;
}

const SUPPORTED: readonly [RegExp, string][] = [
  [/\broom\s*kit\s*mini\b/i, 'Room Kit Mini'],
  [/\broom\s*kit\b/i, 'Room Kit'],
  [/\bdesk\s*pro\b/i, 'Desk Pro'],
  [/\bdesk\b/i, 'Desk'],
  [/\bboard\b/i, 'Board'],
];

const UNSUPPORTED: readonly [RegExp, string][] = [
  [/\bMX\s*\d/i, 'MX series'],
  [/\bDX\s*\d/i, 'DX series'],
  [/\bEX\s*\d/i, 'EX series'],
  [/\b(codec\s+)?C\s*\d0\b/i, 'C series'],
  [/\bSX\s*\d/i, 'SX series'],
];

/** Judges a ProductId (e.g. `Cisco Room Kit`). A RoomOS product not in either list is `unlisted`. */
export function modelSupport(productId: string): ModelSupport {
  for (const [re, family] of UNSUPPORTED)
    if (re.test(productId)) return { capability: 'unsupported', family };
  for (const [re, family] of SUPPORTED) if (re.test(productId)) return { capability: 'supported', family };
  return { capability: 'unlisted' };
}

/** The first release with external E2EE identities: RoomOS 10.6.1 (August 2021). */
export const MIN_ROOMOS: readonly number[] = [10, 6, 1];

/**
 * The numeric release of a software version as the device reports it: `ce11.19.1.7.3055d561c16` (RoomOS 10
 * and 11 keep the `ce` prefix), `RoomOS 11.19.1.7 3055d561c16`, `11.23.1.8.3963b07b5c5`,
 * `ce9.15.18.5.a6e2b8bf6f4`, `TC7.3.3.c84180a`. At most four parts: the build hash that follows is not
 * part of the release, even when it starts with digits. Undefined when there is none.
 */
export function releaseNumbers(version: string): number[] | undefined {
  const m = /^\s*(?:roomos|ce|tc)?\s*v?(\d{1,4}(?:\.\d{1,6}){1,3})(?![\d])/i.exec(version);
  if (!m?.[1]) return undefined;
  return m[1].split('.').map((n) => Number.parseInt(n, 10));
}

/** -1, 0 or 1 as release `a` is older than, equal to or newer than `b` (missing parts count as 0). */
export function compareRelease(a: readonly number[], b: readonly number[]): number {
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    const d = (a[i] ?? 0) - (b[i] ?? 0);
    if (d !== 0) return d < 0 ? -1 : 1;
  }
  return 0;
}

/** The software family a release number belongs to: TC up to 7, CE 8 and 9, RoomOS from 10 on. */
export type SoftwareFamily = 'TC' | 'CE' | 'RoomOS';

export interface SoftwareJudgement {
  /** True or false once the release is read; undefined when no release number could be read. */
  supported: boolean | undefined;
  release?: number[];
  family?: SoftwareFamily;
  /** The release as dotted text, e.g. `11.19.1.7`. */
  releaseText?: string;
}

/**
 * Whether the software can carry an external identity, judged by the release number alone: the `ce`
 * prefix is kept on RoomOS 10 and 11 (`ce11.19.1.7.3055d561c16`), so a prefix says nothing. The
 * first of `candidates` with a readable release decides (Version, then DisplayName).
 */
export function softwareSupported(...candidates: string[]): SoftwareJudgement {
  for (const text of candidates) {
    const release = releaseNumbers(text);
    if (!release) continue;
    const major = release[0] ?? 0;
    const family: SoftwareFamily = major >= 10 ? 'RoomOS' : major >= 8 ? 'CE' : 'TC';
    return {
      supported: compareRelease(release, MIN_ROOMOS) >= 0,
      release,
      family,
      releaseText: release.join('.'),
    };
  }
  return { supported: undefined };
}
