// The sanitiser for outside text on its way to the terminal, kept free of dependencies: commands
// that only print (--version, --help, map, errors) load it without the width and wrapping libraries.

/**
 * Characters that outside text must never bring to the terminal: C0 controls other than tab and
 * newline (ESC starts every escape sequence), DEL, C1 controls (0x9B is an 8-bit CSI, 0x9D an
 * 8-bit OSC), bidirectional embeddings, overrides, isolates and marks (text that reads
 * differently from what it is), and invisible format characters (zero-width space, word joiner,
 * invisible operators, byte order mark, interlinear annotations, tag characters).
 */
export const UNSAFE_CHARACTERS =
  /[\u0000-\u0008\u000B-\u001F\u007F-\u009F\u061C\u180E\u200B\u200E\u200F\u202A-\u202E\u2060-\u2064\u2066-\u206F\uFEFF\uFFF9-\uFFFB]|\u{E0001}|[\u{E0020}-\u{E007F}]/gu;

/**
 * The one sanitiser for outside text (journey files, progress and mirrors, cluster responses,
 * variable values, error messages carrying any of these) on its way to the terminal: drops every
 * character of UNSAFE_CHARACTERS, so no escape sequence, control or invisible reordering survives.
 */
export function sanitize(text: string): string {
  return text.replace(UNSAFE_CHARACTERS, '');
}

const CONTROL_PICTURES = /[\u0000-\u0008\u000B-\u001F\u007F-\u009F]/g;

/**
 * Like sanitize, but for code the learner is about to run: what would be dropped is shown
 * instead (ESC as ␛, other controls as \xNN), so what is shown is what runs.
 */
export function showControls(text: string): string {
  return text
    .replace(CONTROL_PICTURES, (ch) => (ch === '\u001B' ? '␛' : `\\x${ch.charCodeAt(0).toString(16).padStart(2, '0')}`))
    .replace(UNSAFE_CHARACTERS, (ch) => `<U+${ch.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}>`);
}

/**
 * JSON for output (indented by two): besides what JSON.stringify escapes, the characters of
 * UNSAFE_CHARACTERS are written as \\u escapes, so the data stays exact and a terminal showing it
 * never acts on them.
 */
export function jsonText(value: unknown): string {
  return JSON.stringify(value, null, 2).replace(UNSAFE_CHARACTERS, (ch) =>
    [...Array(ch.length).keys()].map((i) => `\\u${ch.charCodeAt(i).toString(16).padStart(4, '0')}`).join(''),
  );
}
