/**
 * CSV as RFC 4180 writes it, read robustly: quoted fields (with commas, doubled quotes and line breaks
 * inside), CRLF, LF or CR line breaks, a UTF-8 byte order mark. A malformed file is a typed error that
 * names the line, never a guess.
 */
import { WorkflowError } from './errors.js';

/** One record and the (1-based) line of the file it starts on. */
export interface CsvRecord {
  line: number;
  fields: string[];
}

/** The longest value a batch file's field may hold: a target or a file path is far shorter. */
export const MAX_CSV_FIELD_CHARS = 1024;

/**
 * A value as an error message may quote it: JSON-escaped (control characters, quotes and line breaks
 * cannot break the line) and at most `max` characters of it, marked when cut.
 */
export function excerpt(value: string, max = 40): string {
  const chars = [...value.slice(0, max * 2)];
  return chars.length > max || value.length > max * 2
    ? `${JSON.stringify(chars.slice(0, max).join(''))}… (${value.length} characters)`
    : JSON.stringify(value);
}

function bad(line: number, message: string, file?: string): WorkflowError {
  return new WorkflowError(
    'ERR_WORKFLOW_BATCH_FILE',
    `${file ? `${file}, ` : ''}line ${line}: ${message}`,
    file ? { line, file } : { line },
  );
}

/**
 * Splits CSV text into records. Unquoted fields are trimmed of surrounding spaces (quote a value to keep
 * them); blank lines are skipped. Refuses a quote inside an unquoted field, text after a closing quote,
 * and a quote left open at the end of the file.
 */
export function parseCsv(input: string | Uint8Array, file?: string): CsvRecord[] {
  let text: string;
  if (typeof input === 'string') text = input;
  else {
    try {
      text = new TextDecoder('utf-8', { fatal: true }).decode(input);
    } catch {
      throw bad(1, 'the file is not UTF-8 text (save it as "CSV UTF-8").', file);
    }
  }
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);

  const records: CsvRecord[] = [];
  let fields: string[] = [];
  let field = '';
  let quoted = false; // the current field was quoted
  let inQuotes = false;
  let line = 1;
  let recordLine = 1;
  let quoteLine = 1;
  let quotedSeen = false; // the record had a quoted field (so `""` alone is not a blank line)

  const endField = (): void => {
    if (field.length > MAX_CSV_FIELD_CHARS) tooLong();
    fields.push(quoted ? field : field.trim());
    field = '';
    quoted = false;
  };
  const endRecord = (): void => {
    endField();
    const blank = fields.length === 1 && fields[0] === '' && !quotedSeen;
    if (!blank) records.push({ line: recordLine, fields });
    fields = [];
    quotedSeen = false;
  };

  const tooLong = (): never => {
    throw bad(
      recordLine,
      `a value of more than ${MAX_CSV_FIELD_CHARS} characters (${excerpt(field)}); a batch file holds targets and file names, not file contents.`,
      file,
    );
  };

  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (field.length > MAX_CSV_FIELD_CHARS) tooLong();
    if (inQuotes) {
      if (c === '"') {
        if (text[i + 1] === '"') {
          field += '"';
          i++;
        } else {
          inQuotes = false;
        }
      } else {
        if (c === '\r' || c === '\n') {
          if (c === '\r' && text[i + 1] === '\n') {
            field += '\r\n';
            i++;
          } else field += c;
          line++;
        } else field += c;
      }
      continue;
    }
    if (c === ',') {
      endField();
      continue;
    }
    if (c === '\r' || c === '\n') {
      if (c === '\r' && text[i + 1] === '\n') i++;
      endRecord();
      line++;
      recordLine = line;
      continue;
    }
    if (c === '"') {
      if (quoted)
        throw bad(
          line,
          'a quoted value is followed by a second quote; write "" for a quote inside it.',
          file,
        );
      if (field.trim() !== '') {
        throw bad(
          line,
          `a quote inside an unquoted value (value ${fields.length + 1}); quote the whole value and double the quote.`,
          file,
        );
      }
      field = '';
      quoted = true;
      quotedSeen = true;
      inQuotes = true;
      quoteLine = line;
      continue;
    }
    if (quoted) {
      if (c === ' ' || c === '\t') continue; // spaces between the closing quote and the comma
      throw bad(line, 'text after a closing quote; a quoted value ends at its comma or line end.', file);
    }
    field += c;
  }
  if (inQuotes) throw bad(quoteLine, 'a quote opened here is never closed.', file);
  if (field !== '' || quoted || fields.length > 0) endRecord();
  return records;
}

/** One CSV field as RFC 4180 writes it: quoted when it holds a comma, quote, CR or LF, or edge spaces. */
export function csvField(value: string): string {
  return /[",\r\n]|^\s|\s$/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

/**
 * A device-sourced cell a spreadsheet would run as a formula (it starts with =, +, -, @, a tab or a CR)
 * is written as text: an apostrophe before it.
 */
export function spreadsheetSafe(value: string): string {
  return /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
}

/** Rows to CSV text: CRLF after every record, as RFC 4180 says. */
export function toCsv(rows: readonly (readonly string[])[]): string {
  return rows.map((r) => r.map(csvField).join(',') + '\r\n').join('');
}
