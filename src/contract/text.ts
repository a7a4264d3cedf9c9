/**
 * The one clean-up of text that comes in (docs/security.md "input"): every string of every JSON
 * body and query (platform/http/app.ts, before validation), Open311's form fields, and every cell
 * of an imported ledger (`cleanText` in identifiers.ts builds on it). Shared by the server and the
 * web app: no Node APIs here.
 *
 * Removed: the bidirectional controls that reorder what is shown (U+202A–U+202E, U+2066–U+2069,
 * U+200E, U+200F, U+061C), zero-width characters (U+200B–U+200D, U+2060, U+FEFF), the other
 * invisible format characters (U+180E, U+2061–U+2064, U+206A–U+206F, U+FFF9–U+FFFB) and control
 * characters (U+0000–U+001F, U+007F–U+009F) except tab and line feed. Line breaks (CR LF, CR,
 * U+2028, U+2029) become a line feed. Then NFC (a composed 张 and a decomposed é are one text).
 * Visible characters are never changed: full-width forms, emoji, any script stay as typed.
 */

const INVISIBLE =
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what this removes
  /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f\u061c\u180e\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u206f\ufeff\ufff9-\ufffb]/g;
const LINE_BREAK = /\r\n?|[\u2028\u2029]/g;

/** Without invisible and direction-changing characters, line breaks as \n, NFC; not trimmed. */
export function cleanChars(s: string): string {
  return s.replace(LINE_BREAK, '\n').replace(INVISIBLE, '').normalize('NFC');
}

/** `cleanChars`, trimmed: what a text field of a request is stored as. */
export function cleanInput(s: string): string {
  return cleanChars(s).trim();
}

/**
 * Fields whose value is never changed: a password is compared as typed (its hash was made from
 * the bytes the user typed; NFC or trimming it could lock its owner out).
 */
export const VERBATIM_FIELD = /password$/i;
