// Shows a running step's output live: lines under a gutter, and on a terminal one status line at
// the bottom (spinner, label, elapsed time, the current progress-bar frame) that is redrawn in
// place. The pure parts (line splitting, cleanup, elapsed time) live in format.ts.
import { wrapAnsi } from '../render/text-libs.ts';
import { visibleWidth } from '../render/text.ts';
import { summarizeExit, type StepExit } from './exit-codes.ts';
import { createLineSplitter, displayWidth, formatElapsed, sanitizeLine, stripTerminalCodes, truncateToWidth } from './format.ts';

/** The part of a terminal stream the presenter uses (process.stdout fits). */
export interface LiveStream {
  write(text: string): unknown;
  isTTY?: boolean;
  columns?: number;
}

/** How to present one step's output. */
export interface LiveOutputOptions {
  stream: LiveStream;
  color: boolean;
  unicode: boolean;
  /** What is running, e.g. the step's title. */
  label: string;
  /** Clock in milliseconds, for tests; defaults to performance.now. */
  now?: () => number;
  /**
   * The step has the keyboard: no status line is drawn (it would overwrite what the learner types),
   * and a line without its newline yet (a prompt such as `Name? `) is shown at once.
   */
  keyboard?: boolean;
}

/** Receives a step's output as it arrives, then how the step ended. */
export interface LiveOutput {
  write(text: string, stream: 'stdout' | 'stderr'): void;
  finish(result: StepExit & { durationMs: number }): void;
}

const INDENT = '  ';
const CLEAR_LINE = '\r\u001b[2K';
const TICK_MS = 100;
const DEFAULT_COLUMNS = 80;

const UNICODE_GLYPHS = {
  gutter: '│',
  errorGutter: '┆',
  done: '✓',
  failed: '✗',
  separator: '·',
  spinner: ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'],
};
const ASCII_GLYPHS = {
  gutter: '|',
  errorGutter: ':',
  done: '[ok]',
  failed: '[x]',
  separator: '-',
  spinner: ['|', '/', '-', '\\'],
};

type Style = (text: string) => string;
const sgr =
  (open: number, close: number): Style =>
  (text) =>
    `\u001b[${open}m${text}\u001b[${close}m`;
const plain: Style = (text) => text;

/**
 * Creates the live presenter for one step. On a TTY it starts a 100 ms status-line timer (unref'd,
 * stopped by `finish`); elsewhere it writes only whole lines and the final line.
 */
export function createLiveOutput(options: LiveOutputOptions): LiveOutput {
  const { stream, color, unicode, label, keyboard } = options;
  const tty = stream.isTTY === true && !keyboard;
  const now = options.now ?? (() => performance.now());
  const glyphs = unicode ? UNICODE_GLYPHS : ASCII_GLYPHS;
  const style = {
    dim: color ? sgr(2, 22) : plain,
    red: color ? sgr(31, 39) : plain,
    green: color ? sgr(32, 39) : plain,
    yellow: color ? sgr(33, 39) : plain,
    cyan: color ? sgr(36, 39) : plain,
  };
  const started = now();
  const splitters = { stdout: createLineSplitter(), stderr: createLineSplitter() };
  let lastWritten: 'stdout' | 'stderr' = 'stdout';
  let frame = 0;
  let statusShown = false;
  let finished = false;
  /** A prompt was shown without its newline: the learner's Enter ends that row. */
  let promptShown = false;

  const formatLine = (line: string, which: 'stdout' | 'stderr'): string => {
    const text = sanitizeLine(line, color);
    const gutter = which === 'stderr' ? style.red(glyphs.errorGutter) : style.dim(glyphs.gutter);
    if (text.length === 0) return `${INDENT}${gutter}\n`;
    // In a terminal, a line wider than it is folded here, so every row keeps the gutter.
    const room = tty ? (stream.columns && stream.columns > 0 ? stream.columns : DEFAULT_COLUMNS) - displayWidth(INDENT) - 3 : Infinity;
    const rows = visibleWidth(text) > room ? wrapAnsi(text, room, { hard: true, trim: false, wordWrap: false }).split('\n') : [text];
    return rows.map((row) => `${INDENT}${gutter} ${which === 'stderr' ? style.dim(row) : row}\n`).join('');
  };

  const statusLine = (): string => {
    const spinner = glyphs.spinner[frame % glyphs.spinner.length] ?? '';
    const partial = stripTerminalCodes(splitters[lastWritten].pending() || splitters[lastWritten === 'stdout' ? 'stderr' : 'stdout'].pending())
      .replace(/\t/g, ' ')
      .trim();
    let rest = ` ${stripTerminalCodes(label)} ${glyphs.separator} ${formatElapsed(now() - started)}`;
    if (partial) rest += ` ${glyphs.separator} ${partial}`;
    // One column short of the width: writing the last column makes some terminals wrap, and a
    // wrapped status line can no longer be erased with a carriage return.
    const columns = (stream.columns && stream.columns > 0 ? stream.columns : DEFAULT_COLUMNS) - 1;
    const room = columns - displayWidth(INDENT) - displayWidth(spinner);
    if (room <= 0) return '';
    return `${INDENT}${style.cyan(spinner)}${truncateToWidth(rest, room, unicode ? '…' : '.')}`;
  };

  const drawStatus = () => {
    if (finished) return;
    const line = statusLine();
    stream.write(`${statusShown ? CLEAR_LINE : ''}${line}`);
    statusShown = true;
  };

  let timer: ReturnType<typeof setInterval> | undefined;
  if (tty) {
    drawStatus();
    timer = setInterval(() => {
      frame += 1;
      drawStatus();
    }, TICK_MS);
    timer.unref();
  }

  return {
    write(text, which) {
      if (finished || text.length === 0) return;
      lastWritten = which;
      const lines = splitters[which].push(text).map((line) => formatLine(line, which)).join('');
      if (keyboard) {
        // What the step printed without a newline yet is a prompt: shown now, and what follows starts a row of its own.
        const pending = splitters[which].flush();
        const prompt = pending.map((line) => formatLine(line, which).replace(/\n$/, '')).join('');
        stream.write(`${lines}${prompt}`);
        promptShown = prompt !== '';
        return;
      }
      if (!tty) {
        if (lines) stream.write(lines);
        return;
      }
      // Erase the status line, print the finished lines, redraw it below them: one write, no flicker.
      stream.write(`${statusShown ? CLEAR_LINE : ''}${lines}${statusLine()}`);
      statusShown = true;
    },
    finish(result) {
      if (finished) return;
      finished = true;
      if (timer) clearInterval(timer);
      const rest = [
        ...splitters.stdout.flush().map((line) => formatLine(line, 'stdout')),
        ...splitters.stderr.flush().map((line) => formatLine(line, 'stderr')),
      ].join('');
      const elapsed = formatElapsed(result.durationMs);
      let final: string;
      if (result.exitCode === 0 && !result.timedOut && !result.cancelled) {
        final = `${style.green(glyphs.done)} done in ${elapsed}`;
      } else if (result.cancelled) {
        final = `${style.yellow(glyphs.failed)} cancelled after ${elapsed}`;
      } else {
        final = `${style.red(glyphs.failed)} failed (${summarizeExit(result)}) after ${elapsed}`;
      }
      stream.write(`${tty && statusShown ? CLEAR_LINE : ''}${promptShown && !rest ? '\n' : ''}${rest}${INDENT}${final}\n`);
    },
  };
}
