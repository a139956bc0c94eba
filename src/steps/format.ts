// Pure text helpers for step output: elapsed time, line splitting, escape-sequence cleanup,
// terminal width. No I/O here, so everything is string-in/string-out testable.

import { sanitize } from '../render/sanitize.ts';

/** Formats a duration for people: `0.4s`, `12.3s`, `1m 05s`, `1h 02m`. */
export function formatElapsed(ms: number): string {
  const safe = Number.isFinite(ms) && ms > 0 ? ms : 0;
  if (safe < 59_950) return `${(Math.round(safe / 100) / 10).toFixed(1)}s`;
  // 59.96 s would round up to "60.0s"; from there on, minutes.
  const totalSeconds = Math.max(60, Math.floor(safe / 1000));
  if (totalSeconds < 3600) {
    return `${Math.floor(totalSeconds / 60)}m ${String(totalSeconds % 60).padStart(2, '0')}s`;
  }
  const totalMinutes = Math.floor(totalSeconds / 60);
  return `${Math.floor(totalMinutes / 60)}h ${String(totalMinutes % 60).padStart(2, '0')}m`;
}

/**
 * Resolves carriage returns the way a terminal shows them: a progress bar that redraws itself
 * with `\r` ends up as its last state. A trailing `\r` (as in `\r\n` line endings, or a redraw
 * whose next frame has not arrived yet) does not erase anything.
 */
export function collapseCarriageReturns(line: string): string {
  const trimmed = line.replace(/\r+$/, '');
  const last = trimmed.lastIndexOf('\r');
  return last === -1 ? trimmed : trimmed.slice(last + 1);
}

// CSI (ESC [ ... final), OSC (ESC ] ... BEL or ESC \), and other two-byte ESC sequences.
const ESCAPE_SEQUENCE = /\u001b\[[0-?]*[ -/]*[@-~]|\u001b\][^\u0007\u001b]*(?:\u0007|\u001b\\)?|\u001b[@-Z\\-_]/g;
const SGR_SEQUENCE = /^\u001b\[[0-9;:]*m$/;

/**
 * Makes one line of program output safe to print inside our layout: removes cursor movement,
 * screen clearing and stray control characters, which would break the gutter or the status
 * line. With `keepColor`, SGR colour sequences stay (and the line ends with a reset, so a colour
 * never bleeds into our own text); without, every escape sequence goes.
 */
export function sanitizeLine(line: string, keepColor: boolean): string {
  let out = '';
  let sawColor = false;
  let from = 0;
  for (const match of line.matchAll(ESCAPE_SEQUENCE)) {
    out += sanitize(line.slice(from, match.index));
    if (keepColor && SGR_SEQUENCE.test(match[0])) {
      out += match[0];
      sawColor = true;
    }
    from = match.index + match[0].length;
  }
  out += sanitize(line.slice(from));
  return sawColor ? `${out}\u001b[0m` : out;
}

/** Removes every escape sequence and control character (except tab): plain text. */
export function stripTerminalCodes(text: string): string {
  return sanitize(text.replace(ESCAPE_SEQUENCE, ''));
}

/** How many terminal columns a code point takes: 0 for combining marks, 2 for wide East Asian and emoji. */
function codePointWidth(codePoint: number): number {
  if (codePoint < 0x20 || (codePoint >= 0x7f && codePoint < 0xa0)) return 0;
  if ((codePoint >= 0x300 && codePoint <= 0x36f) || (codePoint >= 0x200b && codePoint <= 0x200f) || (codePoint >= 0xfe00 && codePoint <= 0xfe0f)) return 0;
  if (
    (codePoint >= 0x1100 && codePoint <= 0x115f) ||
    (codePoint >= 0x2e80 && codePoint <= 0xa4cf && codePoint !== 0x303f) ||
    (codePoint >= 0xac00 && codePoint <= 0xd7a3) ||
    (codePoint >= 0xf900 && codePoint <= 0xfaff) ||
    (codePoint >= 0xfe30 && codePoint <= 0xfe4f) ||
    (codePoint >= 0xff00 && codePoint <= 0xff60) ||
    (codePoint >= 0xffe0 && codePoint <= 0xffe6) ||
    (codePoint >= 0x1f300 && codePoint <= 0x1faff) ||
    (codePoint >= 0x20000 && codePoint <= 0x3fffd)
  ) {
    return 2;
  }
  return 1;
}

/** The number of terminal columns plain text (no escape sequences) takes. */
export function displayWidth(text: string): number {
  let width = 0;
  for (const char of text) width += codePointWidth(char.codePointAt(0) ?? 0);
  return width;
}

/** Cuts plain text to at most `columns` terminal columns, ending with `ellipsis` when cut. */
export function truncateToWidth(text: string, columns: number, ellipsis = '…'): string {
  if (displayWidth(text) <= columns) return text;
  const room = Math.max(0, columns - displayWidth(ellipsis));
  let width = 0;
  let out = '';
  for (const char of text) {
    const w = codePointWidth(char.codePointAt(0) ?? 0);
    if (width + w > room) break;
    out += char;
    width += w;
  }
  return columns >= displayWidth(ellipsis) ? out + ellipsis : out;
}

/** Splits a stream of text chunks into lines; see `createLineSplitter`. */
export interface LineSplitter {
  /** Adds a chunk; returns the lines it completed (without `\n`, carriage returns resolved). */
  push(chunk: string): string[];
  /** The line in progress (no `\n` yet), carriage returns resolved, e.g. a progress bar's current frame. */
  pending(): string;
  /** Ends the stream: returns the line in progress as a last line, if there is one. */
  flush(): string[];
}

// A line that never ends (a progress bar redrawn with `\r` for minutes, or `yes | tr -d '\n'`)
// must not grow without bound: past this size it is collapsed, and if still too long, cut.
const MAX_PENDING = 16_384;

/** Creates a splitter that turns arbitrary chunks (split anywhere, even inside `\r\n`) into lines. */
export function createLineSplitter(): LineSplitter {
  let pending = '';
  return {
    push(chunk) {
      pending += chunk;
      const lines: string[] = [];
      let newline = pending.indexOf('\n');
      while (newline !== -1) {
        lines.push(collapseCarriageReturns(pending.slice(0, newline)));
        pending = pending.slice(newline + 1);
        newline = pending.indexOf('\n');
      }
      if (pending.length > MAX_PENDING) {
        // Keep a trailing `\r` so that the next frame still replaces this one.
        pending = collapseCarriageReturns(pending) + (pending.endsWith('\r') ? '\r' : '');
        if (pending.length > MAX_PENDING) {
          lines.push(pending.replace(/\r+$/, ''));
          pending = '';
        }
      }
      return lines;
    },
    pending() {
      return collapseCarriageReturns(pending);
    },
    flush() {
      const last = collapseCarriageReturns(pending);
      const hadText = pending.length > 0;
      pending = '';
      return hadText && last.length > 0 ? [last] : [];
    },
  };
}

/** Keeps the last `count` lines of a text stream in memory (for "the end of stderr"). */
export function createTailBuffer(count: number, maxLineLength = 2000): { push(chunk: string): void; text(): string } {
  const splitter = createLineSplitter();
  const lines: string[] = [];
  const keep = (line: string) => {
    const plain = stripTerminalCodes(line);
    lines.push(plain.length > maxLineLength ? `${plain.slice(0, maxLineLength)}…` : plain);
    if (lines.length > count) lines.splice(0, lines.length - count);
  };
  return {
    push(chunk) {
      for (const line of splitter.push(chunk)) keep(line);
    },
    text() {
      const last = splitter.pending();
      const all = last.length > 0 ? [...lines, stripTerminalCodes(last)].slice(-count) : lines;
      return all.length > 0 ? `${all.join('\n')}\n` : '';
    },
  };
}
