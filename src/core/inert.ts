/**
 * Makes text from a device or a file safe to print on a terminal. A certificate's CN, a device's name or
 * an error's reason can hold `ESC ] 0 ; … BEL` (retitles the window), colours, cursor moves, a CR that
 * overwrites the line, a newline that fakes a line of output, C1 controls (U+009B is a one-byte CSI on
 * some terminals) or bidirectional overrides that reorder what is shown. Each is shown escaped instead:
 * `\x1b`, `\x0a`, `\u009b`, `\u202e`. The app shows such strings as text (React escapes them).
 */

// eslint-disable-next-line no-control-regex
const UNSAFE_ALL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;
const UNSAFE_KEEP_LINES =
  // eslint-disable-next-line no-control-regex
  /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u2028\u2029\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;

function escape(ch: string): string {
  const c = ch.charCodeAt(0);
  // C0 as `\x1b`; DEL, C1 and the rest as `\u009b`, which is also a JSON escape: a guarded JSON
  // document stays JSON (JSON.stringify escapes C0 itself but leaves DEL and C1 raw).
  return c < 0x20 ? `\\x${c.toString(16).padStart(2, '0')}` : `\\u${c.toString(16).padStart(4, '0')}`;
}

/** One value on one line: every control character (line breaks and tabs included) shown escaped. */
export function inert(value: string): string {
  return value.replace(UNSAFE_ALL, escape);
}

/**
 * Text already laid out in lines by this tool: line feeds and tabs kept, every other control character
 * shown escaped. The last guard on what the CLI writes (see `guardStream`).
 */
export function inertText(text: string): string {
  return text.replace(UNSAFE_KEEP_LINES, escape);
}

/** A template tag: every interpolated value made `inert` (`` safe`Subject: ${cn}` ``); the literal text is ours. */
export function safe(strings: TemplateStringsArray, ...values: unknown[]): string {
  return strings.reduce((out, s, i) => out + s + (i < values.length ? inert(String(values[i])) : ''), '');
}
