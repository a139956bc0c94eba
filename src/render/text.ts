import stripAnsiCodes from 'strip-ansi';
import { wrapAnsi } from './text-libs.ts';
import stringWidth from './width.ts';
import { sanitize } from './sanitize.ts';

/** Remove every ANSI escape sequence (colours, OSC 8 links) from a string. */
export function stripAnsi(text: string): string {
  return stripAnsiCodes(text);
}

/** Columns a string takes on screen: escape codes count 0, wide characters 2. */
export function visibleWidth(text: string): number {
  return stringWidth(text);
}

/** Columns taken by the widest line of a multi-line string. */
export function widestLine(text: string): number {
  let widest = 0;
  for (const line of text.split('\n')) widest = Math.max(widest, stringWidth(line));
  return widest;
}

/**
 * Wrap text to `width` columns at spaces, keeping styles and links intact across breaks.
 * Words longer than a line (URLs, paths) stay whole unless `hard` is set, so they remain
 * copyable and clickable.
 */
export function wrapText(text: string, width: number, options: { hard?: boolean } = {}): string {
  return wrapAnsi(text, Math.max(1, width), { hard: options.hard ?? false, trim: true, wordWrap: true });
}

/**
 * Wrap each line of a multi-line text on its own, keeping its leading indentation on every
 * piece (stderr, YAML, lists typed by hand stay readable); a list item's continuation lines
 * line up under its text, not under its bullet.
 */
export function wrapLines(text: string, width: number, options: { hard?: boolean } = {}): string {
  return text
    .split('\n')
    .map((line) => {
      if (stripAnsiCodes(line).trim() === '') return '';
      const indent = /^[ \t]*/.exec(line)?.[0] ?? '';
      const rest = line.slice(indent.length);
      const bullet = /^(?:[•*-]|\d{1,3}[.)]) +(?=\S)/.exec(rest)?.[0] ?? '';
      const room = Math.max(10, width - indent.length - bullet.length);
      const wrapped = indentLines(wrapText(rest.slice(bullet.length), room, options), ' '.repeat(bullet.length));
      return indentLines(bullet + wrapped.slice(bullet.length), indent);
    })
    .join('\n');
}

/**
 * Make text from outside (a command's stderr, a journey file) safe to print: escape
 * sequences other than colours and links are removed, and with `keepStyles` false all are.
 * A link left open is closed at the end, so it never spills over the text that follows.
 */
export function safeText(text: string, keepStyles: boolean): string {
  if (!keepStyles) return sanitize(stripAnsiCodes(text));
  let linkOpen = false;
  const out = text
    .split(/(\u001B\[[\d;]*m|\u001B\]8;[^\u0007\u001B]*(?:\u0007|\u001B\\))/)
    .map((part, i) => {
      if (i % 2 === 0) return sanitize(stripAnsiCodes(part));
      if (!part.startsWith('\u001B]8;')) return part;
      const url = /^\u001B\]8;[^;]*;([^\u0007\u001B]*)/.exec(part)?.[1] ?? '';
      linkOpen = url !== '';
      return linkOpen ? `\u001B]8;;${sanitize(url)}\u0007` : '\u001B]8;;\u0007';
    })
    .join('');
  return linkOpen ? `${out}\u001B]8;;\u0007` : out;
}

const ASCII_FALLBACKS: Record<string, string> = {
  '‘': "'",
  '’': "'",
  '‚': "'",
  '“': '"',
  '”': '"',
  '„': '"',
  '«': '<<',
  '»': '>>',
  '…': '...',
  '—': '--',
  '–': '-',
  '−': '-',
  '→': '->',
  '←': '<-',
  '⇒': '=>',
  '•': '*',
  '·': '-',
  '×': 'x',
  '✓': 'v',
  '✔': 'v',
  '\u00A0': ' ',
  '\u2009': ' ',
  '\u200B': '',
};
const NON_ASCII_PUNCTUATION = new RegExp(`[${Object.keys(ASCII_FALLBACKS).join('')}]`, 'g');

/**
 * Typographic punctuation as ASCII (’ → ', … → ..., → → ->), for terminals that cannot
 * show Unicode. Letters are left alone: there is no good ASCII for them.
 */
export function toAscii(text: string): string {
  return text.replace(NON_ASCII_PUNCTUATION, (ch) => ASCII_FALLBACKS[ch] ?? ch);
}

/** Pad with spaces on the right to `width` visible columns. */
export function padEndVisible(text: string, width: number): string {
  return text + ' '.repeat(Math.max(0, width - stringWidth(text)));
}

/** Prefix every non-empty line. */
export function indentLines(text: string, prefix: string): string {
  return text
    .split('\n')
    .map((line) => (line.length > 0 ? prefix + line : line))
    .join('\n');
}

/** Expand tabs to spaces so widths can be measured; code keeps its alignment. */
export function expandTabs(text: string, tabSize = 4): string {
  if (!text.includes('\t')) return text;
  return text
    .split('\n')
    .map((line) => {
      let out = '';
      for (const ch of line) {
        if (ch === '\t') out += ' '.repeat(tabSize - (out.length % tabSize));
        else out += ch;
      }
      return out;
    })
    .join('\n');
}

/** Wrap `text` in an OSC 8 hyperlink to `url` (the caller decides whether links are on). */
export function hyperlink(text: string, url: string): string {
  const target = sanitize(url).replace(/\s/g, '%20');
  return `\u001B]8;;${target}\u0007${text}\u001B]8;;\u0007`;
}

/** Collapse runs of blank lines (lines with nothing visible) to at most `max`. */
export function collapseBlankLines(text: string, max = 1): string {
  const out: string[] = [];
  let blanks = 0;
  for (const line of text.split('\n')) {
    if (stripAnsi(line).trim() === '') {
      blanks += 1;
      if (blanks <= max) out.push('');
    } else {
      blanks = 0;
      out.push(line.replace(/[ \t]+$/, ''));
    }
  }
  return out.join('\n');
}

/** A moment as people read it, the same everywhere: `2026-12-06 14:05`, in local time. */
export function formatDateTime(value: Date | string): string {
  const date = typeof value === 'string' ? new Date(value) : value;
  if (Number.isNaN(date.getTime())) return String(value);
  const two = (n: number) => String(n).padStart(2, '0');
  return `${date.getFullYear()}-${two(date.getMonth() + 1)}-${two(date.getDate())} ${two(date.getHours())}:${two(date.getMinutes())}`;
}
