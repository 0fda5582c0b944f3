/** One PEM block as found in a file: its label, its headers (`Proc-Type` ...) and the block text. */
export interface PemBlock {
  label: string;
  text: string;
  headers: Record<string, string>;
}

// The label repeats at the END line; text between blocks (openssl's "Bag Attributes", comments) is ignored.
// What /-----BEGIN ([A-Z0-9 ]+)-----([\s\S]*?)-----END \1-----/g matched, without its quadratic time on
// many BEGIN lines that no END line closes (each one scanned to the end of the file).
const PEM_BEGIN = /-----BEGIN ([A-Z0-9 ]+)-----/g;

/** Every PEM block in `text`, in file order, each normalized to LF line endings and a final newline. */
export function pemBlocks(text: string): PemBlock[] {
  const out: PemBlock[] = [];
  const normalized = text.replace(/\r\n?/g, '\n');
  const unclosed = new Set<string>(); // labels with no END line after some BEGIN: none after a later one
  const begin = new RegExp(PEM_BEGIN.source, 'g');
  for (let m = begin.exec(normalized); m; m = begin.exec(normalized)) {
    const label = m[1]!;
    const endLine = `-----END ${label}-----`;
    const from = m.index + m[0].length;
    const end = unclosed.has(label) ? -1 : normalized.indexOf(endLine, from);
    if (end < 0) {
      unclosed.add(label);
      begin.lastIndex = m.index + 1;
      continue;
    }
    begin.lastIndex = end + endLine.length;
    const body = normalized.slice(from, end);
    const headers: Record<string, string> = {};
    const headerLines: string[] = [];
    const base64Lines: string[] = [];
    for (const raw of body.split('\n')) {
      const line = raw.trim();
      if (line === '') continue;
      // RFC 1421 headers (legacy OpenSSL key encryption) come before the base64, which never holds ':'.
      const h = /^([A-Za-z-]+):\s*(.*)$/.exec(line);
      if (h) {
        headers[h[1]!] = h[2]!;
        headerLines.push(line);
      } else base64Lines.push(line);
    }
    const inner = headerLines.length ? [...headerLines, '', ...base64Lines] : base64Lines;
    out.push({
      label,
      headers,
      text: [`-----BEGIN ${label}-----`, ...inner, `-----END ${label}-----`].join('\n') + '\n',
    });
  }
  return out;
}

/** Whether the bytes look like PEM text (a BEGIN line anywhere). */
export function looksLikePem(bytes: Uint8Array): boolean {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).includes('-----BEGIN ');
}

/** DER bytes to a PEM block with 64-character lines. */
export function derToPem(der: Uint8Array, label: string): string {
  const b64 = Buffer.from(der).toString('base64');
  const lines = b64.match(/.{1,64}/g) ?? [];
  return [`-----BEGIN ${label}-----`, ...lines, `-----END ${label}-----`].join('\n') + '\n';
}
