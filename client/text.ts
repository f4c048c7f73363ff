/** Small text helpers for messages and paths, safe on hostile input (bounded output, linear time). */

/** A value for an error message: quoted and cut, so a 1 MB input never becomes a 1 MB message. */
export function quote(value: unknown, max = 60): string {
  const text = typeof value === "string" ? value : (JSON.stringify(value) ?? String(value));
  const cut = text.length > max ? `${text.slice(0, max)}...` : text;
  return typeof value === "string" ? `"${cut}"` : cut;
}

/** Drops trailing slashes without a regex (`/\/+$/` is quadratic on long runs of slashes). */
export function trimTrailingSlashes(text: string): string {
  let end = text.length;
  while (end > 0 && text[end - 1] === "/") end--;
  return text.slice(0, end);
}

/**
 * What can drive a terminal or change how it shows a line: C0 controls (ESC starts CSI and OSC sequences; CR
 * rewrites the line; BEL), DEL, C1 controls (U+009B is a one-character CSI), the bidirectional marks, embeddings,
 * overrides and isolates (which reorder what is shown, "Trojan Source"), and the Unicode line separators.
 */
const CONTROLS_BUT_LINE_FEED =
  "\\u0000-\\u0009\\u000b-\\u001f\\u007f-\\u009f\\u061c\\u200e\\u200f\\u2028\\u2029\\u202a-\\u202e\\u2066-\\u2069";
const UNPRINTABLE = new RegExp(`[\\u000a${CONTROLS_BUT_LINE_FEED}]`, "g");
const UNPRINTABLE_BUT_LINE_FEEDS = new RegExp(`[${CONTROLS_BUT_LINE_FEED}]`, "g");

/** `\u001b`: visible, and in JSON (or a double-quoted YAML string) the same character. */
function escaped(character: string): string {
  return `\\u${(character.codePointAt(0) ?? 0).toString(16).padStart(4, "0")}`;
}

/**
 * Text from outside (a server's fields and messages, a library's error) as it may be shown to a user: every
 * character that could drive the terminal is shown as its escape instead, so what a server sends can neither
 * move the cursor, retitle the window, hide a line nor reorder one. One line stays one line. Linear time.
 */
export function printable(text: string): string {
  return text.replace(UNPRINTABLE, escaped);
}

/** {@link printable} for text laid out in lines by us (JSON, YAML): line feeds kept, everything else escaped. */
export function printableLines(text: string): string {
  return text.replace(UNPRINTABLE_BUT_LINE_FEEDS, escaped);
}
