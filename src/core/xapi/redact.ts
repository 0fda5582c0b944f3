/**
 * What never appears in a transcript, a log or an error message: passwords, the plain first
 * ClientSecret, activation codes, private keys. JWE blobs are not secret but long: shortened.
 */

export const REDACTED = '«redacted»';

const JWE = /eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]*\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+/g;

/** `eyJhbGciOiJk…(197 chars)`: a blob's first 12 characters and its length. */
export function shortenBlobs(text: string): string {
  return text.replace(JWE, (m) => `${m.slice(0, 12)}…(${m.length} chars)`);
}

/** True when `text` is a whole compact JWE (five base64url parts, a JSON header). */
export function looksLikeJwe(text: string): boolean {
  return new RegExp(`^${JWE.source}$`).test(text.trim());
}

const PATTERNS: Array<[RegExp, (m: string, ...g: string[]) => string]> = [
  // A plain (first) ClientSecret; a JWE there is not secret and is shortened instead.
  [
    /(Populate\s+Secret:\s*)("(?:[^"\\]|\\.)*"|\S+)/gi,
    (m, pre: string, v: string) => (looksLikeJwe(v.replace(/^"|"$/g, '')) ? m : `${pre}${REDACTED}`),
  ],
  [
    /((?:ActivationCode|PrivateKeyPassword|Passphrase|Password):\s*)("(?:[^"\\]|\\.)*"|\S+)/gi,
    (_m, pre: string) => `${pre}${REDACTED}`,
  ],
  [
    /-----BEGIN ([A-Z0-9 ]*)PRIVATE KEY-----[\s\S]*?(-----END \1PRIVATE KEY-----|$)/g,
    (_m, kind: string) => `-----BEGIN ${kind}PRIVATE KEY----- ${REDACTED} -----END ${kind}PRIVATE KEY-----`,
  ],
];

/** Redacts known secrets and secret-bearing patterns, then shortens blobs. */
export class Redactor {
  private secrets: string[] = [];

  /** Adds a value to hide wherever it appears (ignored when empty). */
  add(secret: string): void {
    if (secret === '' || this.secrets.includes(secret)) return;
    this.secrets.push(secret);
    this.secrets.sort((a, b) => b.length - a.length);
  }

  redact(text: string): string {
    let out = text;
    for (const s of this.secrets) out = out.split(s).join(REDACTED);
    for (const [re, fn] of PATTERNS) out = out.replace(re, fn as (m: string, ...g: string[]) => string);
    return shortenBlobs(out);
  }
}
