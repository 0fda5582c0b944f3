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

/**
 * Parameter keys a device error's XPath may echo with the mistyped value after them, compared lower-case:
 * a plain ClientSecret, an activation code, key and user passwords and passphrases.
 */
const SECRET_KEY = /^(?:secret|clientsecret|activationcode|privatekeypassword|\w*passphrase|\w*password)$/;

/** Words that make a parameter or header name secret wherever they appear in it. */
const SECRET_WORD =
  /secret|password|passphrase|token|community|authorization|activationcode|cookie|credential/;

/**
 * Whether a parameter or HTTP header name names a secret, by class rather than by a list of names (the
 * device's keys are case-insensitive; `-` and `_` are ignored): any name holding secret, password,
 * passphrase, token, community (SNMP `CommunityName`), authorization (an `Authorization` header),
 * activation code, cookie or credential, and any name ending in key (`Key`, `PrivateKey`, `ApiKey`,
 * `SharedKey`) but a public or host key.
 */
export function namesSecret(name: string): boolean {
  const n = name.toLowerCase().replace(/[-_]/g, '');
  if (SECRET_WORD.test(n)) return true;
  return n.endsWith('key') && !/(?:public|host)key$/.test(n);
}

interface Tok {
  start: number;
  end: number;
  text: string;
  quoted: boolean;
}

/**
 * Splits one console line into tokens the way the device's command parser does (spec §2.1, §3.2):
 * blanks separate; a `"…"` string (with `\` escapes) is one token, an unterminated one runs to the end;
 * a colon ends a bare key (`Key:value`, `Key: value`, `Key :value`, `Key : value`), and `|` starts the
 * request tag.
 */
function tokens(line: string): Tok[] {
  const out: Tok[] = [];
  let i = 0;
  while (i < line.length) {
    const c = line[i]!;
    if (c === ' ' || c === '\t' || c === '\r') {
      i++;
      continue;
    }
    const start = i;
    if (c === '"') {
      i++;
      while (i < line.length && line[i] !== '"') i += line[i] === '\\' ? 2 : 1;
      i = Math.min(line.length, i + 1);
      out.push({ start, end: i, text: line.slice(start, i), quoted: true });
      continue;
    }
    if (c === ':' || c === '|') {
      i++;
      out.push({ start, end: i, text: c, quoted: false });
      continue;
    }
    // A bare value after `Key:` runs to the next blank (it may hold colons: URLs, fingerprints).
    const prev = out[out.length - 1];
    const isValue = prev?.text === ':' && out.length >= 2 && !out[out.length - 2]!.quoted;
    while (i < line.length && !' \t\r'.includes(line[i]!) && (isValue || !':|"'.includes(line[i]!))) i++;
    out.push({ start, end: i, text: line.slice(start, i), quoted: false });
  }
  return out;
}

/**
 * The spans of a command line that hold secret values: for each key naming a secret (`namesSecret`)
 * followed by `:`, its value (a quoted string, or bare words up to the next `Key:` or `|`, so that a
 * malformed value with spaces is hidden whole); for a `Header:` whose header name names a secret, what
 * follows the header's colon. A plain JWE is not secret (a rotation's populate blob): it is left to be shortened.
 */
function secretSpans(line: string): [number, number][] {
  const t = tokens(line);
  const spans: [number, number][] = [];
  for (let k = 0; k + 2 < t.length; k++) {
    if (t[k]!.quoted || t[k + 1]!.text !== ':') continue;
    const first = k + 2;
    if (t[k]!.text.toLowerCase() === 'header' && t[first]!.quoted) {
      // `Header: "Authorization: Bearer …"`: an HTTP header whose name names a secret hides its value.
      const header = /^"\s*([^:"\s]+)\s*:\s*/.exec(t[first]!.text);
      if (header && namesSecret(header[1]!)) {
        const end =
          t[first]!.text.endsWith('"') && t[first]!.text.length > 1 ? t[first]!.end - 1 : t[first]!.end;
        spans.push([t[first]!.start + header[0].length, end]);
      }
      k = first;
      continue;
    }
    if (!namesSecret(t[k]!.text)) continue;
    let last = first;
    if (!t[first]!.quoted) {
      // Bare: up to the next `Key :` pair or the request tag.
      const isKeyAt = (j: number): boolean => j + 1 < t.length && !t[j]!.quoted && t[j + 1]!.text === ':';
      while (last + 1 < t.length && t[last + 1]!.text !== '|' && !isKeyAt(last + 1)) last++;
    }
    const start = t[first]!.start;
    const end = t[last]!.end;
    if (!looksLikeJwe(line.slice(start, end).replace(/^"|"$/g, ''))) spans.push([start, end]);
    k = last;
  }
  // A device that did not take `Secret : value` as a parameter reads it as path words and echoes them
  // in its error's XPath ("/Security/ClientSecret/Populate/Secret/:/VALUE"): hide what follows the key.
  for (const tok of t) {
    if (!tok.quoted || !tok.text.startsWith('"/')) continue;
    const parts = tok.text.slice(1, -1).split('/');
    let at = -1;
    for (let i = parts.length - 2; i > 0 && at < 0; i--) if (SECRET_KEY.test(parts[i]!.toLowerCase())) at = i;
    if (at < 0 || at === parts.length - 1) continue;
    const head = parts.slice(0, at + 1).join('/');
    spans.push([tok.start + 1 + head.length + 1, tok.end - 1]);
  }
  spans.sort((a, b) => a[0] - b[0]);
  return spans;
}

/** Replaces the secret values of every line with REDACTED, by the device's grammar (not a pattern). */
export function redactParameters(text: string): string {
  return text
    .split('\n')
    .map((line) => {
      const spans = secretSpans(line);
      let out = line;
      for (const [a, b] of spans.reverse()) out = out.slice(0, a) + REDACTED + out.slice(b);
      return out;
    })
    .join('\n');
}

const PRIVATE_KEY = /-----BEGIN ([A-Z0-9 ]*)PRIVATE KEY-----[\s\S]*?(-----END \1PRIVATE KEY-----|$)/g;

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
    out = redactParameters(out);
    out = out.replace(
      PRIVATE_KEY,
      (_m, kind: string) => `-----BEGIN ${kind}PRIVATE KEY----- ${REDACTED} -----END ${kind}PRIVATE KEY-----`,
    );
    return shortenBlobs(out);
  }
}
